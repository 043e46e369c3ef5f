"""Plan -> one FHIR R4 Bundle (type collection): PlanDefinition, CarePlan, Patient and actuals.

- The protocol is a PlanDefinition with a canonical URL (`canonical_url`) and its version; every
  step is an action whose `relatedAction` gives the offset from the step it is placed after (or
  from the infusion, D0), with the protocol's default parameter values.
- The plan is a CarePlan that instantiates "url|version". Each plan event is an activity with an
  inline `detail`; an event that gives drugs has one activity per drug instead (a detail carries
  one product and one daily amount), dated by `scheduledTiming.event` (one date per dose day) and
  with the patient's mg per day as `dailyAmount` when the plan computed it. Other events are dated
  by `scheduledPeriod`, whose end is inclusive (unlike an .ics DTEND): a single day has start = end.
- The Patient carries only the pseudonymous label unless the caller asks for identifying data.
- fullUrls are `urn:uuid:` uuid5s of the plan id (and step id), as the .ics UIDs are, so
  re-exports of the same plan are identical.
- Recorded facts (done, deferred, cancelled, failed) set an activity's status and add the actual:
  a Procedure (apheresis, infusion) or a MedicationAdministration (drug days) linked from the
  activity's `outcomeReference`, and one Provenance per recorded fact or plan revision.

Building is pure (dicts shaped as FHIR JSON); `to_json` runs the result through the R4B models of
fhir.resources, which R4 readers read as R4 for every element written here (README: FHIR export).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan.errors import InputError
from cartplan.exports.ics import NAMESPACE
from cartplan.lifecycle.states import StepStatus
from cartplan.protocol.format import Stage
from cartplan.views import facts as event_facts

if TYPE_CHECKING:
    from cartplan.exports.ics import Options
    from cartplan.patient.dosing import DoseLine
    from cartplan.protocol.format import Dose, Protocol, Reference, Step
    from cartplan.schedule.plan import Event, Plan

CANONICAL_BASE = "https://cartplan.org/fhir"
LABEL_SYSTEM = "urn:cartplan:label"  # the pseudonymous patient label
PLAN_SYSTEM = "urn:cartplan:plan"  # the plan id (as in calendar UIDs)
STEP_SYSTEM = "urn:cartplan:step"  # protocol step ids, meaningful with the PlanDefinition
UCUM = "http://unitsofmeasure.org"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"

JSON = dict[str, Any]


# CarePlan.activity.detail.status (required binding). FHIR has no "deferred": on-hold, and the
# reason goes into statusReason.
ACTIVITY_STATUS = {
    StepStatus.planned: "not-started",
    StepStatus.done: "completed",
    StepStatus.deferred: "on-hold",
    StepStatus.cancelled: "cancelled",
    StepStatus.failed: "stopped",
}


def activity_status(status: StepStatus) -> str:
    """The FHIR activity status of a step status."""
    return ACTIVITY_STATUS[status]


class Recorded(NamedTuple):
    """A fact recorded about one step: what happened, on which day, why, who recorded it, when.

    `on` is the day it happened (required for done and failed). For a step that gives drugs a fact
    is one drug on one day: `agent` names the drug (it may be left out when the step gives one
    drug; a deferral or cancellation without it applies to every drug of the step).
    """

    step: str
    status: StepStatus
    recorded_at: datetime  # time zone aware
    by: str  # who recorded it
    on: date | None = None
    reason: str | None = None
    agent: str | None = None


class Revision(NamedTuple):
    """A new version of the plan (e.g. re-planned after a slip): one Provenance on the CarePlan."""

    recorded_at: datetime
    by: str
    reason: str


def canonical_url(protocol: Protocol) -> str:
    """The PlanDefinition's canonical URL: one per protocol id; versions tell editions apart."""
    return f"{CANONICAL_BASE}/PlanDefinition/{protocol.id}"


def canonical(protocol: Protocol) -> str:
    """What a CarePlan instantiates: "url|version"."""
    return f"{canonical_url(protocol)}|{protocol.version}"


def resource_id(key: str) -> str:
    """A stable resource id: the uuid5 of `key` in cartplan's namespace (as calendar UIDs)."""
    return str(uuid.uuid5(NAMESPACE, key))


def full_url(rid: str) -> str:
    return f"urn:uuid:{rid}"


def action_id(step_id: str) -> str:
    """A step id as a FHIR id ([A-Za-z0-9.-]): '_' (never '.' in step ids) becomes '.'."""
    fid = step_id.replace("_", ".")
    if len(fid) > 64:
        fid = f"{fid[:27]}.{resource_id(step_id)}"
    return fid


