"""A run as JUnit XML, so CI systems (Jenkins, GitLab, GitHub) show test calls as tests."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

if TYPE_CHECKING:
    from robot.engine.run import RunSummary


def junit_xml(summary: RunSummary) -> str:
    """One testsuite per run, one testcase per attempt; failed expectations are failures,
    attempts the robot could not complete are errors."""
    run = summary.run
    suite = ET.Element(
        "testsuite",
        name=f"ringcheck.{run.scenario}",
        tests=str(len(summary.attempts)),
        failures=str(len(summary.failed)),
        errors=str(sum(1 for a in summary.attempts if a.verdict is None)),
        skipped=str(len(summary.skipped)),
        timestamp=run.started_at.isoformat(),
    )
    for attempt in summary.attempts:
        duration = 0.0
        if attempt.times.ended_at is not None:
            duration = (attempt.times.ended_at - attempt.times.dialed_at).total_seconds()
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{run.scenario}.{attempt.carrier}",
            name=f"{attempt.number} -> {attempt.handset_id}",
            time=f"{duration:.3f}",
        )
        delivery = attempt.delivery.value if attempt.delivery else "interrupted"
        if attempt.verdict is None:
            error = ET.SubElement(case, "error", message=attempt.error or delivery)
            error.text = attempt.error or delivery
        elif not attempt.verdict.passed:
            reasons = "; ".join(attempt.verdict.reasons)
            failure = ET.SubElement(case, "failure", message=reasons, type=delivery)
            failure.text = reasons
        ET.SubElement(case, "system-out").text = f"delivery={delivery} attempt={attempt.id}"
    for reason in summary.skipped:
        case = ET.SubElement(suite, "testcase", classname=run.scenario, name=reason[:80])
        ET.SubElement(case, "skipped", message=reason)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)
