"""Ground truth: every decision the farm made about a call, keyed by SIP Call-ID.

Each event (decided, ringing, ended) is appended as one JSON line (to a file when configured)
and merged into one record per call, which `GET /sim/calls` returns; tests compare what the
robot read with what the farm really showed. `live()` counts calls not ended yet.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, TextIO


class TruthLog:
    """Thread-safe; keeps the newest `keep` calls in memory (the file keeps them all)."""

    def __init__(self, path: Path | None = None, keep: int = 20_000) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self._calls: dict[str, dict[str, Any]] = {}
        self._file: TextIO | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")

    def record(self, call_id: str, event: str, **data: Any) -> None:
        """Add one event to the call's record (and the JSON-lines file)."""
        line = {"at": round(time.time(), 3), "call_id": call_id, "event": event, **data}
        with self._lock:
            call = self._calls.setdefault(call_id, {"call_id": call_id, "events": [],
                                                   "ended": False})
            call["events"].append({"at": line["at"], "event": event})
            if "note" in data:
                call.setdefault("notes", []).append(data["note"])
            call.update({k: v for k, v in data.items() if k != "note"})
            if event == "ended":
                call["ended"] = True
                if len(self._calls) > self._keep:  # a long-running farm: forget the oldest
                    oldest = next(c for c, v in self._calls.items() if v["ended"])
                    del self._calls[oldest]
            if self._file is not None:
                self._file.write(json.dumps(line, default=str) + "\n")
                self._file.flush()

    def calls(self) -> list[dict[str, Any]]:
        with self._lock:
            return json.loads(json.dumps(list(self._calls.values()), default=str))  # type: ignore[no-any-return]

    def ended(self, call_id: str) -> bool:
        """Whether the call is over (an unknown call counts as over)."""
        with self._lock:
            call = self._calls.get(call_id)
            return call is None or bool(call["ended"])

    def live(self) -> int:
        with self._lock:
            return sum(1 for call in self._calls.values() if not call["ended"])

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