def _ref(rid: str, display: str | None = None) -> JSON:
    out: JSON = {"reference": full_url(rid)}
    if display:
        out["display"] = display
    return out


def _text(text: str) -> JSON:
    return {"text": text}


def _step_code(step: Step) -> JSON:
    return {"coding": [{"system": STEP_SYSTEM, "code": step.id}], "text": step.title}


def _mg(amount: float) -> JSON:
    return {"value": amount, "unit": "mg", "system": UCUM, "code": "mg"}


def _days(n: int, unit: str = "d") -> JSON:
    words = {"d": "days", "mo": "months"}
    return {"value": n, "unit": words[unit], "system": UCUM, "code": unit}


# ---------------------------------------------------------------- PlanDefinition (the protocol)


def _related(step: Step, protocol: Protocol, values: dict[str, int]) -> list[JSON]:
    """The offset from the step this one is placed after (the infusion for 'day0')."""
    from cartplan.protocol.graph import DAY0, resolve

    pl = step.placement
    if pl.after is None:
        return []
    anchor = protocol.day0_step.id if pl.after == DAY0 else pl.after
    edge = "start" if pl.after == DAY0 else pl.edge
    days = resolve(protocol, values, pl.offset)
    months = pl.offset_months
    before = days < 0 and not months
    out: JSON = {
        "actionId": action_id(anchor),
        "relationship": f"{'before' if before else 'after'}-{edge}",
    }
    # Months and days together do not fit one Duration: then textEquivalent alone says it.
    if not (months and days):
        out["offsetDuration"] = _days(months, "mo") if months else _days(abs(days))
    return [out]


def _citation_url(ref: Reference) -> str | None:
    if ref.doi:
        return f"https://doi.org/{ref.doi}"
    if ref.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"
    if ref.pmcid:
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{ref.pmcid}/"
    return ref.url


def plan_definition(protocol: Protocol) -> JSON:
    """The protocol as published: every step (also conditional ones), default parameters."""
    from cartplan.views.protocol_summary import timing

    values = {p.name: p.default for p in protocol.parameters}
    teams = {t.id: t.name for t in protocol.teams}
    actions = []
    for s in protocol.steps:
        when = timing(s, values)
        if s.only_if:
            when += f"; only for patients with {', '.join(s.only_if)}"
        if s.min_age is not None:
            when += f"; only from age {s.min_age}"
        action: JSON = {
            "id": action_id(s.id),
            "title": event_facts.title(s),
            "description": s.description or None,
            "textEquivalent": when,
            "code": [_step_code(s)],
            "relatedAction": _related(s, protocol, values) or None,
            "participant": [
                {"type": "practitioner", "role": _text(teams.get(t, t))} for t in s.teams
            ],
        }
        actions.append({k: v for k, v in action.items() if v is not None})
    artifacts = []
    for r in protocol.references:
        art: JSON = {"type": "citation", "label": r.id, "citation": r.citation}
        if (url := _citation_url(r)) is not None:
            art["url"] = url
        artifacts.append(art)
    out: JSON = {
        "resourceType": "PlanDefinition",
        "id": resource_id(canonical(protocol)),
        "url": canonical_url(protocol),
        "version": protocol.version,
        "title": protocol.title,
        "type": {
            "coding": [
                {
                    "system": PLAN_DEFINITION_TYPE,
                    "code": "clinical-protocol",
                    "display": "Clinical Protocol",
                }
            ]
        },
        # An unsourced template (a protocol warning) is not for use as is.
        "status": "draft" if protocol.warning else "active",
        "publisher": "cartplan",
        "description": protocol.description or None,
        "relatedArtifact": artifacts,
        "action": actions,
    }
    return {k: v for k, v in out.items() if v is not None}


# ---------------------------------------------------------------- CarePlan (the dated plan)


def activity_kind(step: Step, timed: bool) -> str:
    """detail.kind of a step's activity (drug activities are MedicationRequest)."""
    if timed:
        return "Appointment"
    return {
        Stage.apheresis: "ServiceRequest",
        Stage.infusion: "ServiceRequest",
        Stage.monitoring: "ServiceRequest",
        Stage.follow_up: "Appointment",
    }.get(step.stage, "Task")


