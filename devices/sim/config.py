"""The `sim:` section of a project: how each simulated carrier and handset behaves.

It lives in `ringcheck.yaml` under `sim:` (or in its own file named by `sim: {file: ...}`) and
is checked here with the same file:line errors as the main config, reusing its YAML-with-lines
loader and error wording. Everything random in the farm draws from `seed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from robot.config.hints import choice_hint, e164_hint, parse_e164
from robot.config.validate import validate
from robot.config.yamlsrc import YamlDoc, load_yaml

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
ALL_HANDSETS = "*"
LabelClassName = Literal["scam", "fraud", "spam", "telemarketer", "nuisance", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _e164(value: str) -> str:
    found = parse_e164(str(value))
    if found is None:
        raise ValueError(f'"{value}" is not a valid E.164 number ({e164_hint(str(value))})')
    return found


class AnalyticsRule(_Strict):
    """A number the carrier's analytics engine flags, in its own words, `probability` per call."""

    label_class: LabelClassName | None = Field(default=None, alias="class")
    label: str | None = None
    probability: Probability = 1.0

    @model_validator(mode="after")
    def _one_of(self) -> AnalyticsRule:
        if self.label_class is None and self.label is None:
            raise ValueError("give `class:` (the carrier's own word is used) or `label:`")
        return self


class Range(_Strict):
    min: Annotated[float, Field(ge=0)] = 0.0
    max: Annotated[float, Field(ge=0)] = 0.0

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        return self


class Faults(_Strict):
    """Network trouble to inject, each with a probability per call."""

    status_503: Probability = 0.0
    no_ringing: Probability = 0.0  # the 180 is lost: only 100 Trying reaches the caller
    extra_delay_ms: Annotated[float, Field(ge=0)] = 0.0


DEFAULT_WORDS: dict[str, str] = {
    "scam": "Scam Likely",
    "fraud": "Potential Fraud",
    "spam": "Spam Risk",
    "telemarketer": "Telemarketer",
    "nuisance": "Nuisance Likely",
    "other": "Survey",
}


class CarrierSim(_Strict):
    """One simulated terminating carrier's policy."""

    cnam: dict[str, str] = Field(default_factory=dict)
    labels: dict[LabelClassName, str] = Field(default_factory=dict)
    analytics: dict[str, AnalyticsRule] = Field(default_factory=dict)
    dno: list[str] = Field(default_factory=list)
    dno_response: Literal[603, 607, 608] = 603
    badge: Literal["disc", "text"] = "disc"
    unverified: Literal["show", "block"] = "show"
    rich_call_data: bool = True
    ring_delay_ms: Range = Range(min=50, max=250)
    no_answer_s: Annotated[float, Field(gt=0)] = 30.0
    on_no_answer: Literal[480, 408, "voicemail"] = 480
    voicemail_hold_s: Annotated[float, Field(gt=0)] = 20.0  # then the network sends BYE
    decline_code: Literal[486, 603] = 603
    silent_drop: list[str] = Field(default_factory=list)
    silent_drop_probability: Probability = 0.0
    busy: list[str] = Field(default_factory=list)
    unavailable: list[str] = Field(default_factory=list)
    faults: Faults = Faults()

    @field_validator("cnam", "analytics", mode="before")
    @classmethod
    def _number_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {_e164(str(k)): v for k, v in value.items()}
        return value

    @field_validator("dno", "silent_drop", "busy", "unavailable")
    @classmethod
    def _numbers(cls, value: list[str]) -> list[str]:
        return [_e164(v) for v in value]

    def word(self, label_class: LabelClassName) -> str:
        """The carrier's own wording for a label class ("Scam Likely" vs "Potential Fraud")."""
        return self.labels.get(label_class) or DEFAULT_WORDS[label_class]


class ForeignCalls(_Strict):
    """Somebody else's calls: with `probability` per call of ours, a foreign call rings the
    handset first (our call waits on the network, as call waiting does), for `ring_s` unless
    the robot declines it; `withheld` of them hide their number."""

    probability: Probability = 0.0
    ring_s: Range = Range(min=2.0, max=5.0)
    withheld: Probability = 0.2
    other_sim: Probability = 0.5  # on a dual-SIM handset: arrives on its second SIM


class Drift(_Strict):
    """Settings the phone's owner (or an update) changes between calls, per call."""

    dnd: Probability = 0.0  # Do Not Disturb switched on: calls stop showing until it is off


