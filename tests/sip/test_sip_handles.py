"""Calls wait for pjlib's socket handles, never for a rate: back-to-back calls on one worker
process never exhaust its ioqueue, and the budget counts handles the way pjlib returns them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from robot.ports import DialRequest
from robot.sip import Pjsua2Dialer
from robot.sip.handles import CALLS_PER_PROCESS, HandleBudget
from tests.sip.sipp_peer import SippUas

Sipp = Callable[..., SippUas]


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_call_holds_its_handles_until_the_reuse_delay_has_passed() -> None:
    clock = ManualClock()
    budget = HandleBudget(calls=3, reuse_delay_s=0.5, clock=clock)
    assert budget.room(live=2)
    budget.released()
    budget.released()
    assert budget.in_use(live=1) == 3 and not budget.room(live=1)
    clock.now += 0.49
    assert not budget.room(live=1)
    clock.now += 0.02
    assert budget.in_use(live=1) == 1 and budget.room(live=1)


def test_the_budget_fits_the_media_ioqueue_with_a_call_to_spare() -> None:
    assert CALLS_PER_PROCESS >= 4 and 2 * (CALLS_PER_PROCESS + 1) <= 64


@pytest.mark.sipp
def test_back_to_back_calls_on_one_worker_never_exhaust_its_sockets(sipp: Sipp) -> None:
    """Placed as fast as they end (each answered 486 in a few ms), 3 x the budget of calls
    would abort an unguarded pjsua process (`ioqueue_select.c: free_list` assertion)."""
    calls = 3 * CALLS_PER_PROCESS
    uas = sipp("final_486.xml", calls=calls)
    with Pjsua2Dialer(concurrency=1) as dialer:
        pids = set(dialer.worker_pids)
        codes = []
        for _ in range(calls):
            call = dialer.place(DialRequest(from_number="+15550100", to=uas.uri()))
            outcome = call.wait(30)
            codes.append(outcome.final_code if outcome else None)
        assert set(dialer.worker_pids) == pids  # the same process all along: it never died
    assert codes == [486] * calls
    assert uas.finish() == 0, uas.log()
