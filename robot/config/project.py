"""Load a whole project (`ringcheck.yaml` + numbers files + farm file) into a frozen `Project`.

This is where cross-file rules live: trunk names are unique, numbers name a defined trunk and
appear once across all files, the timezone exists. The `Project` holds domain objects only;
the store URL keeps its `${ENV}` references and is expanded by `store_url_expanded()` when a
connection is made, so logs and `config check --json` never see the password.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from robot.config.farm import Carrier, Site, load_farm
from robot.config.hints import choice_hint, did_you_mean
from robot.config.models import ProjectModel, TrunkModel
from robot.config.numbers import NumberEntry, NumbersResult, duplicate_error, read_numbers
from robot.config.secrets import check_no_secrets, expand_env_refs, secret_from_env
from robot.config.store_settings import PROJECT_FILE, resolve, settings_of
from robot.config.trunk_checks import check_trunk_network
from robot.config.validate import validate
from robot.config.yamlsrc import YamlDoc, display_path, load_yaml
from robot.domain.alerts import DEFAULT_CONFIRM, AlertChannel
from robot.domain.model import Handset, Number, Signing, Transport, Trunk
from robot.errors import ConfigError
from robot.screen.escalate import Escalation, escalation_available
from robot.store.evidence import S3Settings

DEFAULT_NUMBERS = "numbers.csv"
DEFAULT_FARM = "farm.yaml"
# Headers the SIP stack writes itself; setting them by hand would corrupt the call.
_RESERVED_HEADERS = frozenset(
    {
        "from",
        "to",
        "call-id",
        "cseq",
        "via",
        "contact",
        "identity",
        "p-asserted-identity",
        "max-forwards",
        "content-length",
        "content-type",
    }
)


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where alerts go; the URL (which embeds a token) comes from `url_env` at send time.
    A `default` webhook gets the alerts of every scenario that names no channel of its own."""

    kind: str
    url_env: str
    name: str | None = None
    default: bool = True

    def channel(self) -> AlertChannel:
        return AlertChannel(self.name or self.kind, self.kind, self.url_env)


@dataclass(frozen=True)
class Project:
    """Everything a run needs to know, loaded and checked; paths are absolute."""

    project_dir: Path
    file: Path
    store_url: str
    artifacts_dir: Path  # the local evidence folder (unused when evidence_url is S3)
    timezone: str
    trunks: tuple[Trunk, ...] = ()
    numbers: tuple[Number, ...] = ()
    numbers_files: tuple[Path, ...] = ()
    number_sources: Mapping[str, str] = field(default_factory=dict)
    farm_file: Path | None = None
    carriers: tuple[Carrier, ...] = ()
    handsets: tuple[Handset, ...] = ()
    sites: tuple[Site, ...] = ()
    alerts: tuple[Webhook, ...] = ()
    alert_confirm: int = DEFAULT_CONFIRM
    public_url: str | None = None
    sim: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    evidence_url: str | None = None  # s3://bucket/prefix, or None for the local folder
    evidence_s3: S3Settings = field(default_factory=S3Settings)
    escalation: Escalation = Escalation.AUTO  # `screen: escalate:`, robot.screen.escalate

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def store_url_expanded(self) -> str:
        """The store URL with `${ENV}` filled in; for connecting only, never for printing."""
        return expand_env_refs(self.store_url, "store URL in ringcheck.yaml")

    def trunk(self, name: str | None = None) -> Trunk:
        """A trunk by name; no name means the first one (the project's default trunk)."""
        for trunk in self.trunks:
            if name is None or trunk.name == name:
                return trunk
        names = [t.name for t in self.trunks]
        raise ConfigError(
            f"no trunk named `{name}`" if name else "no trunk is defined",
            file=display_path(self.file),
            key="trunks",
            hint=choice_hint(name or "", names),
        )

    def trunk_password(self, trunk: Trunk) -> str | None:
        if trunk.password_env is None:
            return None
        return secret_from_env(trunk.password_env, f"password of trunk {trunk.name}")

    def site(self, name: str) -> Site:
        """A site of the farm file by name; a usage error names the sites there are."""
        for site in self.sites:
            if site.name == name:
                return site
        where = display_path(self.farm_file) if self.farm_file else "the farm file"
        raise ConfigError(
            f"no site `{name}` in {where}",
            hint=choice_hint(name, [s.name for s in self.sites], "sites")
            if self.sites
            else "add a `sites:` list to the farm file (see docs/deploy.md)",
        )

    def site_of(self, handset_id: str) -> Site | None:
        """The site a handset sits in (None without `sites:`)."""
        for site in self.sites:
            if handset_id in site.handsets:
                return site
        return None

    def carrier_names(self) -> tuple[str, ...]:
        """Listed carriers, else the carriers the handsets name."""
        if self.carriers:
            return tuple(c.name for c in self.carriers)
        return tuple(dict.fromkeys(h.carrier for h in self.handsets))


