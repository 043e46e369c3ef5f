"""One reading of an event for every output: what applies to this patient, in one place.

Timeline, JSON, checklists and calendar descriptions all ask here which checklist items,
escalation criteria and doses an event carries for the plan's patient. A rule about who an item
is for (CAPD instead of ICE at age 12 or under, a pregnancy test for women, anticonvulsants with
CNS involvement) is decided once, so no output can disagree with another. When the patient's age
or sex is unknown, an item is kept with its condition in words ("age ≤ 12").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from cartplan.i18n import join, words
from cartplan.protocol.format import ForWhom, Stage

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cartplan.messages import Text
    from cartplan.protocol.format import CheckItem, Shift, Step
    from cartplan.schedule.plan import Event, Plan


class ItemLine(NamedTuple):
    text: str
    times: int  # occurrences per day
    condition: str  # "" when it applies to this patient, else who it is for ("age ≤ 12")
    references: tuple[str, ...]
    clock: tuple[str, ...] = ()  # HH:MM of each occurrence; empty: the nurse writes the time
    record: tuple[str, ...] = ()  # values written down at each occurrence, with units


class DoseText(NamedTuple):
    text: str
    standby: bool  # held ready (confirm on site), not given
    premedication: bool = False  # given before the step's dose (the text says so)


class EscalationLine(NamedTuple):
    criterion: str
    action: str
    condition: str
    references: tuple[str, ...]


def in_words(message: Text, lang: str | None = None) -> str:
    """What the core says (a message: a note, a warning, a formula, a reason) in words, in the
    reader's language; every output reads the core's messages through here."""
    from cartplan.i18n import render

    return render(message, lang)


def shown_day(day: int, origin: int = 0) -> int:
    """The day number people read: relative to D0 (origin 0), or with the first dose as day 1
    and no day 0 (origin 1: D0 -> 1, D2 -> 3, D-1 stays -1). The one place the rule lives."""
    return day + 1 if origin == 1 and day >= 0 else day


def title(step: Step, lang: str | None = None) -> str:
    """A step's title as people read it: a dose of a series, a step repeated after each dose and
    a cycle say which ("Infusion (dose 2 of 3)"); every output names steps through here."""
    from cartplan.protocol.expand import ExpandedStep

    if not isinstance(step, ExpandedStep):
        return step.title
    from cartplan.i18n import render
    from cartplan.messages import msg

    text = step.title
    if step.dose is not None:
        k, n = step.dose
        text = render(msg("step.dose_title", title=text, k=k, n=n), lang)
    if step.after_dose is not None:
        k, n = step.after_dose
        text = render(msg("step.after_dose_title", title=text, k=k, n=n), lang)
    if step.cycle is not None:
        k, n = step.cycle
        text = render(msg("step.cycle_title", title=text, k=k, n=n), lang)
    return text


def notes(e: Event, lang: str | None = None) -> list[str]:
    """Why an event moved, tasks due: in words (the core gives them as messages)."""
    return [in_words(n, lang) for n in e.notes]


def warnings(plan: Plan, lang: str | None = None) -> list[str]:
    """What the plan warns about, in words."""
    return [in_words(w, lang) for w in plan.warnings]


def frequency(times: int, lang: str | None = None) -> str:
    _ = words(lang)
    if times == 1:
        return _("once daily")
    if times == 2:
        return _("twice daily")
    if 24 % times == 0:
        return _("every {hours} h ({times}×/day)").format(hours=24 // times, times=times)
    return _("{times}×/day").format(times=times)


def condition(who: ForWhom, plan: Plan, lang: str | None = None) -> str | None:
    """None when `who` excludes the plan's patient; "" when it applies; else the condition."""
    if not set(who.only_if) <= plan.facts:
        return None  # facts (CNS involvement, drug history) are never assumed
    _ = words(lang)
    said = []
    age = plan.age
    if who.min_age is not None:
        if age is None:
            said.append(_("age ≥ {years}").format(years=who.min_age))
        elif age < who.min_age:
            return None
    if who.max_age is not None:
        if age is None:
            said.append(_("age ≤ {years}").format(years=who.max_age))
        elif age > who.max_age:
            return None
    if who.sex is not None:
        sex = plan.patient.sex if plan.patient is not None else None
        if sex is None:
            said.append(_("women") if who.sex == "F" else _("men"))
        elif sex != who.sex:
            return None
    return join(said, lang)


def hhmm(minutes: int) -> str:
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def to_minutes(clock: str) -> int:
    hh, mm = clock.split(":")
    return int(hh) * 60 + int(mm)


def ward_schedule(times_per_day: int, shifts: Sequence[Shift]) -> tuple[str, ...]:
    """Default clock times of an item, counted from the first shift's start (06:00 by default).

    Once daily: start + 2 h (08:00); twice daily: start + 2 h and + 14 h (08:00, 20:00), away
    from the handovers; otherwise every 24/n hours aligned to the start (q4h: 02:00, 06:00, …).
    Returned in nursing-day order, from the first shift's start.
    """
    start = to_minutes(shifts[0].start)
    if times_per_day <= 2:
        return tuple(hhmm(start + 120 + 720 * k) for k in range(times_per_day))
    step = 1440 / times_per_day
    return tuple(hhmm(start + round(k * step)) for k in range(times_per_day))


