"""The PlanDefinition is the protocol as published: canonical URL and version, one action per step
(conditional steps too), each placed by relatedAction at the protocol's offset from its anchor
step or from the infusion (D0), with the default parameter values."""

from __future__ import annotations

from typing import Any

from tests.conftest import TODAY, Run
from tests.exports import fhir_checks
from tests.exports.helpers import PATIENT, PLAN, export, schedule_json


def definition(run: Run) -> dict[str, Any]:
    _, bundle = export(run, *PLAN)
    (found,) = fhir_checks.resources(bundle, "PlanDefinition")
    return found


def days(n: int) -> dict[str, Any]:
    return {"value": n, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"}


def test_canonical_url_version_and_status(run: Run) -> None:
    d = definition(run)
    assert d["url"] == "https://cartplan.org/fhir/PlanDefinition/lupus-flucy"
    assert (d["version"], d["status"]) == (
        schedule_json(run, *PLAN)["protocol"]["version"],
        "active",
    )
    assert d["type"]["coding"][0]["code"] == "clinical-protocol"
    assert d["relatedArtifact"] and all(a["type"] == "citation" for a in d["relatedArtifact"])


def test_one_action_per_protocol_step_conditional_ones_included(run: Run) -> None:
    d = definition(run)
    ids = [a["id"] for a in d["action"]]
    assert ids[:3] == ["washout", "irradiated-blood", "apheresis"]
    assert "fu-m30-immune" in ids  # only for a prior B-cell antibody: not in this plan
    (immune,) = [a for a in d["action"] if a["id"] == "fu-m30-immune"]
    assert "only for patients with prior:b-cell-antibody" in immune["textEquivalent"]


def test_related_actions_carry_the_protocol_offsets(run: Run) -> None:
    actions = {a["id"]: a for a in definition(run)["action"]}
    assert "relatedAction" not in actions["washout"]  # starts the plan
    assert actions["apheresis"]["relatedAction"] == [
        {"actionId": "washout", "relationship": "after-start", "offsetDuration": days(21)}
    ]
    assert actions["manufacturing"]["relatedAction"] == [
        {"actionId": "apheresis", "relationship": "after-end", "offsetDuration": days(1)}
    ]
    assert actions["lymphodepletion"]["relatedAction"] == [
        {"actionId": "infusion", "relationship": "before-start", "offsetDuration": days(5)}
    ]
    assert actions["iec-hs-watch"]["relatedAction"] == [
        {"actionId": "infusion", "relationship": "after-start", "offsetDuration": days(4)}
    ]
    assert actions["fu-m3"]["relatedAction"] == [
        {
            "actionId": "infusion",
            "relationship": "after-start",
            "offsetDuration": {
                "value": 3,
                "unit": "months",
                "system": "http://unitsofmeasure.org",
                "code": "mo",
            },
        }
    ]
    assert actions["apheresis"]["textEquivalent"].startswith("washout start +washout_days (= 21)")


def test_the_plan_definition_does_not_depend_on_the_patient(run: Run) -> None:
    """A canonical resource: the same url|version is the same PlanDefinition for every plan."""
    _, other = export(
        run,
        "-p",
        "lupus-flucy",
        "--infusion",
        "2025-09-01",
        "--label",
        "P-018",
        "--age",
        "16",
        "--medication",
        "rituximab:2025-03-10",
    )
    (theirs,) = fhir_checks.resources(other, "PlanDefinition")
    assert theirs == definition(run)
    steps = {fhir_checks.step_of(a) for a in fhir_checks.care_plan(other)["activity"]}
    assert "fu-m30-immune" in steps


def test_an_unsourced_template_is_a_draft(run: Run) -> None:
    """A protocol with a warning (an unsourced template) is not for use as is."""
    _, bundle = export(
        run, "-p", "lupus-cy-reduced", "--start", "2025-05-01", "--today", TODAY, *PATIENT
    )
    (d,) = fhir_checks.resources(bundle, "PlanDefinition")
    assert d["status"] == "draft"
    assert fhir_checks.care_plan(bundle)["note"][0]["text"].startswith("TEMPLATE")
