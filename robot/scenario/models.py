"""The shape of a scenario file, checked by pydantic (unknown keys are errors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from robot.config.models import EnvName


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _yes_no(value: Any) -> Any:
    """YAML 1.1 reads a bare yes/no as a boolean; a person meant the words."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


class ScheduleModel(_Strict):
    cron: str | None = None
    every_s: float | None = Field(default=None, ge=1)
    timezone: str | None = None  # None: the project's timezone


class NumbersModel(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    numbers: list[str] = Field(default_factory=list, alias="list")
    tags: list[str] = Field(default_factory=list)
    do_not_originate: Literal["exclude", "include", "only"] = "exclude"

    @field_validator("numbers", "tags", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return _as_list(value)


class HandsetsModel(_Strict):
    carriers: list[str] = Field(default_factory=list)
    platforms: list[Literal["android", "ios"]] = Field(default_factory=list)
    dialers: list[Literal["google", "samsung", "aosp", "ios"]] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    ids: list[str] = Field(default_factory=list)

    @field_validator("carriers", "platforms", "dialers", "tags", "ids", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return _as_list(value)


class RichCallDataModel(_Strict):
    name: str | None = None
    logo_url: str | None = None
    reason: str | None = None


class CallModel(_Strict):
    """`signing` is one level or a list of them (an attestation matrix); `none` dials unsigned
    on any trunk; `trunk` (the default) signs as each number's trunk is set up."""

    capture_after_s: float = Field(default=2.0, ge=0, le=120)
    ring_timeout_s: float = Field(default=30.0, gt=0, le=300)
    end_by: Literal["cancel", "decline", "ring_out"] = "cancel"
    signing: list[Literal["trunk", "none", "A", "B", "C"]] = ["trunk"]
    frames: int = Field(default=2, ge=1, le=5)
    rich_call_data: RichCallDataModel | None = None
    # what the phone is doing when the call comes; both = every call once per state
    display: list[Literal["locked", "in_use"]] = Field(default=["locked"], min_length=1)

    @field_validator("signing", "display", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class ExpectModel(_Strict):
    name: str | bool | None = "default"
    verified: Literal["yes", "no", "any"] = "any"
    no_label: bool = True
    outcome: Literal["auto", "delivered", "blocked", "any"] = "auto"
    # a name shown cut to the 15-character CNAM limit: a warning (default) or a failure
    truncated_name: Literal["warn", "fail"] = "warn"

    @field_validator("verified", mode="before")
    @classmethod
    def _words(cls, value: Any) -> Any:
        return _yes_no(value)


class PacingModel(_Strict):
    min_interval_per_number_s: float = Field(default=0.0, ge=0)


class RetriesModel(_Strict):
    device_error: int = Field(default=1, ge=0, le=5)


class BudgetModel(_Strict):
    per_number_per_day: int | None = Field(default=None, ge=1)
    per_handset_per_day: int | None = Field(default=None, ge=1)


class QuietHoursModel(_Strict):
    start: str = Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    timezone: str | None = None  # None: the project's timezone


class AlertWebhookModel(_Strict):
    """A channel of the scenario's own; its URL is read from `url_env` when an alert is sent."""

    kind: Literal["slack", "teams", "json"]
    url_env: EnvName
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class AlertsModel(_Strict):
    """Who hears about this scenario's signals, and when (see `robot.domain.alerts`)."""

    channels: list[str] = Field(default_factory=list)
    webhooks: list[AlertWebhookModel] = Field(default_factory=list)
    confirm: int | None = Field(default=None, ge=1, le=20)
    mute: bool | list[str] = False

    @field_validator("channels", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return _as_list(value)


class ScenarioModel(_Strict):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    schedule: ScheduleModel | None = None
    numbers: NumbersModel = NumbersModel()
    handsets: HandsetsModel = HandsetsModel()
    pairing: Literal["matrix", "sampled"] = "matrix"
    sample: int | None = Field(default=None, ge=1)
    repeats: int = Field(default=1, ge=1, le=100)
    call: CallModel = CallModel()
    expect: ExpectModel = ExpectModel()
    pacing: PacingModel = PacingModel()
    retries: RetriesModel = RetriesModel()
    budget: BudgetModel = BudgetModel()
    quiet_hours: QuietHoursModel | None = None
    alerts: AlertsModel = AlertsModel()
