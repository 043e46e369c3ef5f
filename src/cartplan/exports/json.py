"""The plan as JSON: the documented, stable contract other programs read.

The contract is the pydantic models of `exports.contract`; this module fills them from a plan.
A key that does not apply is not given (and so not printed): see the models' docstring.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from cartplan.patient.privacy import phi_fields
from cartplan.views import facts

if TYPE_CHECKING:
    from cartplan.exports.contract import EventJson, PatientSummary, PlanJson, RegimenEntry
    from cartplan.schedule.plan import Event, Plan


def contract(plan: Plan, include_phi: bool = False) -> PlanJson:
    """The plan as the contract's model; identifying data only with `include_phi`."""
    from cartplan.exports.contract import Calculation, PlanCellDose, PlanJson, ProtocolRef

    p = plan.protocol
    given: dict[str, Any] = {}
    if plan.patient is not None:
        given["patient"] = patient_summary(plan, include_phi)
    if plan.patient is not None and plan.dosing is not None:
        c = plan.dosing.cell_dose
        given["cell_dose"] = (
            None
            if c is None
            else PlanCellDose(cells=c.cells, per_kg=c.per_kg, formula=facts.in_words(c.formula))
        )
        given["calculations"] = [
            Calculation(
                name=x.name,
                value=round(x.value, 3),
                unit=x.unit,
                formula=facts.in_words(x.formula),
            )
            for x in plan.dosing.calcs
        ]
    return PlanJson(
        protocol=ProtocolRef(id=p.id, version=p.version, title=p.title),
        start=plan.start,
        day0=plan.day0,
        parameters=dict(plan.parameters),
        **given,
        events=[event_contract(e, plan) for e in plan.events],
        warnings=facts.warnings(plan),
    )


def event_contract(e: Event, plan: Plan) -> EventJson:
    from cartplan.exports.contract import (
        ChecklistItem,
        EscalationItem,
        EventJson,
        ProductDose,
    )

    given: dict[str, Any] = {}
    if e.time is not None:
        given |= {"time": e.time, "minutes": e.minutes}
    if e.step.watch:
        given["watch"] = list(e.step.watch)
    if e.step.regimen:
        given["regimen"] = regimen(e, plan)
    if e.step.premedication:
        given["premedication"] = regimen(e, plan, premedication=True)
    if e.step.cell_dose is not None:
        c = e.step.cell_dose
        given["cell_dose"] = ProductDose(product=c.product, per_kg=c.per_kg, flat=c.flat)
    if items := facts.items(e, plan):
        given["checklist"] = [
            ChecklistItem(text=x.text, times_per_day=x.times, for_=x.condition or None)
            for x in items
        ]
    if escalations := facts.escalations(e, plan):
        given["escalation"] = [
            EscalationItem(criterion=x.criterion, action=x.action, for_=x.condition or None)
            for x in escalations
        ]
    return EventJson(
        id=e.step.id,
        stage=e.step.stage,
        title=facts.title(e.step),
        start=e.start,
        end=e.end,
        day=e.day,
        day_end=e.day_end,
        teams=list(e.step.teams),
        notes=facts.notes(e),
        **given,
        references=list(e.step.references),
        assumption=e.step.assumption,
    )


def regimen(e: Event, plan: Plan, premedication: bool = False) -> list[RegimenEntry]:
    """The step's drugs (or its premedication); with the patient's doses (one per protocol dose,
    in order) in mg."""
    from cartplan.exports.contract import Adjustment, RegimenEntry

    day0 = e.start - timedelta(days=e.day)
    doses = (
        [x for x in plan.dosing.doses if x.step == e.step.id and x.premedication == premedication]
        if plan.dosing
        else []
    )
    out = []
    for i, d in enumerate(e.step.premedication if premedication else e.step.regimen):
        given: dict[str, Any] = {"dose": d.dose}
        if doses:
            line = doses[i]
            adj = line.adjustment
            given = {
                "dose": line.dose,
                "amount_mg": line.amount_mg,
                "total_mg": line.total_mg,
                "formula": facts.in_words(line.formula),
                "adjustment": None
                if adj is None
                else Adjustment(
                    rule=adj.rule,
                    reason=facts.in_words(adj.reason),
                    references=list(adj.references),
                ),
            }
        out.append(
            RegimenEntry(
                agent=d.agent,
                unit=d.unit,
                days=list(d.days),
                dates=[day0 + timedelta(days=x) for x in d.days],
                standby=d.standby,
                assumption=d.assumption,
                **given,
            )
        )
    return out


def patient_summary(plan: Plan, include_phi: bool) -> PatientSummary:
    """The pseudonymous patient summary; identifying data only when asked for."""
    from cartplan.exports.contract import PatientSummary, PhiFields

    assert plan.patient is not None  # noqa: S101
    d = plan.dosing
    bsa = d.bsa_m2 if d is not None else None
    crcl = d.crcl_ml_min if d is not None else None
    given: dict[str, Any] = {}
    if include_phi:
        given["phi"] = PhiFields.model_validate(phi_fields(plan.patient))
    return PatientSummary(
        label=plan.patient.label,
        bsa_m2=None if bsa is None else round(bsa, 3),
        crcl_ml_min=None if crcl is None else round(crcl, 1),
        weight_kg=plan.patient.weight_kg,
        age=plan.age,
        **given,
    )


def plan_json(plan: Plan, include_phi: bool = False) -> dict[str, Any]:
    """The contract as JSON-ready data (dicts, lists, strings, numbers)."""
    from cartplan.exports.contract import dump

    return dump(contract(plan, include_phi))


def to_json(plan: Plan, include_phi: bool = False) -> str:
    """The contract as printed: two-space indents, UTF-8 as is, a final newline."""
    from cartplan.exports.contract import text

    return text(contract(plan, include_phi))
