"""Change sets: what moved between two revisions of a plan, from where to where, and why."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from cartplan.lifecycle.states import PLANNED, State, StepStatus
from cartplan.messages import Message
from cartplan.schedule.plan import Plan


class Slot(NamedTuple):
    """A step's place in one revision."""

    start: date
    end: date
    status: StepStatus


class Change(NamedTuple):
    """One step's change: `old` None for a step that joined the plan, `new` None for one that
    left it."""

    step: str
    title: str
    old: Slot | None
    new: Slot | None
    why: Message


def slots(plan: Plan, states: Mapping[str, State]) -> dict[str, Slot]:
    return {
        e.step.id: Slot(e.start, e.end, states.get(e.step.id, PLANNED).status) for e in plan.events
    }


def diff(
    old: Plan,
    old_states: Mapping[str, State],
    new: Plan,
    new_states: Mapping[str, State],
    why: Mapping[str, Message],
    default_why: Message,
) -> tuple[Change, ...]:
    """Every step whose dates or status differ, in the new plan's order (then the ones that
    left); `why` gives a step's own reason, `default_why` the rest's."""
    before, after = slots(old, old_states), slots(new, new_states)
    titles = {e.step.id: e.step.title for e in (*old.events, *new.events)}
    out = []
    for sid in [*after, *(s for s in before if s not in after)]:
        a, b = before.get(sid), after.get(sid)
        if a == b:
            continue
        out.append(Change(sid, titles[sid], a, b, why.get(sid, default_why)))
    return tuple(out)