class HandsetSim(_Strict):
    """How one simulated handset behaves and looks."""

    theme: Literal["dark", "light"] = "dark"
    resolution: tuple[int, int] | None = None
    heads_up: bool = False  # in use: the call shows as a heads-up / compact banner
    decline_after_s: Annotated[float, Field(gt=0)] | None = None  # the owner declines
    battery: Probability = 0.87
    locked: bool = False
    passcode: bool = False  # a PIN/passcode: the robot cannot unlock the phone
    in_service: bool = True
    dual_sim: str | None = None  # the number of a second SIM in the phone
    foreign_calls: ForeignCalls = ForeignCalls()
    drift: Drift = Drift()
    notifications: Annotated[int, Field(ge=0)] = 3  # in the shade until dismissed
    # an installed carrier spam app (a package of `apps`) that draws the carrier's label in an
    # overlay of its own on full-screen Android calls, instead of the dialer's label row
    spam_app_overlay: str | None = None
    # phone hygiene the robot must notice: saved contacts (override CNAM), settings such as
    # `zen_mode: "1"` (Do Not Disturb), installed carrier spam apps (package: version)
    contacts: list[str] = Field(default_factory=list)
    settings: dict[str, str] = Field(default_factory=dict)
    apps: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _overlay_installed(self) -> HandsetSim:
        if self.spam_app_overlay and self.spam_app_overlay not in self.apps:
            raise ValueError(f"spam_app_overlay {self.spam_app_overlay} is not in `apps` "
                             "(install it there with its version)")
        return self

    @field_validator("dual_sim")
    @classmethod
    def _second_number(cls, value: str | None) -> str | None:
        return None if value is None else _e164(value)


class TrustedCert(_Strict):
    """A certificate or public key (PEM) the carriers trust for STIR/SHAKEN; optionally only
    for PASSporTs whose `x5u` is this URL."""

    file: str
    x5u: str | None = None


class SimSettings(_Strict):
    seed: int = 1
    host: str = "127.0.0.1"
    max_calls_per_process: Annotated[int, Field(ge=1, le=32)] = 4
    freshness_s: Annotated[float, Field(gt=0)] = 60.0
    trusted: list[TrustedCert] = Field(default_factory=list)
    carriers: dict[str, CarrierSim] = Field(default_factory=dict)
    # per handset id; the key "*" holds what every handset has unless its own entry says
    handsets: dict[str, HandsetSim] = Field(default_factory=dict)
    truth_file: str | None = None
    file: str | None = None  # the rest of the section lives in this file


def load_sim(
    project_file: Path | None,
    raw: dict[str, Any] | None,
    carriers: Sequence[str] = (),
    handsets: Sequence[str] = (),
) -> tuple[SimSettings, Path]:
    """The checked sim settings and the folder their relative paths start from.

    Carrier and handset names must be ones the farm file defines: a typo would silently leave
    a carrier with the default policy.
    """
    if project_file is None or not raw:
        return SimSettings(), Path.cwd() if project_file is None else project_file.parent
    doc = load_yaml(project_file)
    base: tuple[str | int, ...] = ("sim",)
    data: Any = raw
    folder = project_file.parent
    if isinstance(raw, dict) and raw.get("file"):
        path = Path(str(raw["file"]))
        path = path if path.is_absolute() else folder / path
        if not path.is_file():
            raise doc.error(("sim", "file"), f"sim file {path} not found",
                            "check the path (relative to the project folder)")
        doc, base, folder = load_yaml(path), (), path.parent
        data = doc.data or {}
    return validate_sim(doc, data, base, carriers, handsets), folder


def handset_settings(settings: SimSettings, handset_id: str) -> HandsetSim:
    """A handset's own entry over the `"*"` entry every handset shares."""
    shared = settings.handsets.get(ALL_HANDSETS)
    own = settings.handsets.get(handset_id)
    if shared is None:
        return own or HandsetSim()
    if own is None:
        return shared
    return HandsetSim.model_validate(
        {**shared.model_dump(exclude_unset=True), **own.model_dump(exclude_unset=True)}
    )


def validate_sim(
    doc: YamlDoc,
    data: Any,
    base: tuple[str | int, ...] = (),
    carriers: Sequence[str] = (),
    handsets: Sequence[str] = (),
) -> SimSettings:
    # Entries of the carriers/handsets mappings first, each from its own root, so an unknown
    # key gets "did you mean" against that entry's fields (the shared helper cannot see
    # through a mapping keyed by names).
    if isinstance(data, dict):
        for section, model in (("carriers", CarrierSim), ("handsets", HandsetSim)):
            entries = data.get(section)
            if isinstance(entries, dict):
                for name, entry in entries.items():
                    validate(model, doc, entry if entry is not None else {},
                             (*base, section, name))
    settings = validate(SimSettings, doc, data, base)
    for section, names, known in (("carriers", settings.carriers, carriers),
                                  ("handsets", settings.handsets, handsets)):
        for name in names:
            if section == "handsets" and name == ALL_HANDSETS:
                continue
            if known and name not in known:
                raise doc.error((*base, section, name),
                                f"{section[:-1]} `{name}` is not in the farm file",
                                choice_hint(name, list(known), section))
    return settings