def _zone_of(opts: Options) -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if opts.tz is None:
        raise InputError(
            "a step has an appointment time: give --tz (e.g. Europe/Berlin) so the "
            "export knows which local time is meant"
        )
    try:
        return ZoneInfo(opts.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"--tz {opts.tz}: unknown time zone; use an IANA name such as Europe/Berlin"
        ) from None


def _period(e: Event, opts: Options) -> JSON:
    """Inclusive start and end: dates for day steps, zoned date-times for appointments."""
    if e.time is None:
        return {"start": e.start.isoformat(), "end": e.end.isoformat()}
    hh, mm = map(int, e.time.split(":"))
    zone = _zone_of(opts)
    first = datetime.combine(e.start, time(hh, mm), tzinfo=zone)
    # a time on a multi-day step holds on each of its days: the period ends on the last one
    last = datetime.combine(e.end, time(hh, mm), tzinfo=zone) + timedelta(minutes=e.minutes)
    return {"start": first.isoformat(), "end": last.isoformat()}


def _dose_text(e: Event, dose: Dose, line: DoseLine | None, origin: int = 0) -> str:
    from cartplan.views.timeline import day_label

    days = ", ".join(day_label(d, origin) for d in dose.days)
    if line is None:
        return f"{dose.agent} {dose.dose:g} {dose.unit} on {days}"
    text = (
        f"{line.agent} {line.dose:g} {line.unit} = {line.amount_mg:g} mg/day on {days} "
        f"(total {line.total_mg:g} mg)"
    )
    if line.adjustment is not None:
        reason = event_facts.in_words(line.adjustment.reason)
        text += f"; adjusted: {reason} ({line.adjustment.rule})"
    return text


def _doses(e: Event, plan: Plan) -> list[tuple[Dose, DoseLine | None]]:
    """The drugs an event gives (not standby ones), with the patient's numbers when known."""
    lines = [d for d in plan.dosing.doses if d.step == e.step.id] if plan.dosing else []
    return [
        (dose, lines[i] if lines else None)
        for i, dose in enumerate(e.step.regimen)
        if not dose.standby
    ]


class _Activity(NamedTuple):
    step: str
    agent: str | None  # drug activities: the drug
    dose_days: int  # planned administration days (drug activities)
    detail: JSON


def _activities(plan: Plan, opts: Options) -> list[_Activity]:
    from cartplan.views.timeline import event_notes

    teams = {t.id: t.name for t in plan.protocol.teams}
    out = []
    for e in plan.events:
        base: JSON = {
            "code": _step_code(e.step),
            "status": activity_status(StepStatus.planned),
            "performer": [{"display": teams.get(t, t)} for t in e.step.teams],
        }
        given = _doses(e, plan)
        if not given:
            detail = {
                "kind": activity_kind(e.step, e.time is not None),
                **base,
                "scheduledPeriod": _period(e, opts),
            }
            if e.step.cell_dose is not None:
                detail["productCodeableConcept"] = _text(e.step.cell_dose.product)
            if notes := event_notes(e, plan):
                detail["description"] = "\n".join(notes)
            out.append(_Activity(e.step.id, None, 0, detail))
            continue
        day0 = e.start - timedelta(days=e.day)
        for dose, line in given:
            detail = {
                "kind": "MedicationRequest",
                **base,
                "scheduledTiming": {
                    "event": [(day0 + timedelta(days=d)).isoformat() for d in dose.days]
                },
                "productCodeableConcept": _text(dose.agent),
            }
            if line is not None:
                detail["dailyAmount"] = _mg(line.amount_mg)
            detail["description"] = "\n".join(
                [*event_facts.notes(e), _dose_text(e, dose, line, plan.protocol.day_origin)]
            )
            out.append(_Activity(e.step.id, dose.agent, len(dose.days), detail))
    return out


def patient_resource(plan: Plan, rid: str, include_phi: bool) -> JSON:
    """The label as the only identifier; name, birth date and MRN only when asked for."""
    from cartplan.patient.privacy import phi_fields

    assert plan.patient is not None  # noqa: S101 - checked by bundle()
    out: JSON = {
        "resourceType": "Patient",
        "id": rid,
        "identifier": [{"system": LABEL_SYSTEM, "value": plan.patient.label}],
    }
    if include_phi:
        phi = phi_fields(plan.patient)
        if phi["mrn"]:
            out["identifier"].append(
                {
                    "use": "usual",
                    "type": {
                        "coding": [
                            {
                                "system": IDENTIFIER_TYPE,
                                "code": "MR",
                                "display": "Medical record number",
                            }
                        ]
                    },
                    "value": phi["mrn"],
                }
            )
        if phi["name"]:
            out["name"] = [{"text": phi["name"]}]
        if plan.patient.sex is not None:
            out["gender"] = "female" if plan.patient.sex == "F" else "male"
        if phi["birth_date"]:
            out["birthDate"] = phi["birth_date"]
    return out