def item_clock(c: CheckItem, e: Event, shifts: Sequence[Shift]) -> tuple[str, ...]:
    """When each occurrence of `c` is due on a day of `e`: explicit times, the step's appointment
    for a once-daily item, the ward schedule in monitoring windows or for repeated items, else
    nothing (a one-off task of the day: the nurse writes the time)."""
    if c.times is not None:
        start = to_minutes(shifts[0].start)
        return tuple(sorted(c.times, key=lambda t: (to_minutes(t) - start) % 1440))
    if c.times_per_day == 1 and e.time is not None:
        return (e.time,)
    if c.times_per_day > 1 or e.step.stage is Stage.monitoring:
        return ward_schedule(c.times_per_day, shifts)
    return ()


def _items(
    e: Event, plan: Plan, day: int | None, lang: str | None = None
) -> list[tuple[CheckItem, ItemLine]]:
    out = []
    for c in e.step.checklist:
        cond = condition(c, plan, lang)
        if cond is None:
            continue
        if c.with_agent is not None:
            days = [x for d in e.step.regimen if d.agent == c.with_agent for x in d.days]
            if day is not None and day not in days:
                continue
            if day is None:
                _ = words(lang)
                agent_days = _("{agent} days").format(agent=c.with_agent)
                cond = join([x for x in (cond, agent_days) if x], lang)
        clock = item_clock(c, e, plan.protocol.shifts)
        line = ItemLine(c.text, c.times_per_day, cond, tuple(c.references), clock, tuple(c.record))
        out.append((c, line))
    return out


def items(e: Event, plan: Plan, day: int | None = None, lang: str | None = None) -> list[ItemLine]:
    """Checklist items of `e` for this patient; on `day` (relative to D0) when given."""
    return [line for _, line in _items(e, plan, day, lang)]


def escalations(e: Event, plan: Plan, lang: str | None = None) -> list[EscalationLine]:
    out = []
    for x in e.step.escalation:
        cond = condition(x, plan, lang)
        if cond is not None:
            out.append(EscalationLine(x.criterion, x.action, cond, tuple(x.references)))
    return out


def with_condition(text: str, cond: str) -> str:
    return f"{text} ({cond})" if cond else text


def age_lines(e: Event, plan: Plan, lang: str | None = None) -> list[str]:
    """The age-dependent items of an event, for summaries that do not list every item."""
    return [
        with_condition(f"{x.text} — {frequency(x.times, lang)}", x.condition)
        for c, x in _items(e, plan, None, lang)
        if c.min_age is not None or c.max_age is not None
    ]


def dose_lines(
    e: Event, plan: Plan, day: int | None = None, lang: str | None = None
) -> list[DoseText]:
    """Drugs of `e` (on `day` when given): mg for this patient when known, else protocol units."""
    _ = words(lang)
    lines = []
    if plan.dosing is not None:
        for d in plan.dosing.doses:
            if d.step != e.step.id or (day is not None and day not in d.days):
                continue
            unit = f"{d.dose:g} {d.unit}"
            if d.standby:
                note = f" — {d.note}" if d.note else ""
                text = _("{agent} on site: {mg} mg ({unit}){note}")
                lines.append(
                    DoseText(
                        text.format(agent=d.agent, mg=f"{d.amount_mg:g}", unit=unit, note=note),
                        True,
                    )
                )
            elif d.premedication:
                text = _("premedication {agent}: {mg} mg ({unit})")
                lines.append(
                    DoseText(
                        text.format(agent=d.agent, mg=f"{d.amount_mg:g}", unit=unit), False, True
                    )
                )
            else:
                lines.append(DoseText(f"{d.agent}: {d.amount_mg:g} mg ({unit})", False))
    else:
        premedication = {id(r) for r in e.step.premedication}
        for r in (*e.step.regimen, *e.step.premedication):
            if day is not None and day not in r.days:
                continue
            extra = [
                _("{dose} {unit} below {kg} kg").format(
                    dose=f"{w.dose:g}", unit=r.unit, kg=f"{w.below_kg:g}"
                )
                for w in r.weight
            ]
            if r.max_mg is not None:
                extra.append(_("max {mg} mg").format(mg=f"{r.max_mg:g}"))
            unit = f"{r.dose:g} {r.unit}" + (f" ({'; '.join(extra)})" if extra else "")
            if r.standby:
                note = f" — {r.note}" if r.note else ""
                text = _("{agent} on site: {dose}{note}")
                lines.append(DoseText(text.format(agent=r.agent, dose=unit, note=note), True))
            elif id(r) in premedication:
                text = _("premedication {agent}: {dose}")
                lines.append(DoseText(text.format(agent=r.agent, dose=unit), False, True))
            else:
                lines.append(DoseText(f"{r.agent}: {unit}", False))
    return lines
