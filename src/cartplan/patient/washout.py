"""The washout a patient's medication history asks for (EBMT 2024 intervals, glucocorticoids in
prednisone equivalents). Pure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NamedTuple

from cartplan.dates import add_months
from cartplan.errors import InputError
from cartplan.messages import Message, msg
from cartplan.patient.model import Patient
from cartplan.patient.washout_table import DrugClass, WashoutTable


class Task(NamedTuple):
    """Something the team must do before a step, e.g. taper a glucocorticoid."""

    text: Message
    days_before: int  # before the step's first day
    before: str  # "apheresis" or "lymphodepletion"


# Messages the scheduler passes on into notes and warnings. Any, not Message, only while
# schedule/ (being converted on its own branch) still annotates them as str.
PlanText = Any


class Washout(NamedTuple):
    """What the medication history asks of the plan."""

    earliest_apheresis: date | None
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


def washout_from_medications(table: WashoutTable, patient: Patient, start: date | None) -> Washout:
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
        if cls.max_prednisone_mg is not None:
            tasks += _glucocorticoid(cls, m.drug, m.mg_per_day, warnings)
            continue
        ready = add_months(m.last_dose, cls.min_months) + timedelta(days=cls.min_days)
        if earliest is None or ready > earliest:
            earliest, decider = ready, m.drug
            reason = msg(
                "washout.needs_months" if cls.min_months else "washout.needs_days",
                drug=m.drug,
                last_dose=m.last_dose,
                months=cls.min_months,
                days=cls.min_days,
                class_name=cls.name,
                reference=cls.reference,
            )
    return Washout(earliest, reason, decider, tuple(tasks), frozenset(facts), tuple(warnings))


def _glucocorticoid(
    cls: DrugClass, drug: str, mg: float | None, warnings: list[Message]
) -> list[Task]:
    """EBMT: <= 10 mg/day prednisone-equivalent before apheresis and again before LD."""
    if mg is None:
        raise InputError(msg("washout.dose_required", drug=drug))
    limit = cls.max_prednisone_mg
    assert limit is not None  # noqa: S101
    equivalent, conversion = prednisone_equivalent(cls, drug, mg)
    shown = conversion or msg("washout.daily_dose", drug=drug, mg=mg)
    replacement = cls.replacement_mg.get(drug.strip().lower())
    if replacement is not None and mg <= replacement:
        warnings.append(msg("washout.adrenal_replacement", dose=shown, up_to=replacement))
        return []
    if equivalent <= limit:
        return []
    text = msg("washout.reduce_glucocorticoid", dose=shown, limit=limit)
    days = cls.by_days_before or 0
    return [
        Task(text, days, "apheresis"),
        Task(msg("washout.check_again_before_ld", task=text), 0, "lymphodepletion"),
    ]
