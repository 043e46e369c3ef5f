"""One reading of an event for every output: what applies to this patient, in one place.

Timeline, JSON, checklists and calendar descriptions all ask here which checklist items,
escalation criteria and doses an event carries for the plan's patient. A rule about who an item
is for (CAPD instead of ICE at age 12 or under, a pregnancy test for women, anticonvulsants with
CNS involvement) is decided once, so no output can disagree with another. When the patient's age
or sex is unknown, an item is kept with its condition in words ("age ≤ 12").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from cartplan.protocol import ForWhom

if TYPE_CHECKING:
    from cartplan.engine import Event, Plan
    from cartplan.protocol import CheckItem


class ItemLine(NamedTuple):
    text: str
    times: int  # occurrences per day
    condition: str  # "" when it applies to this patient, else who it is for ("age ≤ 12")
    references: tuple[str, ...]


class DoseText(NamedTuple):
    text: str
    standby: bool  # held ready (confirm on site), not given


class EscalationLine(NamedTuple):
    criterion: str
    action: str
    condition: str
    references: tuple[str, ...]


def frequency(times: int) -> str:
    if times == 1:
        return "once daily"
    if times == 2:
        return "twice daily"
    if 24 % times == 0:
        return f"every {24 // times} h ({times}×/day)"
    return f"{times}×/day"


def condition(who: ForWhom, plan: Plan) -> str | None:
    """None when `who` excludes the plan's patient; "" when it applies; else the condition."""
    if not set(who.only_if) <= plan.facts:
        return None  # facts (CNS involvement, drug history) are never assumed
    words = []
    age = plan.age
    if who.min_age is not None:
        if age is None:
            words.append(f"age ≥ {who.min_age}")
        elif age < who.min_age:
            return None
    if who.max_age is not None:
        if age is None:
            words.append(f"age ≤ {who.max_age}")
        elif age > who.max_age:
            return None
    if who.sex is not None:
        sex = plan.patient.sex if plan.patient is not None else None
        if sex is None:
            words.append("women" if who.sex == "F" else "men")
        elif sex != who.sex:
            return None
    return ", ".join(words)


def _items(e: Event, plan: Plan, day: int | None) -> list[tuple[CheckItem, ItemLine]]:
    out = []
    for c in e.step.checklist:
        cond = condition(c, plan)
        if cond is None:
            continue
        if c.with_agent is not None:
            days = [x for d in e.step.regimen if d.agent == c.with_agent for x in d.days]
            if day is not None and day not in days:
                continue
            if day is None:
                cond = ", ".join(x for x in (cond, f"{c.with_agent} days") if x)
        out.append((c, ItemLine(c.text, c.times_per_day, cond, tuple(c.references))))
    return out


def items(e: Event, plan: Plan, day: int | None = None) -> list[ItemLine]:
    """Checklist items of `e` for this patient; on `day` (relative to D0) when given."""
    return [line for _, line in _items(e, plan, day)]


def escalations(e: Event, plan: Plan) -> list[EscalationLine]:
    out = []
    for x in e.step.escalation:
        cond = condition(x, plan)
        if cond is not None:
            out.append(EscalationLine(x.criterion, x.action, cond, tuple(x.references)))
    return out


def with_condition(text: str, cond: str) -> str:
    return f"{text} ({cond})" if cond else text


def age_lines(e: Event, plan: Plan) -> list[str]:
    """The age-dependent items of an event, for summaries that do not list every item."""
    return [
        with_condition(f"{x.text} — {frequency(x.times)}", x.condition)
        for c, x in _items(e, plan, None)
        if c.min_age is not None or c.max_age is not None
    ]


def dose_lines(e: Event, plan: Plan, day: int | None = None) -> list[DoseText]:
    """Drugs of `e` (on `day` when given): mg for this patient when known, else protocol units."""
    lines = []
    if plan.dosing is not None:
        for d in plan.dosing.doses:
            if d.step != e.step.id or (day is not None and day not in d.days):
                continue
            unit = f"{d.dose:g} {d.unit}"
            if d.standby:
                note = f" — {d.note}" if d.note else ""
                lines.append(
                    DoseText(f"{d.agent} on site: {d.amount_mg:g} mg ({unit}){note}", True)
                )
            else:
                lines.append(DoseText(f"{d.agent}: {d.amount_mg:g} mg ({unit})", False))
    else:
        for r in e.step.regimen:
            if day is not None and day not in r.days:
                continue
            extra = [f"{w.dose:g} {r.unit} below {w.below_kg:g} kg" for w in r.weight]
            if r.max_mg is not None:
                extra.append(f"max {r.max_mg:g} mg")
            unit = f"{r.dose:g} {r.unit}" + (f" ({'; '.join(extra)})" if extra else "")
            if r.standby:
                note = f" — {r.note}" if r.note else ""
                lines.append(DoseText(f"{r.agent} on site: {unit}{note}", True))
            else:
                lines.append(DoseText(f"{r.agent}: {unit}", False))
    return lines