# ---------------------------------------------------------------- actuals


def _check(fact: Recorded, plan: Plan) -> str | None:
    """The drug a fact is about (None for non-drug steps); InputError for facts that cannot be."""
    event = next((e for e in plan.events if e.step.id == fact.step), None)
    if event is None:
        raise InputError(
            f"recorded fact: the plan has no step '{fact.step}' "
            f"(steps: {', '.join(e.step.id for e in plan.events)})"
        )
    if fact.recorded_at.tzinfo is None:
        raise InputError(f"recorded fact for {fact.step}: recorded_at needs a time zone")
    if fact.status in (StepStatus.done, StepStatus.failed) and fact.on is None:
        raise InputError(f"recorded fact for {fact.step}: {fact.status} needs the day (on)")
    agents = [d.agent for d, _ in _doses(event, plan)]
    if fact.agent is not None and fact.agent not in agents:
        raise InputError(
            f"recorded fact for {fact.step}: the step gives no '{fact.agent}' "
            f"(drugs: {', '.join(agents) or 'none'})"
        )
    if fact.agent is None and len(agents) == 1:
        return agents[0]
    if fact.agent is None and agents and fact.status in (StepStatus.done, StepStatus.failed):
        raise InputError(
            f"recorded fact for {fact.step}: name the drug given ({', '.join(agents)})"
        )
    return fact.agent


def _outcome(
    fact: Recorded, agent: str | None, plan: Plan, rid: str, refs: dict[str, str]
) -> JSON | None:
    """The actual behind a done or failed fact, or None where FHIR has no resource for it."""
    if fact.status not in (StepStatus.done, StepStatus.failed) or fact.on is None:
        return None
    step = plan.protocol.step(fact.step)
    failed = fact.status is StepStatus.failed
    reason = {"statusReason": [_text(fact.reason)]} if failed and fact.reason else {}
    if agent is not None:
        event = next(e for e in plan.events if e.step.id == fact.step)
        line = next((x for d, x in _doses(event, plan) if d.agent == agent), None)
        out: JSON = {
            "resourceType": "MedicationAdministration",
            "id": rid,
            "status": "stopped" if failed else "completed",
            **reason,
            "medicationCodeableConcept": _text(agent),
            "subject": _ref(refs["Patient"]),
            "effectiveDateTime": fact.on.isoformat(),
        }
        if line is not None and not failed:  # a stopped dose's amount is not known
            out["dosage"] = {"dose": _mg(line.amount_mg)}
        return out
    if step.stage not in (Stage.apheresis, Stage.infusion):
        return None
    return {
        "resourceType": "Procedure",
        "id": rid,
        "basedOn": [_ref(refs["CarePlan"])],
        "status": "stopped" if failed else "completed",
        **({"statusReason": _text(fact.reason)} if failed and fact.reason else {}),
        "code": _step_code(step),
        "subject": _ref(refs["Patient"]),
        "performedPeriod": {"start": fact.on.isoformat(), "end": fact.on.isoformat()},
    }


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _provenance(
    rid: str,
    targets: list[str],
    recorded_at: datetime,
    by: str,
    reason: str | None,
    what: str,
    on: date | None = None,
) -> JSON:
    out: JSON = {
        "resourceType": "Provenance",
        "id": rid,
        "target": [_ref(t) for t in targets],
    }
    if on is not None:
        out["occurredDateTime"] = on.isoformat()
    out["recorded"] = _instant(recorded_at)
    if reason:
        out["reason"] = [_text(reason)]
    out["activity"] = {
        "coding": [{"system": DATA_OPERATION, "code": "UPDATE", "display": "revise"}],
        "text": what,
    }
    out["agent"] = [{"who": {"display": by}}]
    return out


# ---------------------------------------------------------------- the bundle


