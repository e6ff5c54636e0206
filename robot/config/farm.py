"""The farm file: which carriers exist, which handsets sit on them, and where (sites).

A handset's carrier must be one of the listed carriers (when the list is given), because a
misspelt carrier silently splits one carrier's results into two in every report. With
`sites:`, every handset belongs to exactly one site (the place a worker drives it from), and a
site names the trunks it dials from: a handset in no site would never be called.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robot.config.hints import (
    choice_hint,
    did_you_mean,
    e164_hint,
    parse_e164,
    yaml_number_hint,
)
from robot.config.models import FarmModel, HandsetModel
from robot.config.secrets import check_no_secrets
from robot.config.validate import validate
from robot.config.yamlsrc import YamlDoc, load_yaml
from robot.domain.model import DialerKind, Handset, Platform


@dataclass(frozen=True, slots=True)
class Carrier:
    """A terminating carrier handsets are on (simulated ones are named `sim-...`)."""

    name: str
    display_name: str | None = None
    spam_apps: tuple[str, ...] | None = None  # None: dialers.yaml's `carrier_apps` for `name`

    @property
    def label(self) -> str:
        return self.display_name or self.name


@dataclass(frozen=True, slots=True)
class Site:
    """A farm site: the handsets next to one worker host and the trunks it dials from."""

    name: str
    handsets: tuple[str, ...]
    trunks: tuple[str, ...]


@dataclass(frozen=True)
class Farm:
    carriers: tuple[Carrier, ...]
    handsets: tuple[Handset, ...]
    lines: dict[str, int]  # handset id -> line in the farm file
    sites: tuple[Site, ...] = ()


def load_farm(path: Path, trunk_names: Sequence[str] | None = None) -> Farm:
    """Read and check the farm file; `trunk_names` (from ringcheck.yaml) checks `sites:`."""
    doc = load_yaml(path)
    if doc.data is None:
        return Farm((), (), {})
    check_no_secrets(doc, skip=())
    _check_carrier_given(doc)
    model = validate(FarmModel, doc, doc.data)
    carriers = _carriers(model, doc)
    handsets: list[Handset] = []
    ids: dict[str, int] = {}
    msisdns: dict[str, int] = {}
    for index, spec in enumerate(model.handsets):
        loc = ("handsets", index)
        if spec.id in ids:
            raise doc.error(
                (*loc, "id"),
                f"handset id `{spec.id}` is used twice (first at line {ids[spec.id]})",
                "give every handset its own id",
            )
        ids[spec.id] = doc.line((*loc, "id"))
        if carriers and spec.carrier not in {c.name for c in carriers}:
            raise doc.error(
                (*loc, "carrier"),
                f'carrier "{spec.carrier}" is not in `carriers:`',
                choice_hint(spec.carrier, [c.name for c in carriers], "carriers"),
            )
        msisdn = parse_e164(spec.msisdn)
        if msisdn is None:
            raise doc.error(
                (*loc, "msisdn"),
                f'"{spec.msisdn}" is not a valid E.164 number',
                yaml_number_hint(_raw(doc, (*loc, "msisdn"))) or e164_hint(spec.msisdn),
            )
        if msisdn in msisdns:
            raise doc.error(
                (*loc, "msisdn"),
                f"{msisdn} is the number of two handsets (first at line {msisdns[msisdn]})",
                "each handset has its own SIM: check the msisdn",
            )
        msisdns[msisdn] = doc.line((*loc, "msisdn"))
        handsets.append(_handset(spec, msisdn, doc, loc))
    sites = _sites(model, doc, [h.id for h in handsets], trunk_names)
    return Farm(tuple(carriers), tuple(handsets), ids, sites)


def _sites(
    model: FarmModel, doc: YamlDoc, handset_ids: list[str], trunk_names: Sequence[str] | None
) -> tuple[Site, ...]:
    """Each handset in exactly one site; site names unique; trunks defined in ringcheck.yaml."""
    if not model.sites:
        return ()
    sites: list[Site] = []
    names: dict[str, int] = {}
    owner: dict[str, str] = {}
    for index, spec in enumerate(model.sites):
        loc = ("sites", index)
        if spec.name in names:
            raise doc.error(
                (*loc, "name"),
                f"site `{spec.name}` is listed twice (first at line {names[spec.name]})",
                "give each site its own name",
            )
        names[spec.name] = doc.line((*loc, "name"))
        for position, handset_id in enumerate(spec.handsets):
            where = (*loc, "handsets", position)
            if handset_id not in handset_ids:
                raise doc.error(
                    where,
                    f"site `{spec.name}` names handset `{handset_id}`, which is not in"
                    " `handsets:`",
                    choice_hint(handset_id, handset_ids, "handsets"),
                )
            if handset_id in owner:
                raise doc.error(
                    where,
                    f"handset `{handset_id}` is in two sites (`{owner[handset_id]}` and"
                    f" `{spec.name}`)",
                    "a handset sits in one place: keep it in one site",
                )
            owner[handset_id] = spec.name
        for position, trunk in enumerate(spec.trunks):
            if trunk_names is not None and trunk not in trunk_names:
                raise doc.error(
                    (*loc, "trunks", position),
                    f"site `{spec.name}` names trunk `{trunk}`, which is not in ringcheck.yaml",
                    choice_hint(trunk, trunk_names, "trunks"),
                )
        sites.append(Site(spec.name, tuple(spec.handsets), tuple(spec.trunks)))
    for index, handset_id in enumerate(handset_ids):
        if handset_id not in owner:
            raise doc.error(
                ("handsets", index, "id"),
                f"handset `{handset_id}` is in no site, so no worker would ever call it",
                "add it to the `handsets:` of one of the sites: " + ", ".join(names),
            )
    return tuple(sites)


def _check_carrier_given(doc: YamlDoc) -> None:
    """A handset without a carrier gets its own message (unless a key looks like a typo)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    raw_carriers = data.get("carriers") or []
    names = [str(c.get("name")) for c in raw_carriers if isinstance(c, dict) and c.get("name")]
    handsets = data.get("handsets") or []
    for index, item in enumerate(handsets if isinstance(handsets, list) else []):
        if not isinstance(item, dict) or "carrier" in item:
            continue
        if did_you_mean("carrier", [str(k) for k in item]) is not None:
            continue  # a misspelt `carier:` is reported as an unknown key with did-you-mean
        which = f"handset `{item.get('id')}`" if item.get("id") else "this handset"
        hint = "add `carrier: NAME`" + (f", one of: {', '.join(names)}" if names else "")
        raise doc.error(("handsets", index, "carrier"), f"{which} has no carrier", hint)


