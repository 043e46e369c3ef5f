"""The washout a patient's medication history asks for (EBMT 2024 intervals, glucocorticoids in
prednisone equivalents). Pure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from cartplan.dates import add_months, fmt
from cartplan.errors import InputError
from cartplan.patient.model import Patient
from cartplan.patient.washout_table import DrugClass, WashoutTable


class Task(NamedTuple):
    """Something the team must do before a step, e.g. taper a glucocorticoid."""

    text: str
    days_before: int  # before the step's first day
    before: str  # "apheresis" or "lymphodepletion"


class Washout(NamedTuple):
    """What the medication history asks of the plan."""

    earliest_apheresis: date | None
    reason: str  # why, naming the deciding drug
    drug: str | None  # the deciding drug
    tasks: tuple[Task, ...]
    facts: frozenset[str]  # 'prior:<class>' for each class in the history
    warnings: tuple[str, ...]


def prednisone_equivalent(cls: DrugClass, drug: str, mg: float) -> tuple[float, str | None]:
    """The dose in prednisone mg and the conversion in words (None when it is prednisone)."""
    per = cls.prednisone_mg_equal_to.get(drug.strip().lower())
    if per is None or per == 1:
        return mg, None
    value = mg / per
    return value, f"{drug} {mg:g} mg/day ≈ prednisone {value:.1f} mg/day"


def washout_from_medications(table: WashoutTable, patient: Patient, start: date | None) -> Washout:
    earliest: date | None = None
    reason = ""
    decider: str | None = None
    tasks: list[Task] = []
    facts: set[str] = set()
    warnings: list[str] = []
    known = ", ".join(c.id for c in table.classes)
    for m in patient.medications:
        cls = table.find(m.drug, m.drug_class)
        if cls is None:
            what = f"class '{m.drug_class}'" if m.drug_class else "a known drug or class"
            raise InputError(
                f"patient: medication '{m.drug}' is not {what} (classes: {known}); name its "
                f"class as DRUG=CLASS, e.g. '{m.drug}=anti-cytokine-antibody' "
                "(drug_class: in a patient file)"
            )
        if start is not None and m.last_dose > start:
            raise InputError(
                f"patient: {m.drug} last dose {m.last_dose} is after the washout start {start}"
            )
        facts.add(f"prior:{cls.id}")
        name = m.drug.strip().lower()
        if m.drug_class:
            warnings.append(f"{m.drug}: washout class {cls.id} as stated by the user")
        elif name in cls.assumed:
            warnings.append(f"{m.drug}: classed as {cls.id} — {cls.assumed[name]}")
        if cls.warning:
            warnings.append(f"{m.drug}: {cls.warning}")
        if cls.max_prednisone_mg is not None:
            tasks += _glucocorticoid(cls, m.drug, m.mg_per_day, warnings)
            continue
        ready = add_months(m.last_dose, cls.min_months) + timedelta(days=cls.min_days)
        if earliest is None or ready > earliest:
            earliest, decider = ready, m.drug
            wait = f"{cls.min_months} month(s)" if cls.min_months else f"{cls.min_days} days"
            reason = (
                f"{m.drug} last dose {fmt(m.last_dose)} needs >= {wait} before apheresis "
                f"({cls.name}; {cls.reference})"
            )
    return Washout(earliest, reason, decider, tuple(tasks), frozenset(facts), tuple(warnings))


def _glucocorticoid(cls: DrugClass, drug: str, mg: float | None, warnings: list[str]) -> list[Task]:
    """EBMT: <= 10 mg/day prednisone-equivalent before apheresis and again before LD."""
    if mg is None:
        raise InputError(f"patient: {drug} needs its current dose, e.g. dose: '15 mg/day'")
    limit = cls.max_prednisone_mg
    assert limit is not None  # noqa: S101
    equivalent, conversion = prednisone_equivalent(cls, drug, mg)
    shown = conversion or f"{drug} {mg:g} mg/day"
    replacement = cls.replacement_mg.get(drug.strip().lower())
    if replacement is not None and mg <= replacement:
        warnings.append(
            f"{shown}: a dose up to {replacement:g} mg/day is usually adrenal replacement — "
            "keep it; confirm with the physician"
        )
        return []
    if equivalent <= limit:
        return []
    text = f"{shown}: reduce to <= {limit:g} mg/day prednisone-equivalent (EBMT 2024)"
    days = cls.by_days_before or 0
    return [
        Task(text, days, "apheresis"),
        Task(f"{text}; check again before the first lymphodepletion dose", 0, "lymphodepletion"),
    ]
