"""Pure scheduling: protocol + parameters + anchor date + working-day calendar -> Plan.

No file I/O, no printing, no clock: "today" and the calendar are parameters.

A protocol is a small temporal network (network.py). Every step has a start and an end day; a
step starts at a target relative to another step's start or end (or to D0), may move inside its
window by its working-day rule (candidates.py), and every constraint "B is min..max days after
A" must hold. The search (search.py) places steps in dependency order, preferring each step's
target, and backtracks when a later step or constraint cannot be met. When nothing fits, the
plan is refused with the constraint, the step and the number of days missing (explain.py)
instead of bending it.

Pins fix a step's first day (a recorded date, a decided day); a drug's washout puts a floor
under apheresis; planning backward pins D0. All three are bounds on a step's candidate days
(candidates.Bound), handled by one mechanism.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from cartplan.errors import ContraindicatedError, InfeasiblePlanError, InputError
from cartplan.messages import Message, Text, msg
from cartplan.protocol.format import Protocol, Stage, Step
from cartplan.protocol.graph import DAY0, bind_parameters
from cartplan.schedule import explain
from cartplan.schedule.candidates import Bound, Days, days_of, floor, pin
from cartplan.schedule.network import Network, compiled
from cartplan.schedule.plan import Event, MondayToFriday, Plan, WorkCalendar
from cartplan.schedule.search import (
    SEARCH_LIMIT,
    WORK_LIMIT,
    Move,
    Search,
    WorkLimit,
    implied_days,
)

if TYPE_CHECKING:
    from cartplan.patient.model import Patient
    from cartplan.patient.washout import Washout
    from cartplan.patient.washout_table import WashoutTable

_BACKWARD_HORIZON = 730  # days before the infusion searched for a plan start
_BACKWARD_SLACK = 21  # days later than the usual lead where the exhaustive backward search begins
_MONDAY_TO_FRIDAY = MondayToFriday()
_START = itemgetter(1)  # an event's first day


class _Problem(NamedTuple):
    """What one schedule() call solves: the network, its calendar, and the bounds on steps."""

    net: Network
    days: Days
    bounds: dict[int, Bound]  # start node -> pin or floor
    pins: dict[str, date]  # as the caller gave them, for the words
    meds: Washout | None
    actual: bool = False  # the pins are recorded days: they hold outside windows too


class _NoStart(Exception):
    """No plan start puts D0 on the asked day (the words are found only when reported)."""


def schedule(
    protocol: Protocol,
    *,
    start: date | None = None,
    infusion: date | None = None,
    overrides: Mapping[str, int] | None = None,
    calendar: WorkCalendar | None = None,
    today: date | None = None,
    patient: Patient | None = None,
    washout: WashoutTable | None = None,
    times: Mapping[str, str] | None = None,
    durations: Mapping[str, int] | None = None,
    pins: Mapping[str, date] | None = None,
    actual: bool = False,
) -> Plan:
    """Plan forward from the first washout day (`start`) or backward from a target D0 (`infusion`).

    Backward planning returns the latest start whose plan puts the infusion on that day. With a
    patient, the medication history sets the earliest apheresis (EBMT intervals from `washout`),
    selects conditional steps, and the plan carries the patient's doses and age rules. `pins`
    fix steps' first days (step id -> date): the plan keeps them or is refused, naming the pin,
    and every step placed after a pinned one follows it. With `actual`, the pins are days that
    happened (recorded facts): they hold outside a step's window and on closed days alike; only
    the constraints between steps still judge them.
    """
    c = compiled(protocol)
    values = bind_parameters(protocol, overrides) if overrides else c.defaults
    for what, given in (("time", times), ("duration", durations)):
        for sid in given or {}:
            if sid not in c.step_ids:
                raise InputError(
                    msg(
                        "set.unknown_step",
                        protocol=protocol.id,
                        step=sid,
                        what=what,
                        steps=list(c.step_ids),
                    )
                )
    facts: frozenset[str] = frozenset()
    meds = None
    if patient is not None:
        facts = patient.facts()
    if patient is not None and washout is not None:
        from cartplan.patient.washout import washout_from_medications

        policy = protocol.washout
        anchor = policy.anchor if policy is not None else None
        # A last dose after the start is an error only where the plan starts with the washout;
        # elsewhere (rese-cel, mRNA CAR-T) the drugs continue through the collection.
        meds = washout_from_medications(
            washout, patient, start if protocol.washout_starts_plan else None, policy, anchor
        )
        facts |= meds.facts
    net = c.network(facts, values)
    cal = calendar or _MONDAY_TO_FRIDAY
    problem = _Problem(net, days_of(cal), {}, dict(pins or {}), meds, actual)
    _bound_steps(problem, protocol)
    if infusion is not None and start is None:
        try:
            at, moves, first = _backward(problem, infusion)
        except _NoStart:
            raise _explain_backward(problem, infusion) from None
        start = date.fromordinal(first)
    elif start is not None and infusion is None:
        at, moves = _forward(problem, start)
    else:
        raise InputError(msg("plan.one_anchor"))
    return _plan(
        problem, protocol, values, facts, start, at, moves, cal, today, patient, times, durations
    )


def _bound_steps(problem: _Problem, protocol: Protocol) -> None:
    """Pins and the medication floor as bounds on start nodes."""
    net, bounds = problem.net, problem.bounds
    for sid, day in problem.pins.items():
        if sid not in net.start_node:
            steps = [s.id for s in net.protocol.steps]
            raise InputError(msg("pin.unknown_step", protocol=protocol.id, step=sid, steps=steps))
        bounds[net.start_node[sid]] = pin(day, "actual" if problem.actual else "pin")
    meds = problem.meds
    collect = washout_anchor(net.protocol)
    if meds is None or meds.earliest_apheresis is None or collect not in net.start_node:
        return
    earliest = meds.earliest_apheresis
    fixed = _fixed_before_day0(net, collect)
    if fixed is not None:  # an anchor at a fixed day of D0 (LD at D-5): the floor holds D0
        collect, earliest = net.order[net.day0][0], earliest + timedelta(days=-fixed)
    i = net.start_node[collect]
    drug = floor(earliest, meds.reason)
    pinned = bounds.get(i)
    if pinned is None:
        bounds[i] = drug
    elif pinned.lo < drug.lo:
        raise InfeasiblePlanError(
            msg(
                "pin.breaks",
                step=collect,
                day=date.fromordinal(pinned.lo),
                problem=msg("pin.before_floor", reason=meds.reason, floor=earliest),
            )
        )


def _fixed_before_day0(net: Network, sid: str) -> int | None:
    """The day of `sid` relative to D0 when the step sits there without a window (placed after
    day0, no months): a medication floor on it is a floor on D0. None otherwise."""
    s = net.protocol.step(sid)
    pl = s.placement
    if s.day0 or pl.after != DAY0 or pl.offset_months or net.v(pl.early) or net.v(pl.late):
        return None
    return net.v(pl.offset)


def washout_anchor(protocol: Protocol) -> str | None:
    """The step a medication washout counts back from: the protocol's washout anchor, else the
    (first) apheresis; None when there is neither."""
    if protocol.washout is not None and protocol.washout.anchor is not None:
        return protocol.washout.anchor
    return next((s.id for s in protocol.steps if s.stage is Stage.apheresis), None)


def _forward(problem: _Problem, start: date) -> tuple[list[int], list[Move]]:
    search = Search(problem.net, problem.days, problem.bounds)
    try:
        at = search.solve(start.toordinal())
    except WorkLimit as e:
        raise InfeasiblePlanError(
            explain.limit("plan.work_limit", WORK_LIMIT, problem.net, problem.days, e.failure)
        ) from None
    if at is None:
        if search.limited:
            raise InfeasiblePlanError(
                explain.limit(
                    "plan.search_limit", SEARCH_LIMIT, problem.net, problem.days, search.best
                )
            )
        raise InfeasiblePlanError(
            explain.failure(problem.net, problem.days, search.best, problem.pins)
        )
    return at, search.moves


def _backward(problem: _Problem, infusion: date) -> tuple[list[int], list[Move], int]:
    """The latest plan start whose plan puts D0 on `infusion`.

    The pins (with D0's) bound every day through windows, fixed lengths and constraints
    (search.implied_days), which bounds the plan start too: only starts inside that range are
    solved, latest first, each search skipping candidates no plan can have. A medication floor
    that makes the day impossible is found without solving at all.
    """
    net, days = problem.net, problem.days
    i0 = net.day0
    d0 = infusion.toordinal()
    if net.workday[i0] and (reason := days.closed(d0)) is not None:
        raise InfeasiblePlanError(msg("infusion.not_working_day", day=infusion, reason=reason))
    given = problem.bounds.get(i0)
    if given is not None and given.kind == "floor":  # a washout anchored at D0 (or LD)
        if d0 < given.lo:
            raise InfeasiblePlanError(
                msg(
                    "pin.breaks",
                    step=net.order[i0][0],
                    day=infusion,
                    problem=msg(
                        "pin.before_floor", reason=given.why, floor=date.fromordinal(given.lo)
                    ),
                )
            )
    elif given is not None and given.lo != d0:
        raise InputError(
            msg(
                "pin.other_infusion",
                step=net.order[i0][0],
                pinned=date.fromordinal(given.lo),
                day=infusion,
            )
        )
    bounds = _strict(problem.bounds)
    bounds[i0] = pin(infusion, "infusion", strict=True)
    implied = implied_days(net, bounds)
    if implied is None:
        raise _NoStart
    latest = min(d0, implied[1][-1])
    earliest = max(d0 - _BACKWARD_HORIZON, implied[0][-1])
    search = Search(net, days, bounds, implied)
    try:
        for first in range(int(latest), int(earliest) - 1, -1):
            at = search.solve(first)
            if at is None:
                continue
            if search.pruned_note:  # a note may name what pruning skipped: solve in full
                search = Search(net, days, bounds)
                at = search.solve(first)
                assert at is not None  # noqa: S101 - pruning only skips what cannot be
            return at, search.moves, first
    except WorkLimit as e:
        raise InfeasiblePlanError(
            explain.limit("plan.work_limit", WORK_LIMIT, net, days, e.failure)
        ) from None
    raise _NoStart


def _strict(bounds: Mapping[int, Bound]) -> dict[int, Bound]:
    """The bounds of a backward search: the search chooses the start, so a pin must not sit
    where the step's rule would not put it (it would shorten a washout just to start later)."""
    return {i: b._replace(strict=True) if b.lo == b.hi else b for i, b in bounds.items()}


def _explain_backward(problem: _Problem, infusion: date) -> InfeasiblePlanError:
    """Why no plan puts D0 on `infusion`. When a drug's washout is the cause: by how many days,
    and which infusion day works instead. Otherwise the best failure over the start days a plan
    could have begun on (every start solved in full: this runs only when reporting)."""
    meds = problem.meds
    floors = {i: b for i, b in problem.bounds.items() if b.follow}
    if meds is not None and meds.earliest_apheresis is not None and floors:
        without = problem._replace(bounds={i: b for i, b in problem.bounds.items() if not b.follow})
        try:
            at, _, _ = _backward(without, infusion)
        except (_NoStart, InfeasiblePlanError):
            pass  # impossible even without the drug: the drug is not the cause
        else:
            i, drug = next(iter(floors.items()))
            planned = at[i]
            common = {
                "day": infusion,
                "reason": meds.reason,
                "step": problem.net.order[i][0],
                "floor": date.fromordinal(drug.lo),
                "planned": date.fromordinal(planned),
                "short": drug.lo - planned,
            }
            suggestion = _earliest_infusion(problem, infusion, drug.lo)
            if suggestion is None:
                return InfeasiblePlanError(msg("backward.drug", **common))
            return InfeasiblePlanError(
                msg("backward.drug_suggest", suggestion=suggestion, **common)
            )
    return InfeasiblePlanError(_search_back_in_full(problem, infusion))


def _earliest_infusion(problem: _Problem, infusion: date, first_day: int) -> date | None:
    """The first day after `infusion` that a backward plan reaches, found from a forward plan."""
    search = Search(problem.net, problem.days, problem.bounds)
    try:
        at = search.solve(first_day - _BACKWARD_SLACK * 2)
    except WorkLimit:
        return None
    if at is None:
        return None
    found = max(at[problem.net.day0], infusion.toordinal())
    day = found
    while (day := day - 1) > infusion.toordinal() and found - day <= 14:
        if problem.days.closed(day) is not None:
            continue  # the infusion needs a working day; keep walking back
        try:
            _backward(problem, date.fromordinal(day))
        except (_NoStart, InfeasiblePlanError):
            break
        found = day
    return date.fromordinal(found)


def _search_back_in_full(problem: _Problem, infusion: date) -> Message:
    """The best failure over every start day from a little later than the usual lead back to
    the horizon, each solved without pruning (so the failure is the one a person would find)."""
    net, days = problem.net, problem.days
    d0 = infusion.toordinal()
    bounds = _strict(problem.bounds)
    bounds[net.day0] = pin(infusion, "infusion", strict=True)
    search = Search(net, days, problem.bounds)
    first = 0
    try:
        probe = search.solve(d0)
        if probe is not None:
            first = max(0, probe[net.day0] - d0 - _BACKWARD_SLACK)
        work = search.work
        search = Search(net, days, bounds)
        search.work = work  # one budget for the probe and the scan
        best = None
        for back in range(first, _BACKWARD_HORIZON + 1):
            if search.solve(d0 - back) is not None:
                break  # cannot happen: the bounded search found no start
            f = search.best
            if f is not None and (
                best is None or f.depth > best.depth or (f.depth == best.depth and f.gap < best.gap)
            ):
                best = f
    except WorkLimit as e:
        return explain.limit("plan.work_limit", WORK_LIMIT, net, days, e.failure)
    reason: Text = (
        explain.failure(net, days, best, problem.pins) if best else msg("backward.no_start")
    )
    return msg("backward.infeasible", day=infusion, reason=reason)


def _plan(
    problem: _Problem,
    protocol: Protocol,
    values: Mapping[str, int],
    facts: frozenset[str],
    start: date,
    at: list[int],
    moves: list[Move],
    calendar: WorkCalendar,
    today: date | None,
    patient: Patient | None,
    times: Mapping[str, str] | None,
    durations: Mapping[str, int] | None,
) -> Plan:
    net, meds = problem.net, problem.meds
    d0 = at[net.day0]
    day0 = date.fromordinal(d0)
    age = patient.age_on(day0) if patient is not None else None
    adult = net.protocol.min_age
    if adult is not None and age is not None and age < adult:
        raise ContraindicatedError(
            msg("plan.below_min_age", protocol=net.protocol.id, min_age=adult, age=age)
        )
    steps = net.protocol.steps
    kept = steps
    if age is not None and net.age_limited:
        kept = [s for s in steps if s.min_age is None or age >= s.min_age]
    notes: dict[str, list[Text]] = {}
    warnings: list[Text] = [protocol.warning] if protocol.warning else []
    if adult is not None and age is None:
        warnings.append(msg("plan.for_min_age", protocol=net.protocol.id, min_age=adult))
    for move in moves:
        sid = net.order[move.node][0]
        note = explain.note(net, problem.days, problem.bounds.get(move.node), move)
        if note is not None:
            notes[sid] = [note]
            if move.outside is not None:
                warnings.append(msg("plan.step_outside_window", step=sid, note=note))
    if meds is not None:
        _tasks(net, kept, at, meds, notes)
    fromordinal = date.fromordinal
    new = tuple.__new__
    events: list[Event] = []
    for s, first_node, last_node in net.events:
        if kept is not steps and (s.min_age is not None and age is not None and age < s.min_age):
            continue
        first, last = at[first_node], at[last_node]
        sid = s.id
        events.append(
            new(  # Event(...) without its argument parsing: plans are made by the thousand
                Event,
                (
                    s,
                    fromordinal(first),
                    fromordinal(last),
                    first - d0,
                    last - d0,
                    tuple(notes[sid]) if sid in notes else (),
                    times.get(sid, s.time) if times else s.time,
                    durations.get(sid, s.minutes) if durations else s.minutes,
                ),
            )
        )
    events.sort(key=_START)
    floors = {i: b for i, b in problem.bounds.items() if b.follow}
    if floors:
        warnings += _extended_by_medication(net, at, floors)
    if meds is not None:
        warnings += meds.warnings
    if patient is not None:
        warnings += _daratumumab(patient, events)
    if today is not None and start < today:
        warnings.append(
            msg("plan.starts_before_today", start=start, days=(today - start).days, today=today)
        )
    plan_protocol = net.plan_protocol(tuple(s.id for s in kept) if kept is not steps else None)
    dosing = None
    if patient is not None and (patient.weight_kg, patient.height_cm) != (None, None):
        from cartplan.patient.dosing import patient_numbers

        dosing = patient_numbers(plan_protocol, patient, day0)
        warnings += dosing.warnings
    elif patient is not None:
        warnings.append(msg("dosing.not_computed"))
    return Plan(
        plan_protocol,
        dict(values),
        start,
        day0,
        tuple(events),
        tuple(warnings),
        patient,
        dosing,
        age,
        facts,
        calendar,
    )


def _tasks(
    net: Network, kept: list[Step], at: list[int], meds: Washout, notes: dict[str, list[Text]]
) -> None:
    """Tasks the medication history asks for (a taper), due before a stage's first day."""
    first_day: dict[Stage, int] = {}
    stage_step: dict[Stage, str] = {}
    for s in reversed(kept):
        first_day[s.stage] = at[net.start_node[s.id]]
        stage_step[s.stage] = s.id
    anchor = washout_anchor(net.protocol)
    kept_ids = {s.id for s in kept}
    anchor_stage = net.protocol.step(anchor).stage if anchor in kept_ids else None
    for task in meds.tasks:
        if task.before == "anchor":
            if anchor is None or anchor not in kept_ids:
                continue
            # said on the washout step (today's rule before the apheresis: only there); with a
            # protocol's own anchor, on the anchor when there is no washout step
            own = net.protocol.washout is not None and net.protocol.washout.anchor is not None
            where = stage_step.get(Stage.washout, anchor if own else "")
            if not where:
                continue
            by = date.fromordinal(at[net.start_node[anchor]] - task.days_before)
            notes.setdefault(where, []).append(msg("task.due", task=task.text, by=by))
            continue
        stage = Stage(task.before)
        if stage is anchor_stage and anchor_stage is not Stage.apheresis:
            continue  # the anchor's own check already holds on that day
        if stage in first_day and stage in stage_step:
            by = date.fromordinal(first_day[stage] - task.days_before)
            notes.setdefault(stage_step[stage], []).append(msg("task.due", task=task.text, by=by))


def _daratumumab(patient: Patient, events: list[Event]) -> list[Text]:
    """Daratumumab within 6 weeks before a new leukapheresis (EBMT): a warning."""
    collect = next((e for e in events if e.step.stage is Stage.apheresis), None)
    if collect is None or not patient.medications:
        return []
    from cartplan.patient.washout import daratumumab_before_apheresis

    flag = daratumumab_before_apheresis(patient, collect.start)
    return [flag] if flag is not None else []


def _extended_by_medication(net: Network, at: list[int], floors: Mapping[int, Bound]) -> list[Text]:
    """Say where a drug's washout carried a step past a protocol maximum, and why."""
    out: list[Text] = []
    for c in net.all_checks:
        drug = floors.get(c.then_start)
        if not c.extends or c.hi is None or drug is None:
            continue
        gap = at[c.then] - at[c.first]
        if gap > c.hi:
            k = c.constraint
            out.append(
                msg(
                    "plan.extended_by_medication",
                    constraint=k.id,
                    then=k.then.step,
                    gap=gap,
                    first=k.first.step,
                    first_edge=k.first.edge,
                    max=c.hi,
                    reason=drug.why,
                )
            )
    return out
