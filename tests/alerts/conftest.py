"""Fixtures for alert tests: a SQLite store on a stepping clock and a pipeline builder that
wires signals, outbox and sender the way `robot.wiring.alert_pipeline` does."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from robot.alerts.pipeline import AlertPipeline, EvidenceLocator, Route
from robot.alerts.sender import OutboxSender
from robot.domain.alerts import AlertChannel
from robot.store.alert_outbox import SqlOutbox
from robot.store.alert_state import SqlSignals
from robot.store.results import SqlResultStore, open_store
from tests.alerts.factory import StepClock


@dataclass
class Rig:
    store: SqlResultStore
    clock: StepClock
    environ: dict[str, str] = field(default_factory=dict)

    @property
    def outbox(self) -> SqlOutbox:
        return SqlOutbox(self.store.engine, self.clock)

    def sender(self, holder: str = "test-sender", **kw: object) -> OutboxSender:
        return OutboxSender(self.outbox, holder=holder, environ=self.environ, **kw)  # type: ignore[arg-type]

    def pipeline(
        self,
        channels: tuple[AlertChannel, ...] = (),
        *,
        scenario: str = "nightly",
        confirm: int = 2,
        public_url: str | None = None,
        start: bool = True,
        environ: Mapping[str, str] | None = None,
    ) -> AlertPipeline:
        if environ is not None:
            self.environ.update(environ)
        artifacts = self.store.artifacts
        assert artifacts is not None
        return AlertPipeline(
            scenario=scenario,
            route=Route(channels=channels, confirm=confirm),
            signals=SqlSignals(self.store.engine, self.clock),
            evidence=EvidenceLocator(
                public_url, lambda rel: str(artifacts.resolve(rel)), host="robot-7"
            ),
            clock=self.clock,
            sender=self.sender().start() if start else None,
        )


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    clock = StepClock()
    store = open_store(
        f"sqlite:///{tmp_path / 'results.db'}", artifacts_dir=tmp_path / "art", clock=clock
    )
    yield Rig(store, clock)
    store.close()
