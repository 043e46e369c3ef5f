"""The washout a patient's medication history asks for (EBMT 2024 intervals, glucocorticoids in
prednisone equivalents), as the protocol's washout policy says. Pure.

Policies (protocol `washout`): `ebmt-table` (default) the EBMT interval of each drug's class;
`stop-before` every immunosuppressant other than a glucocorticoid last taken at least
`stop_days` before the anchor (classes the EBMT table needs no interval for, hydroxychloroquine
and immunoglobulin, are not counted); `none` nothing is stopped (the plan notes that they
continue) and no glucocorticoid check. The anchor is the step the dates count back from (the
apheresis by default)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NamedTuple

from cartplan.dates import add_months
from cartplan.errors import InputError
from cartplan.messages import Message, msg
from cartplan.patient.model import Patient
from cartplan.patient.washout_table import DrugClass, WashoutTable
from cartplan.protocol.format import Washout as Policy
from cartplan.protocol.format import WashoutPolicy

DARATUMUMAB_DAYS = 42  # EBMT 2024 (Greco et al., Table 5): >= 6 weeks before leukapheresis


class Task(NamedTuple):
    """Something the team must do before a step, e.g. taper a glucocorticoid."""

    text: Message
    days_before: int  # before the step's first day
    before: str  # "anchor" (the washout's anchor step) or "lymphodepletion"


# Messages the scheduler passes on into notes and warnings. Any, not Message, only while
# schedule/ (being converted on its own branch) still annotates them as str.
PlanText = Any


class Washout(NamedTuple):
    """What the medication history asks of the plan."""

    earliest_apheresis: date | None  # earliest first day of the anchor (the apheresis by default)
    reason: PlanText  # why, naming the deciding drug (a Message; "" without a deciding drug)
    drug: str | None  # the deciding drug
    tasks: tuple[Task, ...]
    facts: frozenset[str]  # 'prior:<class>' for each class in the history
    warnings: tuple[PlanText, ...]


def prednisone_equivalent(cls: DrugClass, drug: str, mg: float) -> tuple[float, Message | None]:
    """The dose in prednisone mg and the conversion (None when it is prednisone)."""
    per = cls.prednisone_mg_equal_to.get(drug.strip().lower())
    if per is None or per == 1:
        return mg, None
    value = mg / per
    return value, msg("washout.prednisone_equivalent", drug=drug, mg=mg, prednisone=value)


def washout_from_medications(
    table: WashoutTable,
    patient: Patient,
    start: date | None,
    policy: Policy | None = None,
    anchor: str | None = None,
) -> Washout:
    """`policy`: the protocol's washout (None: the EBMT table before the apheresis); `anchor`:
    the id of the step the dates count back from when it is not the apheresis (for the words)."""
    rule = WashoutPolicy.ebmt_table if policy is None else policy.policy
    gc_limit = None if policy is None else policy.glucocorticoid_max_mg
    earliest: date | None = None
    reason: Message | str = ""
    decider: str | None = None
    tasks: list[Task] = []
    facts: set[str] = set()
    warnings: list[Message] = []
    known = [c.id for c in table.classes]
    for m in patient.medications:
        cls = table.find(m.drug, m.drug_class)
        if cls is None:  # the CLI adds how to name the class (DRUG=CLASS, drug_class:)
            if m.drug_class:
                raise InputError(
                    msg(
                        "washout.unknown_class",
                        drug=m.drug,
                        drug_class=m.drug_class,
                        classes=known,
                    )
                )
            raise InputError(msg("washout.unknown_drug", drug=m.drug, classes=known))
        if start is not None and m.last_dose > start:
            raise InputError(
                msg(
                    "washout.last_dose_after_start",
                    drug=m.drug,
                    last_dose=m.last_dose,
                    start=start,
                )
            )
        facts.add(f"prior:{cls.id}")
        name = m.drug.strip().lower()
        if m.drug_class:
            warnings.append(msg("washout.class_as_stated", drug=m.drug, drug_class=cls.id))
        elif name in cls.assumed:
            warnings.append(
                msg("washout.class_assumed", drug=m.drug, drug_class=cls.id, why=cls.assumed[name])
            )
        if cls.warning:
            warnings.append(msg("washout.class_warning", drug=m.drug, warning=cls.warning))
        if rule is WashoutPolicy.none:
            continue
        if cls.max_prednisone_mg is not None:
            tasks += _glucocorticoid(cls, m.drug, m.mg_per_day, warnings, gc_limit)
            continue
        if rule is WashoutPolicy.stop_before:
            if not (cls.min_days or cls.min_months):
                continue  # no interval even under EBMT: not an immunosuppressant to stop
            assert policy is not None and policy.stop_days is not None  # noqa: S101 - rules
            ready = m.last_dose + timedelta(days=policy.stop_days)
            why = msg(
                "washout.stop_before",
                drug=m.drug,
                last_dose=m.last_dose,
                days=policy.stop_days,
                step=anchor or "apheresis",
            )
        else:
            ready = add_months(m.last_dose, cls.min_months) + timedelta(days=cls.min_days)
            why = _needs(m.drug, m.last_dose, cls, anchor)
        if earliest is None or ready > earliest:
            earliest, decider, reason = ready, m.drug, why
    if rule is WashoutPolicy.none:
        continuing = [m.drug for m in patient.medications]
        if continuing:
            warnings.append(msg("washout.none_continue", drugs=continuing))
    return Washout(earliest, reason, decider, tuple(tasks), frozenset(facts), tuple(warnings))


def _needs(drug: str, last_dose: date, cls: DrugClass, anchor: str | None) -> Message:
    """Why the EBMT interval of `cls` decides: before the apheresis, or before `anchor`."""
    months, days, name, ref = cls.min_months, cls.min_days, cls.name, cls.reference
    if anchor is None and months:
        return msg(
            "washout.needs_months",
            drug=drug,
            last_dose=last_dose,
            months=months,
            days=days,
            class_name=name,
            reference=ref,
        )
    if anchor is None:
        return msg(
            "washout.needs_days",
            drug=drug,
            last_dose=last_dose,
            months=months,
            days=days,
            class_name=name,
            reference=ref,
        )
    if months:
        return msg(
            "washout.needs_months_before",
            drug=drug,
            last_dose=last_dose,
            months=months,
            days=days,
            class_name=name,
            reference=ref,
            step=anchor,
        )
    return msg(
        "washout.needs_days_before",
        drug=drug,
        last_dose=last_dose,
        months=months,
        days=days,
        class_name=name,
        reference=ref,
        step=anchor,
    )


def daratumumab_before_apheresis(patient: Patient, apheresis: date) -> Message | None:
    """Daratumumab (anti-CD38) given within 6 weeks before a new leukapheresis: a warning
    (EBMT 2024, >= 6 weeks). Not asked for a re-treatment with a stored lot (no apheresis)."""
    for m in patient.medications:
        if m.drug.strip().lower() != "daratumumab":
            continue
        days = (apheresis - m.last_dose).days
        if 0 <= days < DARATUMUMAB_DAYS:  # a dose after the collection bridges, not flagged
            return msg(
                "washout.daratumumab_before_apheresis",
                last_dose=m.last_dose,
                apheresis=apheresis,
                days=days,
                weeks=DARATUMUMAB_DAYS // 7,
            )
    return None


def _glucocorticoid(
    cls: DrugClass,
    drug: str,
    mg: float | None,
    warnings: list[Message],
    below: float | None = None,
) -> list[Task]:
    """EBMT: <= 10 mg/day prednisone-equivalent before apheresis and again before LD. With the
    protocol's own limit (`below`, e.g. teclistamab '< 5 mg/day'), the dose must be below it."""
    if mg is None:
        raise InputError(msg("washout.dose_required", drug=drug))
    limit = cls.max_prednisone_mg if below is None else below
    assert limit is not None  # noqa: S101
    equivalent, conversion = prednisone_equivalent(cls, drug, mg)
    shown = conversion or msg("washout.daily_dose", drug=drug, mg=mg)
    replacement = cls.replacement_mg.get(drug.strip().lower())
    if replacement is not None and mg <= replacement:
        warnings.append(msg("washout.adrenal_replacement", dose=shown, up_to=replacement))
        return []
    if below is None and equivalent <= limit:
        return []
    if below is not None and equivalent < below:
        return []
    text = (
        msg("washout.reduce_glucocorticoid", dose=shown, limit=limit)
        if below is None
        else msg("washout.reduce_glucocorticoid_below", dose=shown, limit=limit)
    )
    days = cls.by_days_before or 0
    return [
        Task(text, days, "anchor"),
        Task(msg("washout.check_again_before_ld", task=text), 0, "lymphodepletion"),
    ]
