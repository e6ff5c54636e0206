"""`sites:` in the farm file and `evidence:` in ringcheck.yaml: loaded, or refused in one line."""

from __future__ import annotations

from pathlib import Path

from robot.config import load_project

from .conftest import Cli
from .test_broken_input import assert_rejected

SITES = """
sites:
  - name: nyc
    handsets: [pixel8-tmo, galaxy-s23-att, iphone15-tmo]
    trunks: [sim]
  - name: chicago
    handsets: [emulator-vzw, galaxy-a54-vzw, iphone13-att]
    trunks: [sim]
"""


def _add_sites(project: Path, text: str = SITES) -> Path:
    farm = project / "farm.yaml"
    farm.write_text(farm.read_text(encoding="utf-8") + text, encoding="utf-8")
    return farm


def _line(path: Path, needle: str, nth: int = 1) -> int:
    seen = 0
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in text:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(needle)


def test_sites_are_loaded_and_each_handset_has_one(project: Path) -> None:
    _add_sites(project)
    loaded = load_project(project)
    assert [s.name for s in loaded.sites] == ["nyc", "chicago"]
    assert loaded.site_of("iphone13-att").name == "chicago"  # type: ignore[union-attr]
    assert loaded.site("nyc").trunks == ("sim",)


def test_a_handset_in_two_sites_is_refused(cli: Cli, project: Path) -> None:
    farm = _add_sites(project, SITES.replace("[emulator-vzw,", "[pixel8-tmo, emulator-vzw,"))
    line = _line(farm, "pixel8-tmo, emulator-vzw")
    message = assert_rejected(
        cli, project, "farm.yaml", line, "sites[1].handsets[0]", "keep it in one site"
    )
    assert "handset `pixel8-tmo` is in two sites (`nyc` and `chicago`)" in message


def test_an_unknown_handset_gets_a_did_you_mean(cli: Cli, project: Path) -> None:
    farm = _add_sites(project, SITES.replace("[pixel8-tmo,", "[pixel8-tmobile,"))
    line = _line(farm, "pixel8-tmobile")
    assert_rejected(cli, project, "farm.yaml", line, "sites[0].handsets[0]", "`pixel8-tmo`")


def test_an_unknown_trunk_gets_a_did_you_mean(cli: Cli, project: Path) -> None:
    farm = _add_sites(project, SITES.replace("trunks: [sim]", "trunks: [simm]", 1))
    line = _line(farm, "trunks: [simm]")
    assert_rejected(cli, project, "farm.yaml", line, "sites[0].trunks[0]", "`sim`")


def test_a_handset_in_no_site_is_refused(cli: Cli, project: Path) -> None:
    farm = _add_sites(project, SITES.replace(", iphone13-att]", "]"))
    line = _line(farm, "id: iphone13-att")
    message = assert_rejected(
        cli, project, "farm.yaml", line, "handsets[5].id", "add it to the `handsets:`"
    )
    assert "no worker would ever call it" in message


def test_evidence_in_a_bucket_is_read_from_the_settings(project: Path) -> None:
    settings = project / "ringcheck.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "artifacts: .ringcheck/artifacts", "evidence: s3://ringcheck-evidence/prod/"
    )
    settings.write_text(
        text + "evidence_s3: {endpoint_url: 'http://127.0.0.1:9000', region: us-east-1}\n",
        encoding="utf-8",
    )
    loaded = load_project(project)
    assert loaded.evidence_url == "s3://ringcheck-evidence/prod"
    assert loaded.evidence_s3.endpoint_url == "http://127.0.0.1:9000"


def test_a_bad_bucket_name_is_refused(cli: Cli, project: Path) -> None:
    settings = project / "ringcheck.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "artifacts: .ringcheck/artifacts", "evidence: s3://Ring_Check/x"
    )
    settings.write_text(text, encoding="utf-8")
    line = _line(settings, "evidence: s3://")
    assert_rejected(cli, project, "ringcheck.yaml", line, "evidence", "s3://bucket/prefix")


def test_artifacts_and_evidence_together_are_refused(cli: Cli, project: Path) -> None:
    settings = project / "ringcheck.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "evidence: .ringcheck/evidence\n", encoding="utf-8"
    )
    line = _line(settings, "artifacts: .ringcheck/artifacts")
    assert_rejected(cli, project, "ringcheck.yaml", line, "artifacts", "remove `artifacts:`")