def _carriers(model: FarmModel, doc: YamlDoc) -> list[Carrier]:
    carriers: list[Carrier] = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(model.carriers or []):
        line = doc.line(("carriers", index))
        if spec.name in seen:
            raise doc.error(
                ("carriers", index, "name"),
                f"carrier `{spec.name}` is listed twice (first at line {seen[spec.name]})",
                "remove one of them",
            )
        seen[spec.name] = line
        apps = None if spec.spam_apps is None else tuple(spec.spam_apps)
        carriers.append(Carrier(spec.name, spec.display_name, apps))
    return carriers


def _handset(spec: HandsetModel, msisdn: str, doc: YamlDoc, loc: tuple[str, int]) -> Handset:
    dialer = spec.dialer or (DialerKind.IOS if spec.platform is Platform.IOS else DialerKind.GOOGLE)
    if (dialer is DialerKind.IOS) != (spec.platform is Platform.IOS):
        allowed = "ios" if spec.platform is Platform.IOS else "google, samsung or aosp"
        raise doc.error(
            (*loc, "dialer"),
            f"dialer `{dialer}` does not run on {spec.platform}",
            f"use {allowed}",
        )
    return Handset(
        id=spec.id,
        platform=spec.platform,
        dialer=dialer,
        carrier=spec.carrier,
        msisdn=msisdn,
        appium_url=spec.appium_url,
        model=spec.model,
        os_version=spec.os_version,
        locale=spec.locale.replace("_", "-"),
        capabilities=tuple(spec.capabilities.items()),
        tags=tuple(spec.tags),
        enabled=spec.enabled,
    )


def _raw(doc: YamlDoc, loc: tuple[str | int, ...]) -> object:
    """The value as YAML read it, before pydantic turned it into text."""
    value: Any = doc.data
    try:
        for part in loc:
            value = value[part]
    except (KeyError, IndexError, TypeError):
        return None
    return value
