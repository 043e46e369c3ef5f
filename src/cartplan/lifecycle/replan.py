"""Record a fact, re-plan what follows with every recorded day as a fixed pin, say what changed.

Pure: the caller passes the stored plan, its step states, the protocol it was made from, the
day of recording, and `solve(protocol, pins)`, which plans the same request again with the given
steps' first days fixed (cartplan.schedule.planner.schedule with `pins`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import NamedTuple

from cartplan.errors import InputError
from cartplan.lifecycle.changes import Change, diff
from cartplan.lifecycle.states import DATED, PLANNED, Cascade, Fact, State, StepStatus
from cartplan.messages import Message, msg
from cartplan.protocol.format import Protocol, Rule
from cartplan.protocol.graph import downstream
from cartplan.schedule.plan import Event, Plan, WorkCalendar

Solve = Callable[[Protocol, Mapping[str, date]], Plan]


class Outcome(NamedTuple):
    """A new revision: its plan, its step states, what changed, and what the team must know."""

    plan: Plan
    states: dict[str, State]
    changes: tuple[Change, ...]
    notices: tuple[Message, ...] = ()


def check_fact(plan: Plan, states: Mapping[str, State], fact: Fact, today: date | None) -> None:
    """InputError (as a message code) for a fact that cannot be recorded on this plan."""
    steps = [e.step.id for e in plan.events]
    if fact.step not in steps:
        raise InputError(msg("fact.unknown_step", step=fact.step, steps=steps))
    if not fact.reason.strip():
        raise InputError(msg("fact.needs_reason", step=fact.step))
    if fact.status in DATED and fact.on is None:
        raise InputError(msg("fact.needs_date", step=fact.step, status=fact.status.value))
    if fact.status not in DATED and fact.on is not None:
        raise InputError(msg("fact.no_date", step=fact.step, status=fact.status.value))
    if fact.status is StepStatus.planned:
        raise InputError(msg("fact.planned", step=fact.step))
    happened = fact.status in (StepStatus.done, StepStatus.failed)
    if happened and today is not None and fact.on is not None and fact.on > today:
        raise InputError(
            msg("fact.in_future", step=fact.step, status=fact.status.value, on=fact.on, today=today)
        )
    current = states.get(fact.step, PLANNED)
    if current.status is StepStatus.cancelled:
        raise InputError(msg("fact.cancelled", step=fact.step))
    event = next(e for e in plan.events if e.step.id == fact.step)
    same_day = fact.on is None or fact.on == (current.actual or event.start)
    if current.status is fact.status and same_day:
        raise InputError(msg("fact.no_change", step=fact.step, status=fact.status.value))


def fact_why(fact: Fact) -> Message:
    if fact.status is StepStatus.cancelled:
        return msg("change.cancelled", step=fact.step, reason=fact.reason)
    if fact.status is StepStatus.deferred:
        return msg("change.deferred", step=fact.step, on=fact.on, reason=fact.reason)
    return msg(
        "change.happened", step=fact.step, status=fact.status.value, on=fact.on, reason=fact.reason
    )


def record(
    protocol: Protocol,
    plan: Plan,
    states: Mapping[str, State],
    fact: Fact,
    *,
    cascade: Cascade,
    today: date | None,
    calendar: WorkCalendar,
    solve: Solve,
) -> Outcome:
    """The revision after `fact`: with cascade, the steps that follow from it (and have not
    begun by `today`) are planned again, every recorded day and every other step fixed where it
    is; a failed step with a protocol path repeats from the step the path names. InputError for
    a fact that cannot be, InfeasiblePlanError (from `solve`) for one that leaves no plan."""
    check_fact(plan, states, fact, today)
    sid = fact.step
    new_states = dict(states)
    actual = fact.on if fact.status in (StepStatus.done, StepStatus.failed) else None
    new_states[sid] = State(fact.status, actual, fact.reason)
    why = {sid: fact_why(fact)}
    step = next(e.step for e in plan.events if e.step.id == sid)
    if fact.status is StepStatus.failed:
        path = step.on_failure
        if path is None:
            notice = msg("failure.no_path", protocol=protocol.id, step=sid)
            new_plan = _moved(plan, sid, fact.on)
            changes = diff(plan, states, new_plan, new_states, why, why[sid])
            return Outcome(new_plan, new_states, changes, (notice,))
        if cascade is Cascade.downstream:
            return _repeat(protocol, plan, states, new_states, fact, calendar, solve, why)
    if cascade is Cascade.none:
        new_plan = _moved(plan, sid, fact.on)
        return Outcome(
            new_plan, new_states, diff(plan, states, new_plan, new_states, why, why[sid])
        )
    follows = downstream(protocol, sid)
    pins: dict[str, date] = {}
    for e in plan.events:
        other = e.step.id
        st = new_states.get(other, PLANNED)
        if other == sid:
            pins[other] = fact.on if fact.on is not None else e.start
        elif st.status in DATED or st.status is StepStatus.cancelled:
            pins[other] = st.actual or e.start
        elif other not in follows:
            pins[other] = e.start
        elif today is not None and e.start < today:
            pins[other] = e.start  # already begun: a later fact does not move it back in time
    new_plan = _settled(plan, solve(protocol, _known(protocol, pins)), new_states, today)
    default = msg("change.follows", step=sid, status=fact.status.value, on=fact.on)
    return Outcome(new_plan, new_states, diff(plan, states, new_plan, new_states, why, default))


def _repeat(
    protocol: Protocol,
    plan: Plan,
    states: Mapping[str, State],
    new_states: dict[str, State],
    fact: Fact,
    calendar: WorkCalendar,
    solve: Solve,
    why: dict[str, Message],
) -> Outcome:
    """The protocol's path after a failure: repeat from an earlier step (e.g. a new apheresis
    after a failed manufacturing), no earlier than `after` days past the failure day."""
    from cartplan.protocol.graph import resolve

    step = protocol.step(fact.step)
    path = step.on_failure
    assert path is not None and fact.on is not None  # noqa: S101 - checked by the caller
    back = path.repeat_from
    again = {back} | downstream(protocol, back)
    floor = fact.on + timedelta(days=resolve(protocol, plan.parameters, path.after))
    first = protocol.step(back)
    if first.placement.rule is not Rule.calendar:
        for _ in range(366):
            if calendar.closed(floor) is None:
                break
            floor += timedelta(days=1)
    for sid in again:  # facts on repeated steps belong to the first round (history keeps them)
        new_states.pop(sid, None)
    pins = {e.step.id: e.start for e in plan.events if e.step.id not in again}
    for e in plan.events:
        st = new_states.get(e.step.id, PLANNED)
        if e.step.id not in again and st.actual is not None:
            pins[e.step.id] = st.actual
    pins[back] = floor
    # Constraints from steps that are not repeated to repeated ones held for the first round
    # (the washout before the first collection): the repeat is not held to them again.
    relaxed = protocol.model_copy(
        update={
            "constraints": [
                c
                for c in protocol.constraints
                if not (c.first.step not in again and c.then.step in again)
            ]
        }
    )
    new_plan = solve(relaxed, _known(protocol, pins))
    reason = msg(
        "change.repeat",
        step=fact.step,
        on=fact.on,
        repeat_from=back,
        floor=floor,
        reason=fact.reason,
    )
    why = {sid: reason for sid in again} | {fact.step: reason}
    notice = msg("failure.path", step=fact.step, repeat_from=back, floor=floor, note=path.note)
    changes = diff(plan, states, new_plan, new_states, why, reason)
    return Outcome(new_plan, new_states, changes, (notice,))


def migrate(
    old_protocol: Protocol,
    new_protocol: Protocol,
    plan: Plan,
    states: Mapping[str, State],
    *,
    today: date | None,
    solve: Solve,
) -> Outcome:
    """The plan on a new version of its protocol: recorded facts and cancellations of steps that
    still exist are kept (their days fixed), steps already begun stay where they are, the rest
    is planned again; steps the new version dropped leave the plan."""
    known = {s.id for s in new_protocol.steps}
    pins: dict[str, date] = {}
    new_states: dict[str, State] = {}
    for e in plan.events:
        sid = e.step.id
        if sid not in known:
            continue
        st = states.get(sid, PLANNED)
        if st.status is not StepStatus.planned:
            new_states[sid] = st
            pins[sid] = st.actual or e.start
        elif today is not None and e.start < today:
            pins[sid] = e.start
    new_plan = solve(new_protocol, pins)
    kept = {e.step.id for e in new_plan.events}
    new_states = {k: v for k, v in new_states.items() if k in kept}
    pid, old, new = new_protocol.id, old_protocol.version, new_protocol.version
    why: dict[str, Message] = {}
    old_ids = {e.step.id for e in plan.events}
    for sid in kept - old_ids:
        why[sid] = msg("change.joined", protocol=pid, old=old, new=new)
    for sid in old_ids - kept:
        why[sid] = msg("change.left", protocol=pid, old=old, new=new)
    default = msg("change.migrated", protocol=pid, old=old, new=new)
    return Outcome(new_plan, new_states, diff(plan, states, new_plan, new_states, why, default))


def _settled(old: Plan, new: Plan, states: Mapping[str, State], today: date | None) -> Plan:
    """What is history stays history: a step done or failed keeps its length from its recorded
    day, and a step that ended before today keeps its days, whatever the re-plan computed for
    ends that follow later steps (a lymphodepletion given before a deferred infusion)."""
    before = {e.step.id: e for e in old.events}
    events = []
    for e in new.events:
        was = before.get(e.step.id)
        st = states.get(e.step.id, PLANNED)
        if was is not None and st.actual is not None:
            e = e._replace(start=st.actual, end=st.actual + (was.end - was.start))
        elif was is not None and today is not None and was.end < today and was.start == e.start:
            e = e._replace(end=was.end)
        events.append(e)
    return renumbered(new, events)


def _known(protocol: Protocol, pins: Mapping[str, date]) -> dict[str, date]:
    ids = {s.id for s in protocol.steps}
    return {k: v for k, v in pins.items() if k in ids}


def _moved(plan: Plan, sid: str, on: date | None) -> Plan:
    """The plan with only `sid` on its recorded day (its length kept); nothing else moves."""
    if on is None:
        return plan
    events = []
    for e in plan.events:
        if e.step.id == sid:
            e = e._replace(start=on, end=on + (e.end - e.start))
        events.append(e)
    return renumbered(plan, events)


def renumbered(plan: Plan, events: list[Event]) -> Plan:
    """The plan with `events`, D-days counted from the infusion event, in date order."""
    infusion = next((e for e in events if e.step.day0), None)
    day0 = infusion.start if infusion is not None else plan.day0
    out = sorted(
        (e._replace(day=(e.start - day0).days, day_end=(e.end - day0).days) for e in events),
        key=lambda e: e.start,
    )
    return plan._replace(events=tuple(out), day0=day0)
