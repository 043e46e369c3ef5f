"""The CarePlan is the plan: an activity for every plan event on the plan's dates (Period.end is
inclusive, unlike .ics DTEND), one activity per drug of an event that gives drugs, dated by the
dose days and carrying the plan's mg per day; every activity not started yet."""

from __future__ import annotations

from typing import Any

from tests.conftest import TODAY, Run
from tests.exports import fhir_checks
from tests.exports.helpers import PLAN, export, schedule_json


def by_step(bundle: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for activity in fhir_checks.care_plan(bundle)["activity"]:
        out.setdefault(fhir_checks.step_of(activity), []).append(activity["detail"])
    return out


def test_every_plan_event_has_its_activities_on_the_plans_dates(run: Run) -> None:
    plan = schedule_json(run, *PLAN)
    _, bundle = export(run, *PLAN)
    activities = by_step(bundle)
    assert list(activities) == [e["id"] for e in plan["events"]]  # plan order, nothing else
    for event in plan["events"]:
        details = activities[event["id"]]
        given = [r for r in event.get("regimen", []) if not r["standby"]]
        if not given:
            (detail,) = details
            assert detail["scheduledPeriod"] == {"start": event["start"], "end": event["end"]}
            assert detail["code"]["text"] == event["title"]
            continue
        assert [d["productCodeableConcept"]["text"] for d in details] == [r["agent"] for r in given]
        for detail, dose in zip(details, given, strict=True):
            assert detail["kind"] == "MedicationRequest"
            assert detail["scheduledTiming"]["event"] == dose["dates"]
            assert "scheduledPeriod" not in detail
        days = sorted({d for detail in details for d in detail["scheduledTiming"]["event"]})
        assert (days[0], days[-1]) == (event["start"], event["end"])


def test_single_day_steps_start_and_end_on_the_same_day(run: Run) -> None:
    _, bundle = export(run, *PLAN)
    (apheresis,) = by_step(bundle)["apheresis"]
    assert apheresis["scheduledPeriod"] == {"start": "2025-05-22", "end": "2025-05-22"}
    (washout,) = by_step(bundle)["washout"]  # 21 days: 1-21 May inclusive
    assert washout["scheduledPeriod"] == {"start": "2025-05-01", "end": "2025-05-21"}


def test_ld_daily_amount_is_the_plans_mg_per_day(run: Run) -> None:
    plan = schedule_json(run, *PLAN)
    (ld,) = [e for e in plan["events"] if e["stage"] == "lymphodepletion"]
    mg = {r["agent"]: r["amount_mg"] for r in ld["regimen"]}
    assert mg == {"fludarabine": 45.5, "cyclophosphamide": 1818.0}  # BSA 1.818 m² x 25 / 1000
    _, bundle = export(run, *PLAN)
    details = by_step(bundle)["lymphodepletion"]
    assert {d["productCodeableConcept"]["text"]: d["dailyAmount"] for d in details} == {
        agent: {"value": amount, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}
        for agent, amount in mg.items()
    }
    assert [d["scheduledTiming"]["event"] for d in details] == [
        ["2025-06-11", "2025-06-12", "2025-06-13"],
        ["2025-06-13"],
    ]


def test_without_weight_and_height_there_is_no_daily_amount(run: Run) -> None:
    _, bundle = export(
        run, "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY, "--label", "P-017"
    )
    details = by_step(bundle)["lymphodepletion"]
    assert [d["productCodeableConcept"]["text"] for d in details] == [
        "fludarabine",
        "cyclophosphamide",
    ]
    assert all("dailyAmount" not in d for d in details)
    assert details[0]["description"] == "fludarabine 25 mg/m2 on D-5, D-4, D-3"


def test_the_care_plan_instantiates_the_protocol_and_spans_the_plan(run: Run) -> None:
    plan = schedule_json(run, *PLAN)
    _, bundle = export(run, *PLAN)
    care_plan = fhir_checks.care_plan(bundle)
    version = plan["protocol"]["version"]
    assert care_plan["instantiatesCanonical"] == [
        f"https://cartplan.org/fhir/PlanDefinition/lupus-flucy|{version}"
    ]
    (definition,) = fhir_checks.resources(bundle, "PlanDefinition")
    assert f"{definition['url']}|{definition['version']}" == care_plan["instantiatesCanonical"][0]
    assert (care_plan["status"], care_plan["intent"]) == ("active", "plan")
    assert care_plan["period"] == {
        "start": plan["start"],
        "end": max(e["end"] for e in plan["events"]),
    }
    (patient,) = fhir_checks.resources(bundle, "Patient")
    assert care_plan["subject"]["reference"] == f"urn:uuid:{patient['id']}"
    assert {a["detail"]["status"] for a in care_plan["activity"]} == {"not-started"}


def test_activity_kinds_follow_the_stage(run: Run) -> None:
    _, bundle = export(run, *PLAN)
    kinds = {step: {d["kind"] for d in details} for step, details in by_step(bundle).items()}
    assert kinds["washout"] == {"Task"}
    assert kinds["apheresis"] == {"ServiceRequest"}
    assert kinds["manufacturing"] == {"Task"}
    assert kinds["release"] == {"Task"}
    assert kinds["lymphodepletion"] == {"MedicationRequest"}
    assert kinds["infusion"] == {"ServiceRequest"}
    assert kinds["crs-watch"] == {"ServiceRequest"}
    assert kinds["fu-m3"] == {"Appointment"}
