"""State shared by every command: which project, how talkative."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class CliState:
    project: str | None = None
    verbose: bool = False

    @property
    def project_dir(self) -> Path:
        return Path(self.project) if self.project else Path.cwd()
