"""One test call from dial to verdict: race the SIP outcome against the handset ringing.

The attempt is written `in_progress` before the INVITE leaves and completed as soon as the call
is over and its screens are read, so a killed robot leaves a trace. Whatever goes wrong, the
call is ended from our side before `end_call` returns: no call is ever left up on a trunk.
The handset is free once the call is over (`EndedCall`): reading its screens, judging and
recording can run elsewhere while the handset takes its next call.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from robot.domain.delivery import delivery_of
from robot.domain.judge import judge
from robot.domain.model import (
    Artifacts,
    Attempt,
    AttemptStatus,
    AttemptTimes,
    Delivery,
    Run,
    SipOutcome,
    Trunk,
)
from robot.domain.scenario import CallOptions, EndBy, PlannedCall, trunk_for_call
from robot.engine.environment import Environment
from robot.engine.handset_turn import FOREIGN_REDIALS, HandsetTurn
from robot.engine.reading import read_frames
from robot.errors import PartialCaptureError, RingcheckError
from robot.ports import Capture, DialRequest, EndHow, Handset, LiveCall, RingObservation
from robot.store.artifacts import ArtifactKind

log = logging.getLogger(__name__)

POLL_S = 0.25
"""Between looks at the handset, until the network says the phone is alerting; a response
from the network ends the wait at once (`LiveCall.wait_for_event`)."""

RING_POLL_S = 0.03
"""Between looks at the handset once the network says it is alerting (180/183): the ring is
due any moment, and every such gap is time between the ring and the robot seeing it."""

SIP_SETTLE_S = 10.0
"""How long to wait for the network to confirm the end of a call we ended."""


@dataclasses.dataclass
class _Observed:
    """What the race between the network and the handset produced."""

    ring: RingObservation | None = None
    outcome: SipOutcome | None = None
    captures: Sequence[Capture] = ()
    device_error: str | None = None
    interrupted: bool = False
    foreign_call: bool = False  # somebody else's call rang while ours was in flight


@dataclasses.dataclass(frozen=True)
class EndedCall:
    """A call over on the network and the handset; its screens are still to be read, and the
    attempt judged and recorded (`finish`), which needs neither the handset nor the trunk."""

    env: Environment
    attempt: Attempt
    call: PlannedCall
    observed: _Observed
    ended_at: datetime
    trace: str | None = None
    dialed_at: datetime | None = None
    turn: HandsetTurn | None = None

    @property
    def device_error(self) -> bool:
        return self._delivery() is Delivery.DEVICE_ERROR

    @property
    def reads_screen(self) -> bool:
        """Whether finishing reads screenshots (the slow part worth running elsewhere)."""
        return self._delivery() is Delivery.DELIVERED and bool(self.observed.captures)

    def _delivery(self) -> Delivery | None:
        obs = self.observed
        return None if obs.interrupted and obs.ring is None else _delivery(obs)

    def finish(self) -> Attempt:
        """Read, judge, write the evidence and record the completed attempt."""
        return _finish(self)


def end_call(env: Environment, run: Run, call: PlannedCall, options: CallOptions) -> EndedCall:
    """Place one test call and observe the handset until the call is over on both sides."""
    assert run.id is not None, "start the run in the store first"
    started = Attempt(
        run_id=run.id,
        number=call.number.e164,
        carrier=call.handset.carrier,
        handset_id=call.handset.id,
        attestation=call.attestation,
        display_state=call.display_state,
        times=AttemptTimes(dialed_at=env.clock.now()),
        planned_call=call.index,
        worker=env.worker,
    )
    attempt = env.store.record_attempt(started)
    trunk = trunk_for_call(env.trunk_for(call.number, call.handset), call.attestation)
    # The trunk's concurrent-call limit is ours: wait for a slot (before arming the handset and
    # starting the call's clock), and hold it until the call is over on the network.
    with env.trunk_slots.slot(trunk, env.stop) as waited:
        if waited is None:  # the run stopped while this call waited: never dialled
            return EndedCall(env, attempt, call, _Observed(interrupted=True), env.clock.now())
        attempt = dataclasses.replace(attempt, slot_wait_ms=round(waited * 1000.0, 1))
        done = _arm_and_dial(env, run, attempt, call, options, trunk)
    return EndedCall(
        env,
        done.attempt,
        call,
        done.observed,
        env.clock.now(),
        done.trace,
        done.dialed_at,
        done.turn,
    )


@dataclasses.dataclass
class _Turn:
    """What arming the handset and dialling produced, for `_finish`."""

    attempt: Attempt
    observed: _Observed
    trace: str | None = None
    dialed_at: datetime | None = None
    turn: HandsetTurn | None = None


def _arm_and_dial(
    env: Environment,
    run: Run,
    attempt: Attempt,
    call: PlannedCall,
    options: CallOptions,
    trunk: Trunk | None,
) -> _Turn:
    """Arm the handset and dial, again when a foreign call kept ours off the screen."""
    try:
        turn = HandsetTurn(env, run, call, env.handset_for(call.handset))
        attempt = dataclasses.replace(attempt, settings=turn.arm())
    except RingcheckError as exc:
        return _Turn(attempt, _Observed(device_error=f"prepare: {exc}"))
    for redial in range(FOREIGN_REDIALS + 1):
        if redial:  # a foreign call kept ours off the screen: dial it again
            try:
                turn.arm()
            except RingcheckError as exc:
                return _Turn(attempt, _Observed(device_error=f"prepare: {exc}", foreign_call=True))
        attempt, observed, trace, dialed_at = _dial(env, attempt, call, options, turn, trunk)
        if not (observed.foreign_call and observed.ring is None) or observed.interrupted:
            break
    return _Turn(attempt, observed, trace, dialed_at, turn)


def _dial(
    env: Environment,
    attempt: Attempt,
    call: PlannedCall,
    options: CallOptions,
    turn: HandsetTurn,
    trunk: Trunk | None,
) -> tuple[Attempt, _Observed, str | None, datetime | None]:
    dialed_at = env.clock.now()
    attempt = dataclasses.replace(attempt, times=AttemptTimes(dialed_at=dialed_at))
    request = DialRequest(
        from_number=call.number.e164,
        to=call.handset.msisdn,
        trunk=trunk,
        ring_timeout_s=options.ring_timeout_s,
        max_duration_s=options.ring_timeout_s + 30.0,
        attestation=call.attestation,
        rcd_name=options.rcd_name,
        rcd_logo_url=options.rcd_logo_url,
        call_reason=options.call_reason,
    )
    try:
        live = env.dialer.place(request)
    except RingcheckError as exc:
        if env.stop.is_set():  # stopped while waiting for the trunk: nothing was dialled
            return attempt, _Observed(interrupted=True), None, None
        return attempt, _Observed(outcome=SipOutcome(call_id="", error=str(exc))), None, None
    observed = _observe(env, live, turn, options, dialed_at)
    return attempt, observed, _safe_trace(live), dialed_at


def _observe(
    env: Environment, live: LiveCall, turn: HandsetTurn, options: CallOptions, dialed_at: datetime
) -> _Observed:
    observed = _Observed()
    handset = turn.handset
    try:
        _race(env, live, turn, options, observed, dialed_at)
        if observed.ring is not None and observed.outcome is None:
            _capture(env, live, handset, options, observed)
            _end(env, live, handset, options, observed)
    except RingcheckError as exc:
        observed.device_error = str(exc)
    finally:
        if observed.outcome is None:
            observed.outcome = _hang_up(live)
    if observed.ring is not None and not observed.captures:  # ended before the capture:
        observed.captures = turn.frames  # the frame that tied the ring to our call, if any
    return observed


def _race(
    env: Environment,
    live: LiveCall,
    turn: HandsetTurn,
    options: CallOptions,
    obs: _Observed,
    dialed_at: datetime,
) -> None:
    """Until the handset rings with our call, the network ends it, or the ring timeout passes;
    a foreign call ringing meanwhile is dismissed and recorded (`HandsetTurn.vet`)."""
    deadline = env.clock.monotonic() + options.ring_timeout_s
    while obs.ring is None:
        if env.stop.is_set():
            obs.interrupted = True
            return
        obs.outcome = live.wait(0)
        if obs.outcome is not None or _answered(live):
            return
        now = env.clock.monotonic()
        if now >= deadline:
            return
        events = live.events()
        ring = turn.handset.wait_for_incoming(now)  # one look
        if ring is not None:
            foreign_before = turn.foreign_calls
            ring = turn.vet(ring, dialed_at)
            obs.foreign_call = obs.foreign_call or turn.foreign_calls > foreign_before
            obs.ring = ring
            continue
        left = max(0.0, deadline - env.clock.monotonic())
        if any(e.code in (180, 183) for e in events):
            live.wait(min(RING_POLL_S, left))  # ends at once if the call does
        else:
            live.wait_for_event(len(events), min(POLL_S, left))


def _capture(
    env: Environment, live: LiveCall, handset: Handset, options: CallOptions, obs: _Observed
) -> None:
    """Let the screen settle (labels and names appear late), then take the frames. The
    settling counts from the ring: time spent tying the ring to our call (an iPhone's screen
    read, `HandsetTurn.vet`) is part of it, not added to it."""
    settled_s = 0.0
    if obs.ring is not None:
        settled_s = max(0.0, (env.clock.now() - obs.ring.at).total_seconds())
    if env.stop.wait(max(0.0, options.capture_after_s - settled_s)):
        obs.interrupted = True
    obs.outcome = live.wait(0)
    if obs.outcome is None and not obs.interrupted:
        try:
            obs.captures = handset.capture(frames=options.frames)
        except PartialCaptureError as exc:  # the handset went away after the first frames
            if not exc.captures:
                raise
            obs.captures = exc.captures
            log.warning("kept %d frame(s) of a failed capture: %s", len(exc.captures), exc)


def _end(
    env: Environment, live: LiveCall, handset: Handset, options: CallOptions, obs: _Observed
) -> None:
    if obs.outcome is not None:
        handset.end_call(EndHow.CALLER_CANCEL)
        return
    if options.end_by is EndBy.DECLINE and not obs.interrupted:
        declined = handset.end_call(EndHow.DECLINE)  # False: cannot (a locked iPhone)
        obs.outcome = (live.wait(SIP_SETTLE_S) if declined else None) or live.hang_up()
        if not declined:
            handset.end_call(EndHow.CALLER_CANCEL)
        return
    if options.end_by is EndBy.RING_OUT and not obs.interrupted:
        obs.outcome = live.wait(options.ring_timeout_s)
    if obs.outcome is None:
        obs.outcome = live.hang_up()
    handset.end_call(EndHow.CALLER_CANCEL)


def _answered(live: LiveCall) -> bool:
    return any(200 <= e.code < 300 for e in live.events())


def _hang_up(live: LiveCall) -> SipOutcome:
    try:
        return live.hang_up()
    except RingcheckError as exc:
        log.error("could not end call %s: %s", live.call_id, exc)
        return SipOutcome(call_id=live.call_id, error=f"hang up failed: {exc}")


def _safe_trace(live: LiveCall) -> str | None:
    try:
        return live.trace()
    except RingcheckError:
        return None


def _delivery(obs: _Observed) -> Delivery:
    return delivery_of(
        obs.outcome,
        handset_rang=obs.ring is not None,
        device_error=obs.device_error is not None,
        foreign_call=obs.foreign_call,
    )


def _finish(ended: EndedCall) -> Attempt:
    env, attempt, call, obs, turn = ended.env, ended.attempt, ended.call, ended.observed, ended.turn
    delivery = ended._delivery()
    reading = None
    error = obs.device_error or (obs.outcome.error if obs.outcome else None)
    if delivery is Delivery.DELIVERED and not obs.captures:
        error = error or "the call ended before a frame of the screen was captured"
    elif delivery is Delivery.DELIVERED:
        try:
            reading = read_frames(env.reader, call, obs.captures, obs.ring)
        except RingcheckError as exc:
            error = f"screen reading failed: {exc}"
    verdict = None
    if delivery is not None and delivery is not Delivery.FOREIGN_CALL:  # foreign: never judged
        verdict = judge(delivery, reading, call.expectations)
    if turn is not None and delivery is Delivery.DELIVERED:
        reading = turn.label_source(reading, obs.captures)
        verdict = turn.with_caller_check(verdict)
    status = AttemptStatus.INTERRUPTED if obs.interrupted else AttemptStatus.COMPLETED
    done = dataclasses.replace(
        attempt,
        status=status,
        delivery=delivery,
        sip=obs.outcome,
        reading=reading,
        verdict=verdict,
        error=error,
        times=_times(attempt.times, obs, ended.dialed_at, ended.ended_at),
    )
    done = dataclasses.replace(done, artifacts=_write_evidence(env, done, obs, ended.trace))
    recorded = env.store.record_attempt(done)
    env.notify(recorded)
    return recorded


def _times(
    times: AttemptTimes, obs: _Observed, dialed_at: datetime | None, ended_at: datetime
) -> AttemptTimes:
    events = obs.outcome.events if obs.outcome else ()
    base = dialed_at or times.dialed_at

    def at(codes: tuple[int, ...]) -> datetime | None:
        for event in events:
            if event.code in codes:
                return base + timedelta(milliseconds=event.at_ms)
        return None

    return AttemptTimes(
        dialed_at=base,
        first_provisional_at=at(tuple(range(100, 200))),
        sip_ringing_at=at((180, 183)),
        handset_ringing_at=obs.ring.at if obs.ring else None,
        captured_at=obs.captures[0].at if obs.captures else None,
        ended_at=ended_at,
    )


def _write_evidence(
    env: Environment, attempt: Attempt, obs: _Observed, trace: str | None
) -> Artifacts:
    """Screenshot, page source and SIP trace under names the store chooses."""
    screenshot = page_source = sip_trace = None
    for frame, capture in enumerate(obs.captures):
        name = env.evidence.write(attempt, ArtifactKind.SCREENSHOT, capture.png, frame=frame)
        screenshot = screenshot or name
        if capture.page_source:
            source = env.evidence.write(
                attempt, ArtifactKind.PAGE_SOURCE, capture.page_source, frame=frame
            )
            page_source = page_source or source
    if trace:
        sip_trace = env.evidence.write(attempt, ArtifactKind.SIP_TRACE, trace)
    return Artifacts(screenshot=screenshot, page_source=page_source, sip_trace=sip_trace)