def load_project(project_dir: Path) -> Project:
    """Read and check the project in `project_dir`; raises ConfigError on the first problem."""
    root = project_dir.expanduser().resolve()
    path = root / PROJECT_FILE
    if not path.is_file():
        where = display_path(root)
        raise ConfigError(
            f"no {PROJECT_FILE} in {where}" if root.is_dir() else f"folder {where} does not exist",
            hint="run inside a project folder, pass --project DIR,"
            " or create one with `ringcheck demo`",
        )
    doc = load_yaml(path)
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise doc.error((), "expected `key: value` settings", "see examples/ringcheck.yaml")
    check_no_secrets(doc, skip=("sim",))
    model = validate(ProjectModel, doc, doc.data)
    _check_timezone(model.timezone, doc)
    notes: list[str] = []
    trunks = _trunks(model, doc, root, notes)
    numbers_files, results = _numbers(model, doc, root, trunks, notes)
    farm_path = resolve(root, model.farm or DEFAULT_FARM)
    farm = None
    if model.farm is not None or farm_path.is_file():
        if not farm_path.is_file():
            raise doc.error(
                ("farm",),
                f"farm file {display_path(farm_path)} not found",
                "check the path; it is relative to the project folder",
            )
        farm = load_farm(farm_path, [t.name for t in trunks])
    else:
        notes.append(f"no farm file ({DEFAULT_FARM}): no handsets")
    storage = settings_of(model, doc, root)
    if model.screen.escalate is not Escalation.NEVER and not escalation_available():
        notes.append(
            f"screen.escalate: {model.screen.escalate}, but the second OCR engine (RapidOCR) is "
            + (
                "not installed: runs will not start (pip install 'ringcheck[ocr-escalation]')"
                if model.screen.escalate is Escalation.ALWAYS
                else "not installed: screens are read with Tesseract alone"
            )
        )
    return Project(
        project_dir=root,
        file=path,
        store_url=storage.store_url,
        artifacts_dir=storage.artifacts_dir,
        timezone=model.timezone,
        trunks=tuple(trunks),
        numbers=tuple(n for r in results for n in r.numbers),
        numbers_files=tuple(numbers_files),
        number_sources=NumberSources(results),
        farm_file=farm_path if farm else None,
        carriers=farm.carriers if farm else (),
        handsets=farm.handsets if farm else (),
        sites=farm.sites if farm else (),
        alerts=_webhooks(model, doc),
        alert_confirm=model.alerts.confirm,
        public_url=model.public_url.rstrip("/") if model.public_url else None,
        sim=dict(model.sim or {}),
        notes=tuple(notes),
        evidence_url=storage.evidence_url,
        evidence_s3=storage.evidence_s3,
        escalation=model.screen.escalate,
    )


def _webhooks(model: ProjectModel, doc: YamlDoc) -> tuple[Webhook, ...]:
    hooks = tuple(Webhook(w.kind, w.url_env, w.name, w.default) for w in model.alerts.webhooks)
    seen: set[str] = set()
    for index, hook in enumerate(hooks):
        name = hook.channel().name
        if name in seen:
            raise doc.error(
                ("alerts", "webhooks", index, "name"),
                f"two alert webhooks are called `{name}`",
                "give each webhook its own `name:` (scenarios name channels by it)",
            )
        seen.add(name)
    return hooks


def _check_timezone(name: str, doc: YamlDoc) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        near = did_you_mean(name, zoneinfo.available_timezones())
        hint = f"did you mean `{near}`?" if near else "use an IANA name such as America/New_York"
        raise doc.error(("timezone",), f'unknown timezone "{name}"', hint) from None


def _trunks(model: ProjectModel, doc: YamlDoc, root: Path, notes: list[str]) -> list[Trunk]:
    trunks: list[Trunk] = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(model.trunks):
        loc = ("trunks", index)
        if spec.name in seen:
            raise doc.error(
                (*loc, "name"),
                f"trunk `{spec.name}` is defined twice (first at line {seen[spec.name]})",
                "give each trunk its own name",
            )
        seen[spec.name] = doc.line(loc)
        for header in spec.headers:
            if header.lower() in _RESERVED_HEADERS:
                raise doc.error(
                    (*loc, "headers", header),
                    f"header `{header}` is set by ringcheck itself",
                    "remove it; use caller_id and signing to shape From/PAI/Identity",
                )
        key_file = resolve(root, spec.signing.key_file) if spec.signing else None
        if key_file is not None and not key_file.is_file():
            notes.append(f"trunk {spec.name}: signing key {display_path(key_file)} not found")
        if spec.password_env and not os.environ.get(spec.password_env):
            notes.append(f"trunk {spec.name}: {spec.password_env} is not set (needed to dial)")
        tls_files = check_trunk_network(spec, doc, loc, root, notes)
        trunks.append(_trunk(spec, root, tls_files))
    if not trunks:
        notes.append("no trunks defined: calls cannot be placed")
    return trunks


