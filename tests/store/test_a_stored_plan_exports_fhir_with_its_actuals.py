"""A stored plan's FHIR export carries what happened: a completed apheresis is a Procedure whose
performedPeriod is the recorded day, a deferred infusion is on-hold with the reason, and every
revision has its Provenance (who, why). The bundle validates like every export (HL7 R4 JSON
Schema, cpl-3, per-1)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Run
from tests.exports import fhir_checks
from tests.store.conftest import Store, new_plan, ok


def record(run: Run, plan: str, step: str, status: str, day: str, reason: str) -> None:
    ok(
        run(
            "plan", "record", plan, step, "--status", status, "--date", day,
            "--reason", reason, "--by", "alice", "--today", day,
        )
    )  # fmt: skip


def activity(bundle: dict[str, Any], step: str) -> dict[str, Any]:
    (found,) = [
        a for a in fhir_checks.care_plan(bundle)["activity"] if fhir_checks.step_of(a) == step
    ]
    return found


def test_stored_plan_exports_actuals_as_outcomes_and_on_hold(run: Run, store: Store) -> None:
    plan = new_plan(run)
    record(run, plan, "apheresis", "done", "2025-05-23", "apheresis slot moved by the unit")
    record(run, plan, "infusion", "deferred", "2025-06-19", "fever: 48 h afebrile rule")
    out = ok(run("plan", "export", plan, "--format", "fhir", "--now", "2025-06-20T08:00:00Z")).out
    bundle = json.loads(out)
    assert fhir_checks.all_problems(bundle) == []
    fhir_checks.parse_back(out)

    infusion = activity(bundle, "infusion")
    assert infusion["detail"]["status"] == "on-hold"
    assert "fever: 48 h afebrile rule" in json.dumps(infusion["detail"]["statusReason"])

    apheresis = activity(bundle, "apheresis")
    assert apheresis["detail"]["status"] == "completed"
    (ref,) = apheresis["outcomeReference"]
    procedure = next(e["resource"] for e in bundle["entry"] if e["fullUrl"] == ref["reference"])
    assert procedure["resourceType"] == "Procedure"
    assert procedure["performedPeriod"]["start"].startswith("2025-05-23")

    provenance = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Provenance"
    ]
    reasons = json.dumps(provenance)
    assert "apheresis slot moved by the unit" in reasons and "alice" in reasons
    # pseudonymous: the label only
    assert "P-017" in out
