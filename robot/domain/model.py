"""The vocabulary of DESIGN.md as frozen dataclasses and enums.

Everything else in ringcheck speaks these words; nothing here does I/O or imports a
third-party package, so the types can be used from any layer (adapters, store, reports).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Direction(enum.StrEnum):
    """How a number is used; `inbound_only` numbers are registered Do-Not-Originate."""

    OUTBOUND = "outbound"
    BIDIRECTIONAL = "bidirectional"
    INBOUND_ONLY = "inbound_only"


class Platform(enum.StrEnum):
    ANDROID = "android"
    IOS = "ios"


class DialerKind(enum.StrEnum):
    """The phone app that draws the incoming-call screen."""

    GOOGLE = "google"
    SAMSUNG = "samsung"
    AOSP = "aosp"
    IOS = "ios"


class Transport(enum.StrEnum):
    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class Attestation(enum.StrEnum):
    """STIR/SHAKEN attestation levels (ATIS-1000074)."""

    A = "A"
    B = "B"
    C = "C"


class Delivery(enum.StrEnum):
    """What happened to a test call; the table in DESIGN.md says who decides each value."""

    DELIVERED = "delivered"
    BLOCKED = "blocked"
    DECLINED = "declined"
    SILENT_DROP = "silent_drop"
    VOICEMAIL = "voicemail"
    REJECTED = "rejected"
    TRUNK_ERROR = "trunk_error"
    SIGNING_REJECTED = "signing_rejected"
    FOREIGN_CALL = "foreign_call"
    DEVICE_ERROR = "device_error"
    RINGING = "ringing"
    ANSWERED = "answered"


class AttemptStatus(enum.StrEnum):
    """Life cycle of a stored attempt: written when dialled, completed when it ends."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"
    FAILED = "failed"  # the robot tested nothing (no handset, store or disk failure)
    SKIPPED = "skipped"  # refused before dialling (quiet hours, budgets): see `Run.note`


class LabelClass(enum.StrEnum):
    """Classes of the `class` column of labels.yaml."""

    SPAM = "spam"
    SCAM = "scam"
    FRAUD = "fraud"
    TELEMARKETER = "telemarketer"
    NUISANCE = "nuisance"
    OTHER = "other"


