"""A run as JUnit XML, so CI systems (Jenkins, GitLab, GitHub) show test calls as tests.

One test case per planned call, its tries (a device error retried on another handset) listed
in its output. A failed expectation is a `<failure>` (the carrier or the number regressed); a
call the robot could not judge (device_error, trunk_error, signing_rejected, an uncertain
reading, an interrupted call) is an `<error>`, so a broken robot never looks like a carrier
regression. Somebody else's call on the handset (`foreign_call`) and calls left out before the
run (budgets, disabled or quarantined handsets, handsets held by another run) are `<skipped>`.
A run that stopped on the robot's own failure gets one more `<error>` case saying why.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from robot.engine.summary import Kind, PlannedResult, RunSummary, cause_of


def junit_xml(summary: RunSummary) -> str:
    run = summary.run
    planned = summary.planned()
    kinds = [p.kind for p in planned]
    run_errors = list(summary.errors)
    if run.note:
        run_errors.append(run.note)
    suite = ET.Element(
        "testsuite",
        name=f"ringcheck.{run.scenario}",
        tests=str(len(planned) + len(summary.skipped) + len(run_errors)),
        failures=str(kinds.count(Kind.FAILED)),
        errors=str(kinds.count(Kind.ERROR) + kinds.count(Kind.UNCERTAIN) + len(run_errors)),
        skipped=str(kinds.count(Kind.SKIPPED) + len(summary.skipped)),
        timestamp=run.started_at.isoformat(),
    )
    for result in planned:
        _case(suite, run.scenario, result)
    for reason in summary.skipped:
        case = ET.SubElement(suite, "testcase", classname=run.scenario, name=reason[:120])
        ET.SubElement(case, "skipped", message=reason)
    for error in run_errors:
        case = ET.SubElement(suite, "testcase", classname=run.scenario, name="run")
        ET.SubElement(case, "error", message=error, type="robot").text = error
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)


def _case(suite: ET.Element, scenario: str, result: PlannedResult) -> None:
    final = result.final
    duration = sum(
        (a.times.ended_at - a.times.dialed_at).total_seconds()
        for a in result.tries
        if a.times.ended_at is not None
    )
    attest = final.attestation.value if final.attestation else "unsigned"
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"{scenario}.{final.carrier}",
        name=f"{final.number} -> {final.handset_id} ({attest})",
        time=f"{duration:.3f}",
    )
    delivery = final.delivery.value if final.delivery else "interrupted"
    cause = cause_of(final)
    kind = result.kind
    if kind is Kind.FAILED:
        ET.SubElement(case, "failure", message=cause, type=delivery).text = cause
    elif kind is Kind.ERROR:
        ET.SubElement(case, "error", message=cause, type=delivery).text = cause
    elif kind is Kind.UNCERTAIN:
        ET.SubElement(case, "error", message=cause, type="uncertain").text = cause
    elif kind is Kind.SKIPPED:
        ET.SubElement(case, "skipped", message=cause)
    lines = [
        f"try {i}: delivery={a.delivery.value if a.delivery else 'interrupted'} "
        f"handset={a.handset_id} attempt={a.id}"
        + (f" error={a.error}" if a.error else "")
        + (f" screenshot={a.artifacts.screenshot}" if a.artifacts.screenshot else "")
        for i, a in enumerate(result.tries, start=1)
    ]
    ET.SubElement(case, "system-out").text = "\n".join(lines)
