"""Where the results of a project (or of a plain folder holding a store) are: the one place
that decides, kept apart from `robot.wiring` so that commands which only read the store
(`results`, `report`, `evidence`) import neither the engine nor the whole project loader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from robot.config.store_settings import PROJECT_FILE
from robot.errors import UsageError
from robot.store.evidence import EvidenceStore, S3Settings

if TYPE_CHECKING:
    from robot.config.project import Project
    from robot.store.results import SqlResultStore

STORE_URL_ENV = "RINGCHECK_STORE_URL"
FOLDER_STORE = Path(".ringcheck") / "results.db"
FOLDER_ARTIFACTS = Path(".ringcheck") / "artifacts"


@dataclass(frozen=True, slots=True)
class StoreLocation:
    url: str  # may hold a password: for connecting only, never for printing
    artifacts_dir: Path
    evidence_url: str | None = None  # s3://bucket/prefix when evidence is in object storage
    evidence_s3: S3Settings = field(default_factory=S3Settings)

    def evidence(self) -> EvidenceStore:
        """The evidence store these results link to (a folder, or a bucket)."""
        if self.evidence_url is not None:
            from robot.store.evidence import open_s3_evidence

            return open_s3_evidence(self.evidence_url, self.evidence_s3)
        from robot.store.artifacts import ArtifactStore

        return ArtifactStore(self.artifacts_dir)


def evidence_of(project: Project) -> EvidenceStore:
    """The project's evidence store: `evidence: s3://...` or the local folder."""
    return StoreLocation(
        "", Path(project.artifacts_dir), project.evidence_url, project.evidence_s3
    ).evidence()


def store_url(project: Project) -> str:
    """RINGCHECK_STORE_URL (a team database for one command), else the project's store."""
    return os.environ.get(STORE_URL_ENV) or project.store_url_expanded()


def store_location(folder: Path) -> StoreLocation:
    """Where the results of the project in `folder` are.

    RINGCHECK_STORE_URL, else the project's `store:`, else (a folder without ringcheck.yaml,
    e.g. a copied store being inspected) `<folder>/.ringcheck/results.db`. Only the store and
    evidence keys of the project file are read (`robot.config.store_settings`).
    """
    if (folder / PROJECT_FILE).is_file():
        from robot.config.secrets import expand_env_refs
        from robot.config.store_settings import read_store_settings

        where = read_store_settings(folder.expanduser().resolve() / PROJECT_FILE)
        url = os.environ.get(STORE_URL_ENV) or expand_env_refs(
            where.store_url, "store URL in ringcheck.yaml"
        )
        return StoreLocation(url, where.artifacts_dir, where.evidence_url, where.evidence_s3)
    root = folder.resolve()
    url = os.environ.get(STORE_URL_ENV) or f"sqlite:///{root / FOLDER_STORE}"
    return StoreLocation(url, root / FOLDER_ARTIFACTS)


def open_store_in(folder: Path, *, create: bool = True) -> SqlResultStore:
    """The results store of the project (or plain folder) `folder`, migrated. `create=False`
    for commands that only read: nothing is created, and a folder that is neither a project
    nor holds a store is a usage error (the wrong folder, most likely)."""
    from robot.store.results import open_store

    where = store_location(folder)
    if not create:
        check_store_exists(folder, where.url)
    return open_store(where.url, evidence=where.evidence(), create=create)


def check_store_exists(folder: Path, url: str) -> None:
    """Raise a usage error when `folder` is no project and its store file does not exist."""
    from robot.store.engine import sqlite_path

    path = sqlite_path(url)
    if path is not None and not path.exists() and not (folder / PROJECT_FILE).is_file():
        raise UsageError(
            f"no {PROJECT_FILE} and no results store in {folder.resolve()}: run inside a"
            " project folder or pass --project DIR"
        )