def _trunk(spec: TrunkModel, root: Path, tls_files: dict[str, str | None]) -> Trunk:
    signing = None
    if spec.signing is not None:
        s = spec.signing
        signing = Signing(
            key_file=str(resolve(root, s.key_file)),
            x5u=s.x5u,
            attestation=s.attestation,
            key_password_env=s.key_password_env,
            origid=s.origid,
        )
    port = spec.port or (5061 if spec.transport is Transport.TLS else 5060)
    return Trunk(
        name=spec.name,
        host=spec.host,
        port=port,
        transport=spec.transport,
        auth_user=spec.auth_user,
        password_env=spec.password_env,
        register=spec.register_,
        from_display_name=spec.from_display_name,
        caller_id_in_from="from" in spec.caller_id,
        caller_id_in_pai="pai" in spec.caller_id,
        cps=spec.cps,
        max_concurrent_calls=spec.max_concurrent_calls,
        tls_verify=spec.tls_verify,
        extra_headers=tuple(spec.headers.items()),
        signing=signing,
        bind=spec.bind,
        rtp_ports=spec.rtp_ports,
        ca_file=tls_files["ca_file"],
        client_cert_file=tls_files["client_cert_file"],
        client_key_file=tls_files["client_key_file"],
        client_key_password_env=spec.client_key_password_env,
    )


def _numbers(
    model: ProjectModel, doc: YamlDoc, root: Path, trunks: list[Trunk], notes: list[str]
) -> tuple[list[Path], list[NumbersResult]]:
    """Every numbers file read in one pass each; the first problem is raised at once."""
    names = [t.name for t in trunks]
    files: list[Path] = []
    results: list[NumbersResult] = []
    listed = model.numbers if model.numbers is not None else None
    seen: set[str] = set()
    for index, value in enumerate(listed if listed is not None else [DEFAULT_NUMBERS]):
        path = resolve(root, value)
        if not path.is_file():
            if listed is None and not path.is_symlink():
                notes.append(f"no numbers file ({DEFAULT_NUMBERS}): no numbers")
                continue
            raise doc.error(
                ("numbers", index) if listed is not None else ("numbers",),
                f"numbers file {display_path(path)} not found"
                + (" (a symlink to nothing, or a loop)" if path.is_symlink() else ""),
                "check the path; it is relative to the project folder",
            )
        result = read_numbers(path, names, root, max_errors=1)
        if result.errors:
            raise result.errors[0]
        before = len(seen)
        seen.update(n.e164 for n in result.numbers)
        if len(seen) - before != len(result.numbers):
            raise _first_duplicate([*results, result])
        files.append(path)
        results.append(result)
        notes.extend(result.notes)
    return files, results


def _first_duplicate(results: list[NumbersResult]) -> ConfigError:
    first: dict[str, NumberEntry] = {}
    for result in results:
        for entry in result.entries:
            earlier = first.setdefault(entry.number.e164, entry)
            if earlier is not entry:
                return duplicate_error(entry, earlier)
    raise AssertionError("a duplicate was counted but not found")


class NumberSources(Mapping[str, str]):
    """Where each number is written (`numbers.csv line 14`), by E.164. The index is built
    when first asked for: `config check` on a million numbers never needs it."""

    def __init__(self, results: list[NumbersResult]) -> None:
        self._results = results
        self._index: dict[str, tuple[int, int]] | None = None

    def _lookup(self) -> dict[str, tuple[int, int]]:
        if self._index is None:
            self._index = {
                number.e164: (which, position)
                for which, result in enumerate(self._results)
                for position, number in enumerate(result.numbers)
            }
        return self._index

    def __getitem__(self, e164: str) -> str:
        which, position = self._lookup()[e164]
        result = self._results[which]
        return f"{result.file} line {result.lines[position]}"

    def __iter__(self) -> Iterator[str]:
        return iter(self._lookup())

    def __len__(self) -> int:
        return sum(len(r.numbers) for r in self._results)