class Tristate(enum.StrEnum):
    """A yes/no that may not be observable (e.g. a badge on a screen nobody captured)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Surface(enum.StrEnum):
    """Where on the phone the incoming call was drawn: the part of the screen worth reading."""

    FULL_SCREEN = "full_screen"
    HEADS_UP = "heads_up"  # Android card over an app in use
    BANNER = "banner"  # iOS compact banner over an app in use
    LOCK_SCREEN = "lock_screen"
    IN_CALL = "in_call"


class DisplayState(enum.StrEnum):
    """What the phone was doing when the call came (a scenario axis, stored per attempt)."""

    LOCKED = "locked"  # screen off and locked: the full-screen call a phone on a table shows
    IN_USE = "in_use"  # unlocked with an app open: a heads-up card or banner


class LabelSource(enum.StrEnum):
    """Who drew a spam label: the phone's dialer or the carrier's own spam app overlay."""

    DIALER = "dialer"
    CARRIER_APP = "carrier_app"


class CheckState(enum.StrEnum):
    """The outcome of one expectation check.

    `uncertain` is neither pass nor fail: the reading could not decide (engines disagreed, a
    field could not be read), and a test robot must say so rather than guess. `warn` passes
    but asks a person to look (e.g. a CNAM-truncated name).
    """

    PASS = "pass"
    FAIL = "fail"
    UNCERTAIN = "uncertain"
    WARN = "warn"


class VerifiedExpectation(enum.StrEnum):
    YES = "yes"
    NO = "no"
    ANY = "any"


class OutcomeExpectation(enum.StrEnum):
    """Whether a call must reach the handset or must be stopped by the network."""

    DELIVERED = "delivered"
    BLOCKED = "blocked"
    ANY = "any"


# --- inventory -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signing:
    """STIR/SHAKEN signing settings of a trunk; the key password comes from the environment."""

    key_file: str
    x5u: str
    attestation: Attestation = Attestation.A
    key_password_env: str | None = None
    origid: str | None = None


@dataclass(frozen=True, slots=True)
class Trunk:
    """How calls are placed: a SIP proxy/registrar and how our caller ID is presented."""

    name: str
    host: str
    port: int = 5060
    transport: Transport = Transport.UDP
    auth_user: str | None = None
    password_env: str | None = None
    register: bool = False
    from_display_name: str | None = None
    caller_id_in_from: bool = True
    caller_id_in_pai: bool = False
    cps: float = 1.0
    max_concurrent_calls: int = 4
    tls_verify: bool = True
    extra_headers: tuple[tuple[str, str], ...] = ()
    signing: Signing | None = None
    # The local address SIP and RTP bind to (None: the interface that routes to `host`), and
    # the ports RTP/RTCP take from, so a firewall can be opened for exactly them.
    bind: str | None = None
    rtp_ports: tuple[int, int] = (4000, 4999)
    # TLS: the CA that signed the trunk's certificate (None: the system bundle), and our
    # client certificate and key for a trunk that asks for one (mutual TLS).
    ca_file: str | None = None
    client_cert_file: str | None = None
    client_key_file: str | None = None
    client_key_password_env: str | None = None


@dataclass(frozen=True, slots=True)
class Number:
    """An outbound caller ID we own, and what customers should see when it calls."""

    e164: str
    expected_name: str | None = None
    direction: Direction = Direction.OUTBOUND
    trunk: str | None = None
    tags: tuple[str, ...] = ()
    logo_file: str | None = None  # absolute path of the brand logo the avatar slot should show

    @property
    def do_not_originate(self) -> bool:
        return self.direction is Direction.INBOUND_ONLY


@dataclass(frozen=True, slots=True)
class Handset:
    """A phone in the farm (called `HandsetSpec` where the Handset port would clash)."""

    id: str
    platform: Platform
    dialer: DialerKind
    carrier: str
    msisdn: str
    appium_url: str
    model: str = ""
    os_version: str = ""
    locale: str = "en-US"
    capabilities: tuple[tuple[str, object], ...] = ()
    tags: tuple[str, ...] = ()
    enabled: bool = True


# --- SIP outcome -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SipEvent:
    """One response seen on the wire, with a monotonic offset from the INVITE in ms."""

    code: int
    phrase: str
    at_ms: float


@dataclass(frozen=True, slots=True)
class Reason:
    """An RFC 3326 Reason header (603+ "Network Blocked" carries one, ATIS-1000099)."""

    protocol: str
    cause: int | None = None
    text: str | None = None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class CallInfo:
    """One Call-Info entry: RFC 8688 `jwscard`, RFC 9796 `call-reason`, `jcard`, `icon`."""

    uri: str
    purpose: str | None = None
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RedressContact:
    """Who to contact about a block, picked out of a jCard (RFC 7095)."""

    name: str | None = None
    org: str | None = None
    tel: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SipOutcome:
    """What the network answered to one INVITE."""

    call_id: str
    events: tuple[SipEvent, ...] = ()
    final_code: int | None = None
    final_phrase: str | None = None
    reason: Reason | None = None
    call_info: tuple[CallInfo, ...] = ()
    redress: RedressContact | None = None
    answered: bool = False
    cancelled_by_us: bool = False
    transport: Transport | None = None
    duration_ms: float = 0.0
    error: str | None = None
    jcard: str | None = None  # raw text of an inline jCard (RFC 7095), kept even if not JSON

    @property
    def rang(self) -> bool:
        return any(e.code in (180, 183) for e in self.events)


# --- screen ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """What an incoming-call screen showed, as read by OCR or from the page source."""

    name: str | None = None
    number: str | None = None
    spam_label: str | None = None
    spam_class: LabelClass | None = None
    verified: Tristate = Tristate.UNKNOWN
    logo: bool | None = None
    call_reason: str | None = None
    confidence: tuple[tuple[str, float], ...] = ()
    raw_text: str = ""
    engine: str = ""
    # Added by screen reading (issue 6): (field, screen value, page-source value) for every
    # field where the OCR of the screenshot and the Android page source differ, and the
    # page-source reading itself when there was one.
    disagreements: tuple[tuple[str, str | None, str | None], ...] = ()
    page_source: Reading | None = None
    # Whether the avatar slot showed the number's expected brand logo (`Number.logo_file`);
    # None when no logo was expected.
    logo_matches: bool | None = None
    surface: Surface | None = None
    label_source: LabelSource | None = None
    # Fields ("name", "number", "spam_label", "verified", "logo", ...) the reading could not
    # decide, e.g. because two engines disagreed; their candidates are in `disagreements`.
    uncertain: tuple[str, ...] = ()


# --- expectations and verdicts ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expectations:
    """What a scenario expects a customer to see; `None`/ANY means not checked."""

    name: str | None = None
    verified: VerifiedExpectation = VerifiedExpectation.ANY
    no_label: bool = False
    outcome: OutcomeExpectation = OutcomeExpectation.DELIVERED
    # A name shown cut to the 15-character CNAM limit ("NORTHWIND BANK" for "Northwind Bank
    # Fraud Alerts") is never a silent pass: WARN (shown, passes) or FAIL, as the scenario says.
    truncated_name: CheckState = CheckState.WARN


@dataclass(frozen=True, slots=True)
class Check:
    """One expectation checked, with a reason a person can read."""

    expectation: str
    state: CheckState
    reason: str

    @property
    def passed(self) -> bool:
        return self.state in (CheckState.PASS, CheckState.WARN)


@dataclass(frozen=True, slots=True)
class Verdict:
    checks: tuple[Check, ...] = ()

    @property
    def passed(self) -> bool:
        """Every check passed (a warning passes; an uncertain check does not)."""
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> bool:
        """At least one expectation was seen not to hold."""
        return any(c.state is CheckState.FAIL for c in self.checks)

    @property
    def uncertain(self) -> bool:
        """Nothing failed, but at least one check could not be decided."""
        return not self.failed and any(c.state is CheckState.UNCERTAIN for c in self.checks)

    @property
    def outcome(self) -> CheckState:
        """The verdict as one word: fail beats uncertain beats warn beats pass."""
        for state in (CheckState.FAIL, CheckState.UNCERTAIN, CheckState.WARN):
            if any(c.state is state for c in self.checks):
                return state
        return CheckState.PASS

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(c.reason for c in self.checks if not c.passed)


# --- runs and attempts -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttemptTimes:
    """Every timestamp of one test call (timezone-aware UTC)."""

    dialed_at: datetime
    first_provisional_at: datetime | None = None
    sip_ringing_at: datetime | None = None
    handset_ringing_at: datetime | None = None
    captured_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Artifacts:
    """Paths (relative to the artifacts folder) of the evidence of one attempt."""

    screenshot: str | None = None
    page_source: str | None = None
    sip_trace: str | None = None


@dataclass(frozen=True, slots=True)
class Attempt:
    """One test call and everything recorded about it."""

    run_id: int
    number: str
    carrier: str
    times: AttemptTimes
    handset_id: str | None = None
    status: AttemptStatus = AttemptStatus.IN_PROGRESS
    delivery: Delivery | None = None
    attestation: Attestation | None = None
    sip: SipOutcome | None = None
    reading: Reading | None = None
    verdict: Verdict | None = None
    artifacts: Artifacts = field(default_factory=Artifacts)
    # The phone's settings when the call came (Do Not Disturb, call screening, spam filter...),
    # as read by the handset before dialing: results on a phone set up wrongly are not evidence.
    settings: tuple[tuple[str, str], ...] = ()
    display_state: DisplayState | None = None
    error: str | None = None
    id: int | None = None
    # Index of the planned call in its run: a device error retried on another handset makes a
    # second attempt of the same planned call, and summaries count planned calls, not tries.
    planned_call: int | None = None
    # How long the call waited for a free slot on its trunk (`max_concurrent_calls`) before
    # the handset was armed; apart from the call's own times, which start when it is dialled.
    slot_wait_ms: float = 0.0
    # Which robot process ran it ("host:pid:start" of a `ringcheck worker` or of a run).
    worker: str | None = None
    # Stored fields that could not be read back (a damaged row): listings show the rest.
    damaged: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Run:
    scenario: str
    trigger: str
    started_at: datetime
    status: RunStatus = RunStatus.RUNNING
    ended_at: datetime | None = None
    id: int | None = None
    note: str | None = None  # why a run failed or was skipped, for the person reading it
    planned_calls: int | None = None  # how many calls it set out to make (progress)