def bundle(
    plan: Plan,
    opts: Options,
    facts: Sequence[Recorded] = (),
    revisions: Sequence[Revision] = (),
    protocol: Protocol | None = None,
) -> JSON:
    """The plan as a FHIR Bundle (JSON-shaped dict); `facts` in the order they were recorded.

    `protocol` is the whole protocol the plan was made from, for the PlanDefinition: the plan
    keeps only the steps that apply to its patient (conditional and age-limited ones dropped).
    """
    if plan.patient is None:
        raise InputError(
            "export fhir: give the patient's label (--label or --patient): "
            "a FHIR CarePlan needs a subject"
        )
    pid = opts.plan_id
    refs = {
        "Patient": resource_id(f"{pid}#Patient"),
        "CarePlan": resource_id(f"{pid}#CarePlan"),
    }
    definition = plan_definition(protocol if protocol is not None else plan.protocol)
    activities = _activities(plan, opts)
    outcomes: list[JSON] = []
    provenances: list[tuple[datetime, JSON]] = []
    status: dict[tuple[str, str | None], StepStatus] = {}
    reasons: dict[tuple[str, str | None], str | None] = {}
    given: dict[tuple[str, str | None], list[str]] = {}
    for n, fact in enumerate(facts, 1):
        agent = _check(fact, plan)
        keys = [
            (a.step, a.agent)
            for a in activities
            if a.step == fact.step and (agent is None or a.agent == agent)
        ]
        for key in keys:
            status[key] = fact.status
            reasons[key] = fact.reason
        targets = [refs["CarePlan"]]
        rid = resource_id(f"{pid}/{fact.step}#outcome/{n}")
        if (outcome := _outcome(fact, agent, plan, rid, refs)) is not None:
            outcomes.append(outcome)
            targets.append(rid)
            for key in keys:
                given.setdefault(key, []).append(rid)
        what = f"{fact.step}{f' ({agent})' if agent else ''}: {fact.status.value}"
        provenances.append(
            (
                fact.recorded_at,
                _provenance(
                    resource_id(f"{pid}#Provenance/{n}"),
                    targets,
                    fact.recorded_at,
                    fact.by,
                    fact.reason,
                    what,
                    fact.on,
                ),
            )
        )
    for n, rev in enumerate(revisions, 1):
        if rev.recorded_at.tzinfo is None:
            raise InputError("plan revision: recorded_at needs a time zone")
        provenances.append(
            (
                rev.recorded_at,
                _provenance(
                    resource_id(f"{pid}#Revision/{n}"),
                    [refs["CarePlan"]],
                    rev.recorded_at,
                    rev.by,
                    rev.reason,
                    "plan revised",
                ),
            )
        )
    details = []
    for a in activities:
        key = (a.step, a.agent)
        detail = dict(a.detail)
        if key in status:
            st = status[key]
            code = activity_status(st)
            if st is StepStatus.done and a.agent is not None and len(given[key]) < a.dose_days:
                code = "in-progress"  # some of the drug's days are given
            detail["status"] = code
            if st in (StepStatus.deferred, StepStatus.cancelled, StepStatus.failed) and (
                reason := reasons[key]
            ):
                detail["statusReason"] = _text(reason)
        activity: JSON = {}
        if key in given:
            activity["outcomeReference"] = [_ref(r) for r in given[key]]
        activity["detail"] = detail
        details.append(activity)
    ends = [e.end for e in plan.events]
    care_plan: JSON = {
        "resourceType": "CarePlan",
        "id": refs["CarePlan"],
        "identifier": [{"system": PLAN_SYSTEM, "value": pid}],
        "instantiatesCanonical": [canonical(plan.protocol)],
        "status": "active",
        "intent": "plan",
        "title": plan.protocol.title,
        "subject": _ref(refs["Patient"], plan.patient.label),
        "period": {"start": plan.start.isoformat(), "end": max(ends).isoformat()},
        "activity": details,
    }
    if warnings := event_facts.warnings(plan):
        care_plan["note"] = [{"text": w} for w in warnings]
    resources = [
        patient_resource(plan, refs["Patient"], opts.include_phi),
        definition,
        care_plan,
        *outcomes,
        *(p for _, p in sorted(provenances, key=lambda x: x[0])),
    ]
    return {
        "resourceType": "Bundle",
        "id": resource_id(f"{pid}#Bundle"),
        "type": "collection",
        "timestamp": _instant(opts.now),
        "entry": [{"fullUrl": full_url(r["id"]), "resource": r} for r in resources],
    }


def to_json(data: JSON) -> str:
    """The bundle through fhir.resources' R4B models (element types, cardinality, no unknown
    elements), as indented JSON. fhir.resources loads in about half a second: only here."""
    from fhir.resources.R4B.bundle import Bundle

    text: str = Bundle.model_validate(data).model_dump_json(indent=2)
    return text + "\n"
