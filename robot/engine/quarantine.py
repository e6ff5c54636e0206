"""Device errors feed handset quarantine: an attempt listener, so the run never waits on it.

A handset that keeps failing to be observed is taken out of service after a few consecutive
device errors (`devices.farm.Farm.record`); any attempt where the robot did observe it resets
the count. Network-side outcomes (trunk errors, refused signing) say nothing about the phone.
"""

from __future__ import annotations

from typing import Protocol

from robot.domain.model import Attempt, AttemptStatus, Delivery

_SAYS_NOTHING_ABOUT_THE_HANDSET = frozenset(
    {Delivery.TRUNK_ERROR, Delivery.SIGNING_REJECTED, Delivery.RINGING, Delivery.ANSWERED}
)


class HandsetRecord(Protocol):
    def record(self, handset_id: str, device_error: str | None) -> bool:
        """Count one observation of the handset; True when it is (now) quarantined."""
        ...


class QuarantineListener:
    """Tells the farm, after each attempt, whether the robot could observe the handset."""

    def __init__(self, farm: HandsetRecord) -> None:
        self._farm = farm

    def __call__(self, attempt: Attempt) -> None:
        if attempt.handset_id is None or attempt.status is not AttemptStatus.COMPLETED:
            return
        if attempt.delivery is None or attempt.delivery in _SAYS_NOTHING_ABOUT_THE_HANDSET:
            return
        error = None
        if attempt.delivery is Delivery.DEVICE_ERROR:
            error = attempt.error or "the handset could not be observed"
        self._farm.record(attempt.handset_id, error)
