"""Every shipped protocol exports a bundle that fhir.resources reads back, that the HL7 R4 JSON
Schema accepts, whose required codes are in the R4 value sets and that keeps cpl-3 and per-1."""

from __future__ import annotations

import copy

from tests.conftest import TODAY, Run
from tests.exports import fhir_checks
from tests.exports.helpers import PATIENT, PLAN, export


def shipped(run: Run) -> list[str]:
    result = run("protocols", "list")
    assert result.code == 0, result.err
    return [line.split("\t")[0] for line in result.out.splitlines()]


def test_every_shipped_protocol_exports_a_valid_r4_bundle(run: Run) -> None:
    ids = shipped(run)
    assert "lupus-flucy" in ids and len(ids) >= 7
    for protocol in ids:
        for extra in ((), ("--include-phi", "--name", "Ann Example", "--mrn", "M-1")):
            text, bundle = export(
                run, "-p", protocol, "--start", "2025-05-01", "--today", TODAY, *PATIENT, *extra
            )
            fhir_checks.parse_back(text)
            assert fhir_checks.all_problems(bundle) == [], protocol
            kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
            assert kinds == ["Patient", "PlanDefinition", "CarePlan"], protocol


def test_a_plan_without_a_patient_profile_beyond_the_label_is_valid_too(run: Run) -> None:
    text, bundle = export(run, "-p", "lupus-flucy", "--infusion", "2025-06-30", "--label", "P-9")
    fhir_checks.parse_back(text)
    assert fhir_checks.all_problems(bundle) == []


def test_timed_steps_are_zoned_appointments(run: Run) -> None:
    _, bundle = export(run, *PLAN, "--set", "apheresis.time=08:30", "--tz", "Europe/Berlin")
    assert fhir_checks.all_problems(bundle) == []
    (apheresis,) = [
        a
        for a in fhir_checks.care_plan(bundle)["activity"]
        if fhir_checks.step_of(a) == "apheresis"
    ]
    assert apheresis["detail"]["kind"] == "Appointment"
    assert apheresis["detail"]["scheduledPeriod"] == {
        "start": "2025-05-22T08:30:00+02:00",
        "end": "2025-05-22T12:30:00+02:00",  # apheresis takes 4 h (protocol minutes: 240)
    }


def test_a_timed_step_without_a_time_zone_is_a_usage_error(run: Run) -> None:
    result = run("export", "fhir", *PLAN, "--set", "apheresis.time=08:30")
    assert result.code == 2
    assert "--tz" in result.err and "Traceback" not in result.err


def test_the_checks_themselves_catch_broken_bundles(run: Run) -> None:
    """The validators are not vacuous: each kind of mistake is reported."""
    _, bundle = export(run, *PLAN)
    bad = copy.deepcopy(bundle)
    activities = fhir_checks.care_plan(bad)["activity"]
    activities[0]["reference"] = {"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"}
    activities[1]["detail"]["scheduledPeriod"] = {"start": "2025-05-10", "end": "2025-05-09"}
    activities[2]["detail"]["status"] = "deferred"
    activities[3]["detail"]["kind"] = "Procedure"
    fhir_checks.care_plan(bad)["period"]["start"] = "2025-13-01"
    problems = "\n".join(fhir_checks.all_problems(bad))
    assert "'2025-13-01' does not match" in problems
    assert "'deferred' is not one of" in problems
    assert "'Procedure' is not in the R4 value set" in problems
    assert "cpl-3 fails" in problems
    assert "per-1 fails" in problems
    assert "is not in the bundle" in problems


def test_a_bundle_needs_a_patient_label(run: Run) -> None:
    result = run("export", "fhir", "-p", "lupus-flucy", "--start", "2025-05-01")
    assert result.code == 2
    assert "--label" in result.err and "Traceback" not in result.err
