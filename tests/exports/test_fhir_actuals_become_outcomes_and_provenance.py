"""Recorded facts change only what they say: a done step is completed with its actual (a Procedure
on the recorded day, a MedicationAdministration per drug day) linked from the activity's
outcomeReference; a deferred step is on-hold with its reason; every recorded fact and plan
revision is one Provenance. The planned dates stay the plan's."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from cartplan.errors import InputError
from cartplan.exports import fhir as fhir_export
from cartplan.exports import ics
from cartplan.exports.fhir import Recorded, Revision, StepStatus
from cartplan.patient.model import Patient
from cartplan.schedule import planner
from cartplan.schedule.plan import Plan
from cartplan.sources import catalogue

from tests.conftest import GOLDEN, Run
from tests.exports import fhir_checks
from tests.exports.helpers import PLAN, export

CEST = timezone(timedelta(hours=2))
GOLDEN_FILE = GOLDEN / "fhir-lupus-flucy-P-017-actuals.json"

FACTS = (
    # apheresis planned Thu 22 May, done a day late
    Recorded(
        "apheresis",
        StepStatus.done,
        datetime(2025, 5, 23, 16, 0, tzinfo=CEST),
        "J. Coordinator",
        on=date(2025, 5, 23),
        reason="apheresis slot moved by one day (machine maintenance)",
    ),
    # the first of three fludarabine days
    Recorded(
        "lymphodepletion",
        StepStatus.done,
        datetime(2025, 6, 11, 15, 0, tzinfo=CEST),
        "Ward nurse K.",
        on=date(2025, 6, 11),
        agent="fludarabine",
    ),
    Recorded(
        "infusion",
        StepStatus.deferred,
        datetime(2025, 6, 15, 18, 0, tzinfo=CEST),
        "Dr. B. Physician",
        reason="fever 38.4 C on D-1: infection work-up first",
    ),
)
REVISIONS = (
    Revision(
        datetime(2025, 6, 15, 18, 30, tzinfo=CEST),
        "J. Coordinator",
        "infusion deferred: re-plan after the infection work-up",
    ),
)


PROTOCOL = catalogue.load("lupus-flucy")


def make_plan() -> Plan:
    patient = Patient(label="P-017", sex="F", age=40, height_cm=170, weight_kg=70, crcl_ml_min=95)
    return planner.schedule(
        PROTOCOL,
        start=date(2025, 5, 1),
        today=date(2025, 4, 1),
        patient=patient,
        washout=catalogue.washout_table(),
    )


OPTS = ics.Options("P-017:lupus-flucy", datetime(2025, 4, 1, 9, 0, tzinfo=UTC), None, False)


def exported(facts: tuple[Recorded, ...] = FACTS) -> dict[str, Any]:
    text = fhir_export.to_json(fhir_export.bundle(make_plan(), OPTS, facts, REVISIONS, PROTOCOL))
    fhir_checks.parse_back(text)
    return json.loads(text)  # type: ignore[no-any-return]


def activities(bundle: dict[str, Any], step: str) -> list[dict[str, Any]]:
    return [a for a in fhir_checks.care_plan(bundle)["activity"] if fhir_checks.step_of(a) == step]


def by_url(bundle: dict[str, Any], reference: dict[str, str]) -> dict[str, Any]:
    (found,) = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference["reference"]]
    return found  # type: ignore[no-any-return]


def test_the_bundle_with_actuals_is_valid_r4() -> None:
    assert fhir_checks.all_problems(exported()) == []


def test_apheresis_done_a_day_late_is_a_procedure_on_the_recorded_day() -> None:
    bundle = exported()
    (apheresis,) = activities(bundle, "apheresis")
    assert apheresis["detail"]["status"] == "completed"
    assert apheresis["detail"]["scheduledPeriod"] == {"start": "2025-05-22", "end": "2025-05-22"}
    (link,) = apheresis["outcomeReference"]
    procedure = by_url(bundle, link)
    assert procedure["resourceType"] == "Procedure"
    assert procedure["status"] == "completed"
    assert procedure["performedPeriod"] == {"start": "2025-05-23", "end": "2025-05-23"}
    assert procedure["code"]["coding"] == [{"system": "urn:cartplan:step", "code": "apheresis"}]
    assert procedure["subject"] == {
        "reference": fhir_checks.care_plan(bundle)["subject"]["reference"]
    }
    assert procedure["basedOn"] == [
        {"reference": f"urn:uuid:{fhir_checks.care_plan(bundle)['id']}"}
    ]


def test_infusion_deferred_is_on_hold_with_its_reason() -> None:
    bundle = exported()
    (infusion,) = activities(bundle, "infusion")
    assert infusion["detail"]["status"] == "on-hold"
    assert infusion["detail"]["statusReason"] == {
        "text": "fever 38.4 C on D-1: infection work-up first"
    }
    assert "outcomeReference" not in infusion


def test_a_drug_day_is_a_medication_administration_and_the_course_is_in_progress() -> None:
    bundle = exported()
    fludarabine, cyclophosphamide = activities(bundle, "lymphodepletion")
    assert fludarabine["detail"]["status"] == "in-progress"  # 1 of 3 days given
    assert cyclophosphamide["detail"]["status"] == "not-started"
    (link,) = fludarabine["outcomeReference"]
    given = by_url(bundle, link)
    assert given["resourceType"] == "MedicationAdministration"
    assert given["status"] == "completed"
    assert given["medicationCodeableConcept"] == {"text": "fludarabine"}
    assert given["effectiveDateTime"] == "2025-06-11"
    assert given["dosage"]["dose"]["value"] == 45.5
    days = [
        Recorded(
            "lymphodepletion",
            StepStatus.done,
            datetime(2025, 6, d, 15, 0, tzinfo=CEST),
            "Ward nurse K.",
            on=date(2025, 6, d),
            agent="fludarabine",
        )
        for d in (11, 12, 13)
    ]
    fludarabine, _ = activities(exported(tuple(days)), "lymphodepletion")
    assert fludarabine["detail"]["status"] == "completed"
    assert len(fludarabine["outcomeReference"]) == 3


def test_one_provenance_per_recorded_fact_and_revision_in_time_order() -> None:
    bundle = exported()
    provenances = fhir_checks.resources(bundle, "Provenance")
    assert [p["recorded"] for p in provenances] == [
        "2025-05-23T14:00:00Z",
        "2025-06-11T13:00:00Z",
        "2025-06-15T16:00:00Z",
        "2025-06-15T16:30:00Z",
    ]
    care_plan = f"urn:uuid:{fhir_checks.care_plan(bundle)['id']}"
    first = provenances[0]
    (link,) = activities(bundle, "apheresis")[0]["outcomeReference"]
    assert first["target"] == [{"reference": care_plan}, link]
    assert first["occurredDateTime"] == "2025-05-23"
    assert first["reason"] == [{"text": "apheresis slot moved by one day (machine maintenance)"}]
    assert first["agent"] == [{"who": {"display": "J. Coordinator"}}]
    assert provenances[2]["target"] == [{"reference": care_plan}]
    assert provenances[3]["activity"]["text"] == "plan revised"


def test_actuals_change_nothing_else(run: Run) -> None:
    """Without facts the API gives the CLI's bundle; with facts only statuses, outcome links and
    the added resources differ."""
    _, cli_bundle = export(run, *PLAN)
    plain = json.loads(
        fhir_export.to_json(fhir_export.bundle(make_plan(), OPTS, protocol=PROTOCOL))
    )
    assert plain == cli_bundle
    with_facts = exported()
    stripped = copy.deepcopy(with_facts)
    stripped["entry"] = stripped["entry"][:3]
    for activity in fhir_checks.care_plan(stripped)["activity"]:
        activity.pop("outcomeReference", None)
        activity["detail"].pop("statusReason", None)
        activity["detail"]["status"] = "not-started"
    assert stripped == plain


def test_matches_the_golden_file() -> None:
    """The added resources and the changed activities, pinned."""
    bundle = exported()
    changed = [
        a
        for a in fhir_checks.care_plan(bundle)["activity"]
        if a["detail"]["status"] != "not-started"
    ]
    pinned = {"changed_activities": changed, "added_entries": bundle["entry"][3:]}
    text = json.dumps(pinned, indent=2, ensure_ascii=False) + "\n"
    assert text == GOLDEN_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        (
            Recorded(
                "nope", StepStatus.done, datetime(2025, 6, 1, tzinfo=UTC), "x", on=date(2025, 6, 1)
            ),
            "no step 'nope'",
        ),
        (
            Recorded("apheresis", StepStatus.done, datetime(2025, 6, 1, tzinfo=UTC), "x"),
            "needs the day",
        ),
        (
            Recorded("apheresis", StepStatus.done, datetime(2025, 6, 1), "x", on=date(2025, 6, 1)),
            "time zone",
        ),
        (
            Recorded(
                "lymphodepletion",
                StepStatus.done,
                datetime(2025, 6, 1, tzinfo=UTC),
                "x",
                on=date(2025, 6, 11),
            ),
            "name the drug given",
        ),
        (
            Recorded(
                "lymphodepletion",
                StepStatus.done,
                datetime(2025, 6, 1, tzinfo=UTC),
                "x",
                on=date(2025, 6, 11),
                agent="busulfan",
            ),
            "gives no 'busulfan'",
        ),
    ],
)
def test_impossible_facts_are_input_errors(fact: Recorded, message: str) -> None:
    with pytest.raises(InputError, match=message):
        fhir_export.bundle(make_plan(), OPTS, (fact,))


def test_step_status_maps_to_the_fhir_activity_status() -> None:
    assert {s.value: fhir_export.activity_status(s) for s in StepStatus} == {
        "planned": "not-started",
        "done": "completed",
        "deferred": "on-hold",
        "cancelled": "cancelled",
        "failed": "stopped",
    }


def test_failed_and_cancelled_steps_carry_their_reason() -> None:
    facts = (
        Recorded(
            "apheresis",
            StepStatus.failed,
            datetime(2025, 5, 22, 16, 0, tzinfo=CEST),
            "J. Coordinator",
            on=date(2025, 5, 22),
            reason="too few CD3+ cells collected",
        ),
        Recorded(
            "lymphodepletion",
            StepStatus.failed,
            datetime(2025, 6, 13, 12, 0, tzinfo=CEST),
            "Ward nurse K.",
            on=date(2025, 6, 13),
            reason="infusion reaction: stopped after 200 mg",
            agent="cyclophosphamide",
        ),
        Recorded(
            "fu-m24",
            StepStatus.cancelled,
            datetime(2025, 5, 22, 16, 5, tzinfo=CEST),
            "J. Coordinator",
            reason="moved to another centre",
        ),
    )
    bundle = exported(facts)
    assert fhir_checks.all_problems(bundle) == []
    (apheresis,) = activities(bundle, "apheresis")
    assert apheresis["detail"]["status"] == "stopped"
    (link,) = apheresis["outcomeReference"]
    procedure = by_url(bundle, link)
    assert procedure["status"] == "stopped"
    assert procedure["statusReason"] == {"text": "too few CD3+ cells collected"}
    fludarabine, cyclophosphamide = activities(bundle, "lymphodepletion")
    assert fludarabine["detail"]["status"] == "not-started"
    assert cyclophosphamide["detail"]["status"] == "stopped"
    (link,) = cyclophosphamide["outcomeReference"]
    stopped = by_url(bundle, link)
    assert (stopped["resourceType"], stopped["status"]) == ("MedicationAdministration", "stopped")
    assert stopped["statusReason"] == [{"text": "infusion reaction: stopped after 200 mg"}]
    assert "dosage" not in stopped  # the planned amount was not given
    (visit,) = activities(bundle, "fu-m24")
    assert visit["detail"]["status"] == "cancelled"
    assert visit["detail"]["statusReason"] == {"text": "moved to another centre"}
