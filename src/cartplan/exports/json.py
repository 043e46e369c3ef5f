"""The plan as JSON: the documented, stable contract other programs read."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from cartplan.patient.privacy import phi_fields
from cartplan.schedule.plan import Event, Plan
from cartplan.views import facts


def event_json(e: Event, plan: Plan) -> dict[str, Any]:
    day0 = e.start - timedelta(days=e.day)
    out: dict[str, Any] = {
        "id": e.step.id,
        "stage": e.step.stage.value,
        "title": e.step.title,
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "day": e.day,
        "day_end": e.day_end,
        "teams": list(e.step.teams),
        "notes": facts.notes(e),
    }
    if e.time is not None:
        out["time"] = e.time
        out["minutes"] = e.minutes
    if e.step.watch:
        out["watch"] = list(e.step.watch)
    if e.step.regimen:
        doses = [x for x in plan.dosing.doses if x.step == e.step.id] if plan.dosing else []
        out["regimen"] = []
        for i, d in enumerate(e.step.regimen):
            entry: dict[str, Any] = {
                "agent": d.agent,
                "dose": d.dose,
                "unit": d.unit,
                "days": list(d.days),
                "dates": [(day0 + timedelta(days=x)).isoformat() for x in d.days],
                "standby": d.standby,
                "assumption": d.assumption,
            }
            if doses:
                line = doses[i]
                adj = line.adjustment
                entry |= {
                    "dose": line.dose,
                    "amount_mg": line.amount_mg,
                    "total_mg": line.total_mg,
                    "formula": facts.in_words(line.formula),
                    "adjustment": None
                    if adj is None
                    else {
                        "rule": adj.rule,
                        "reason": facts.in_words(adj.reason),
                        "references": list(adj.references),
                    },
                }
            out["regimen"].append(entry)
    if e.step.cell_dose is not None:
        c = e.step.cell_dose
        out["cell_dose"] = {"product": c.product, "per_kg": c.per_kg, "flat": c.flat}
    if items := facts.items(e, plan):
        out["checklist"] = [
            {"text": x.text, "times_per_day": x.times, "for": x.condition or None} for x in items
        ]
    if escalations := facts.escalations(e, plan):
        out["escalation"] = [
            {"criterion": x.criterion, "action": x.action, "for": x.condition or None}
            for x in escalations
        ]
    out["references"] = list(e.step.references)
    out["assumption"] = e.step.assumption
    return out


def plan_json(plan: Plan, include_phi: bool = False) -> dict[str, Any]:
    p = plan.protocol
    out: dict[str, Any] = {
        "protocol": {"id": p.id, "version": p.version, "title": p.title},
        "start": plan.start.isoformat(),
        "day0": plan.day0.isoformat(),
        "parameters": dict(plan.parameters),
    }
    if plan.patient is not None:
        out["patient"] = patient_json(plan, include_phi)
    if plan.patient is not None and plan.dosing is not None:
        c = plan.dosing.cell_dose
        out["cell_dose"] = (
            None
            if c is None
            else {"cells": c.cells, "per_kg": c.per_kg, "formula": facts.in_words(c.formula)}
        )
        out["calculations"] = [
            {
                "name": x.name,
                "value": round(x.value, 3),
                "unit": x.unit,
                "formula": facts.in_words(x.formula),
            }
            for x in plan.dosing.calcs
        ]
    out["events"] = [event_json(e, plan) for e in plan.events]
    out["warnings"] = facts.warnings(plan)
    return out


def patient_json(plan: Plan, include_phi: bool) -> dict[str, Any]:
    """The pseudonymous patient summary; identifying data only when asked for."""
    assert plan.patient is not None  # noqa: S101
    d = plan.dosing
    bsa = d.bsa_m2 if d is not None else None
    crcl = d.crcl_ml_min if d is not None else None
    out: dict[str, Any] = {
        "label": plan.patient.label,
        "bsa_m2": None if bsa is None else round(bsa, 3),
        "crcl_ml_min": None if crcl is None else round(crcl, 1),
        "weight_kg": plan.patient.weight_kg,
        "age": plan.age,
    }
    if include_phi:
        out["phi"] = phi_fields(plan.patient)
    return out


def to_json(plan: Plan, include_phi: bool = False) -> str:
    return json.dumps(plan_json(plan, include_phi), indent=2, ensure_ascii=False) + "\n"
