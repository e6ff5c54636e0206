"""The handset's part of one attempt: arm the phone for its display state, and tie every ring
to our call before anything is captured as ours.

A test SIM receives real calls (spam, wrong numbers) and a second SIM may ring too. The number
the phone's telephony reports decides (Android); where the phone does not say (iOS, a hidden
number), the screen reading's number decides, and an unreadable one leaves the attempt with an
`uncertain` caller check rather than a pass. A foreign call is dismissed on the handset and
recorded as an attempt of its own (delivery `foreign_call`, with its screenshot, never judged);
our call keeps waiting, and is dialled again when it never showed because of it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime

from robot.domain.caller import CallerMatch, caller_check, match_caller
from robot.domain.model import (
    Artifacts,
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Check,
    Delivery,
    LabelSource,
    Reading,
    Run,
    Verdict,
)
from robot.domain.scenario import PlannedCall
from robot.engine.environment import Environment
from robot.engine.reading import surface_hint
from robot.errors import PartialCaptureError, RingcheckError
from robot.ports import Capture, Handset, ReadRequest, RingObservation, Settings
from robot.store.artifacts import ArtifactKind

log = logging.getLogger(__name__)

FOREIGN_REDIALS = 2
"""How often our call is dialled again when a foreign call kept it off the screen."""


@dataclasses.dataclass
class HandsetTurn:
    """One planned call's handset side; lives for the attempt, across redials."""

    env: Environment
    run: Run
    call: PlannedCall
    handset: Handset
    settings: Settings = ()
    foreign_calls: int = 0
    check: Check | None = None  # set when the ring could not be tied to our call
    frames: Sequence[Capture] = ()  # frames of our call taken to tie the ring to it

    def arm(self) -> Settings:
        """Idle, clean and in the call's display state; the settings snapshot is kept."""
        self.settings = tuple(self.handset.prepare(self.call.display_state) or ())
        return self.settings

    def vet(self, ring: RingObservation, dialed_at: datetime) -> RingObservation | None:
        """`ring` when it is (or may be) our call; None after dismissing a foreign one."""
        match = match_caller(self.call.number.e164, ring.incoming_number)
        captures: Sequence[Capture] = ()
        reading: Reading | None = None
        if match is CallerMatch.UNKNOWN:  # the phone did not say: the screen decides
            captures = self._frames()
            reading = self._read(captures, ring)
            shown = None
            if reading is not None:  # no number: "Private number" in the name slot says enough
                shown = reading.number or reading.name
            match = match_caller(self.call.number.e164, shown)
        if match is not CallerMatch.FOREIGN:
            self.check = caller_check(match)
            self.frames = captures
            return ring
        self.foreign_calls += 1
        captures = captures or self._frames()
        self.handset.dismiss(ring)
        self._record_foreign(ring, captures, reading, dialed_at)
        return None

    @staticmethod
    def label_source(reading: Reading | None, captures: Sequence[Capture]) -> Reading | None:
        """A label read while a carrier spam app's overlay was on screen is that app's."""
        if reading is None or reading.spam_label is None:
            return reading
        if any(c.overlay for c in captures):
            return dataclasses.replace(reading, label_source=LabelSource.CARRIER_APP)
        if reading.label_source is None:
            return dataclasses.replace(reading, label_source=LabelSource.DIALER)
        return reading

    def with_caller_check(self, verdict: Verdict | None) -> Verdict | None:
        if verdict is None or self.check is None:
            return verdict
        return Verdict(checks=(*verdict.checks, self.check))

    def _frames(self) -> Sequence[Capture]:
        try:
            return self.handset.capture(frames=1)
        except PartialCaptureError as exc:
            return exc.captures

    def _read(self, captures: Sequence[Capture], ring: RingObservation) -> Reading | None:
        if not captures:
            return None
        spec = self.call.handset
        request = ReadRequest(
            image=captures[0].png,
            dialer=spec.dialer,
            languages=(spec.locale,),
            page_source=captures[0].page_source,
            surface_hint=surface_hint(ring, spec.dialer),
            urgent=True,  # the call rings and its capture wait runs meanwhile
        )
        try:
            return self.env.reader.read(request)
        except RingcheckError as exc:
            log.warning("handset %s: reading the ringing call failed: %s", spec.id, exc)
        except Exception:  # a reader bug must not stop this handset: the number stays unknown
            log.exception("handset %s: the screen reader failed on the ringing call", spec.id)
        return None

    def _record_foreign(
        self,
        ring: RingObservation,
        captures: Sequence[Capture],
        reading: Reading | None,
        dialed_at: datetime,
    ) -> None:
        """Its own attempt row: the evidence of what rang instead of ours, never judged."""
        assert self.run.id is not None
        seen = ring.incoming_number
        if seen is None and reading is not None:
            seen = reading.number
        caller = seen or "a withheld number"
        spec = self.call.handset
        foreign = Attempt(
            run_id=self.run.id,
            number=self.call.number.e164,
            carrier=spec.carrier,
            handset_id=spec.id,
            attestation=self.call.attestation,
            status=AttemptStatus.COMPLETED,
            delivery=Delivery.FOREIGN_CALL,
            reading=reading,
            settings=self.settings,
            display_state=self.call.display_state,
            worker=self.env.worker,
            error=f"a foreign call from {caller} rang instead of ours ({ring.how}); "
            "dismissed, not judged",
            times=AttemptTimes(
                dialed_at=dialed_at,
                handset_ringing_at=ring.at,
                captured_at=captures[0].at if captures else None,
                ended_at=self.env.clock.now(),
            ),
        )
        try:
            foreign = self.env.store.record_attempt(foreign)
            foreign = dataclasses.replace(foreign, artifacts=self._evidence(foreign, captures))
            self.env.store.record_attempt(foreign)
        except RingcheckError as exc:
            log.error("handset %s: recording a foreign call failed: %s", spec.id, exc)
        log.info("handset %s: foreign call from %s dismissed", spec.id, caller)

    def _evidence(self, attempt: Attempt, captures: Sequence[Capture]) -> Artifacts:
        screenshot = page_source = None
        for frame, capture in enumerate(captures):
            name = self.env.evidence.write(attempt, ArtifactKind.SCREENSHOT, capture.png,
                                           frame=frame)  # fmt: skip
            screenshot = screenshot or name
            if capture.page_source:
                page_source = page_source or self.env.evidence.write(
                    attempt, ArtifactKind.PAGE_SOURCE, capture.page_source, frame=frame
                )
        return Artifacts(screenshot=screenshot, page_source=page_source)
