"""Pure scheduling: protocol + parameters + anchor date + working-day calendar -> Plan.

No file I/O, no printing, no clock: "today" and the calendar are parameters.

A protocol is a small temporal network. Every step has a start and an end day; a step starts at a
target relative to another step's start or end (or to D0), may move inside its window by its
working-day rule, and every constraint "B is min..max days after A" must hold. The solver places
steps in dependency order, preferring each step's target, and backtracks when a later step or
constraint cannot be met. When nothing fits it reports the constraint, the step and the number of
days missing instead of bending the plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from cartplan.dates import add_months, fmt, plural
from cartplan.errors import InfeasiblePlanError, InputError
from cartplan.protocol.format import Constraint, Protocol, Rule, Stage, Step, Value
from cartplan.protocol.graph import (
    DAY0,
    Node,
    bind_parameters,
    dependency_order,
    node_deps,
    resolve,
)
from cartplan.schedule.plan import Event, MondayToFriday, Plan, WorkCalendar

if TYPE_CHECKING:
    from cartplan.patient.model import Patient
    from cartplan.patient.washout import Washout
    from cartplan.patient.washout_table import WashoutTable

OUTSIDE_WINDOW = "no working day in its window"
_SEARCH_LIMIT = 200_000  # candidate placements tried before giving up on a plan
_WORK_LIMIT = 400_000  # candidate days looked at in one schedule() call, all searches together
_BACKWARD_HORIZON = 730  # days before the infusion searched for a plan start
_BACKWARD_SLACK = 21  # days later than the usual lead where the backward search begins


class _GaveUp(InfeasiblePlanError):
    """The search looked at more candidate days than _WORK_LIMIT: no more attempts help."""


class _Failure(NamedTuple):
    depth: int
    message: str
    gap: int = 0  # days a pinned infusion misses its window by; smaller is the better explanation


class _Solver:
    """Depth-first placement with conflict-directed backjumping.

    When a step cannot be placed, the search jumps straight back to the latest step that its
    failure depends on (its anchor, the other day of a violated constraint) instead of trying
    every alternative of unrelated steps in between: plans with a real conflict fail fast.
    """

    def __init__(
        self,
        protocol: Protocol,
        values: Mapping[str, int],
        calendar: WorkCalendar,
        order: list[Node],
        not_before: Mapping[str, tuple[date, str]] | None = None,
        pins: Mapping[str, date] | None = None,
    ) -> None:
        self.p = protocol
        self.not_before = dict(not_before or {})
        self.pins = dict(pins or {})
        self.values = values
        self.calendar = calendar
        self.order = order
        self.pos = {n: i for i, n in enumerate(order)}
        self.work = 0  # candidate days looked at, over every solve() of this solver
        self.day0 = protocol.day0_step.id
        self.steps = {s.id: s for s in protocol.steps}
        self.parents = [{self.pos[d] for d in node_deps(protocol, n)} for n in order]
        # Each constraint is checked as soon as both of its days are placed.
        self.checks: dict[int, list[Constraint]] = {}
        for c in protocol.constraints:
            at = max(self.pos[(c.first.step, c.first.edge)], self.pos[(c.then.step, c.then.edge)])
            self.checks.setdefault(at, []).append(c)

    def v(self, value: Value) -> int:
        return resolve(self.p, self.values, value)

    def solve(
        self, start: date, pinned_day0: date | None
    ) -> tuple[dict[Node, date], dict[str, str]]:
        self.start = start
        self.pinned = pinned_day0
        self.at: dict[Node, date] = {}
        self.moved: dict[str, str] = {}
        self.failure: _Failure | None = None
        self.last_problem: str | None = None
        self.tried = 0
        if self._place(0) is not None:
            raise InfeasiblePlanError(self.failure.message if self.failure else "no plan found")
        return dict(self.at), dict(self.moved)

    def _fail(self, depth: int, message: str, gap: int = 0) -> None:
        self.last_problem = message
        if self.failure is None or (depth, -gap) > (self.failure.depth, -self.failure.gap):
            self.failure = _Failure(depth, message, gap)

    def _place(self, i: int) -> set[int] | None:
        """Place nodes i.. ; None on success, else the earlier nodes the failure depends on."""
        if i == len(self.order):
            return None
        node = self.order[i]
        sid, edge = node
        conflict = set(self.parents[i])
        target_problem: str | None = None
        preferred_passed = False
        preferred_problem: str | None = None
        candidates = self._starts(i, sid) if edge == "start" else self._end(i, sid)
        for day, why_target_skipped, fallback in candidates:
            if fallback and preferred_passed:
                break  # a later failure is not the step's own: never shorten its interval
            self.tried += 1
            if self.tried > _SEARCH_LIMIT:
                raise InfeasiblePlanError(
                    f"no plan found within {_SEARCH_LIMIT} placements; last problem: "
                    + (self.failure.message if self.failure else "none")
                )
            self.at[node] = day
            self.last_problem = None
            violated = self._check(i)
            if violated is None:
                preferred_passed |= not fallback
                below = self._place(i + 1)
                if below is None:
                    if fallback and preferred_problem:
                        self.moved[sid] = f"{why_target_skipped}; later days: {preferred_problem}"
                    elif why_target_skipped:
                        self.moved[sid] = why_target_skipped
                    elif target_problem:
                        self.moved[sid] = f"moved from {fmt(self._target(sid))}: {target_problem}"
                    return None
                if i not in below:  # another day for this node cannot help: jump back
                    self.at.pop(node, None)
                    return below
                conflict |= below
            else:
                problem, others = violated
                if sid in self.pins:
                    problem = f"{sid} is fixed on {fmt(day)}: {problem}"
                self._fail(i, problem)
                conflict |= others
                if not fallback and preferred_problem is None:
                    preferred_problem = problem
            if edge == "start" and target_problem is None and why_target_skipped is None:
                target_problem = self.last_problem
        self.at.pop(node, None)
        conflict.discard(i)
        return conflict

    def _anchor(self, s: Step) -> date:
        after = s.placement.after
        if after is None:
            return self.start
        if after == DAY0:
            return self.at[(self.day0, "start")]
        return self.at[(after, s.placement.edge)]

    def _target(self, sid: str) -> date:
        s = self.steps[sid]
        base = add_months(self._anchor(s), s.placement.offset_months)
        return base + timedelta(days=self.v(s.placement.offset))

    def _describe_anchor(self, s: Step) -> str:
        after = s.placement.after
        if after is None:
            return "the plan start"
        if after == DAY0:
            return "D0"
        return f"{after} {s.placement.edge}"

    def _starts(self, i: int, sid: str) -> Iterator[tuple[date, str | None, bool]]:
        """Candidate first days in preference order: (day, note if not the target, fallback).

        A fallback day lies in the window on the side the rule does not prefer (earlier for
        `next`); `_place` tries it only when no preferred day passed the step's own checks, so
        a long holiday cannot push a step past a constraint, while a plan that fails further
        downstream never shortens a step's interval to make room.
        """
        s = self.steps[sid]
        pl = s.placement
        if sid in self.pins:  # a recorded or fixed day: the only candidate, whatever the window
            self.work += 1
            yield self.pins[sid], None, False
            return
        target = self._target(sid)
        self.work += 1  # even a step with no candidate day costs its target
        early, late = self.v(pl.early), self.v(pl.late)
        lo, hi = target - timedelta(days=early), target + timedelta(days=late)
        needs_workday = pl.rule is not Rule.calendar
        target_closed = self.calendar.closed(target) if needs_workday else None
        note = f"moved from {fmt(target)}: {target_closed}" if target_closed else None
        found = False
        floor, floor_reason = self.not_before.get(sid, (None, ""))
        base = target
        if floor is not None and target < floor:
            note = f"moved from {fmt(target)}: {floor_reason}"
            if floor > hi:  # a drug's washout outlasts the window: the window follows the drug
                base, early, lo, hi = floor, 0, floor, floor + timedelta(days=late)
        for off in _preference(pl.rule, early, late):
            self.work += 1
            if self.work > _WORK_LIMIT:
                raise _GaveUp(
                    f"no plan found after looking at {_WORK_LIMIT} candidate days; last problem: "
                    + (self.failure.message if self.failure else "none")
                )
            day = base + timedelta(days=off)
            if needs_workday and self.calendar.closed(day):
                continue
            if floor is not None and day < floor:
                continue
            if self.pinned is not None and sid == self.day0 and day != self.pinned:
                continue
            found = True
            fallback = (pl.rule is Rule.next and off < 0) or (pl.rule is Rule.previous and off > 0)
            yield day, (note if day != target else None), fallback
        if found:
            return
        if self.pinned is not None and sid == self.day0:
            gap = max((lo - self.pinned).days, (self.pinned - hi).days, 0)
            self._fail(i, self._pinned_problem(s, self.pinned, lo, hi, needs_workday), gap)
            return
        nxt = _nearest_open(self.calendar, hi, +1)
        prv = _nearest_open(self.calendar, lo, -1)
        after, before = (nxt - hi).days, (lo - prv).days
        self.work += after + before  # the days looked at to find them
        window = (
            f"{fmt(lo)} to {fmt(hi)} (target {fmt(target)}, {_signed(self.v(pl.offset))} days "
            f"from {self._describe_anchor(s)}, window -{early}/+{late})"
        )
        if s.outside_window == "warn":
            day, by = (prv, before) if before < after else (nxt, after)
            yield (
                day,
                (
                    f"{OUTSIDE_WINDOW} {window}: {fmt(target)} is {target_closed}; "
                    f"placed {plural(by)} {'before' if day < lo else 'after'} the window"
                ),
                False,
            )
            return
        self._fail(
            i,
            f"{s.id}: no working day from {window}; the nearest working day is "
            f"{plural(min(after, before))} outside the window",
        )

    def _pinned_problem(self, s: Step, d: date, lo: date, hi: date, needs_workday: bool) -> str:
        anchor = f"{self._describe_anchor(s)} {_signed(self.v(s.placement.offset))} days"
        if d < lo:
            return (
                f"infusion {fmt(d)} is {plural((lo - d).days)} too early: {s.id} may start "
                f"{fmt(lo)}–{fmt(hi)} ({anchor})"
            )
        if d > hi:
            return (
                f"infusion {fmt(d)} is {plural((d - hi).days)} too late: {s.id} may start "
                f"{fmt(lo)}–{fmt(hi)} ({anchor})"
            )
        reason = self.calendar.closed(d) if needs_workday else None
        return f"infusion {fmt(d)} is not a working day ({reason})"

    def _end(self, i: int, sid: str) -> Iterator[tuple[date, str | None, bool]]:
        s = self.steps[sid]
        start = self.at[(sid, "start")]
        if s.ends_before is not None:
            end = self.at[(s.ends_before, "start")] - timedelta(days=1)
        elif s.end_day is not None:
            end = self.at[(self.day0, "start")] + timedelta(days=self.v(s.end_day))
        else:
            end = start + timedelta(days=(self.v(s.duration) if s.duration is not None else 1) - 1)
        if end < start:
            self._fail(i, f"{sid}: would end on {fmt(end)}, before it starts on {fmt(start)}")
            return
        yield end, None, False

    def _check(self, i: int) -> tuple[str, set[int]] | None:
        """The first constraint checked at node i that fails, with the nodes it involves."""
        for c in self.checks.get(i, ()):
            first, then = (c.first.step, c.first.edge), (c.then.step, c.then.edge)
            a, b = self.at[first], self.at[then]
            gap = (b - a).days
            lo = self.v(c.min) if c.min is not None else None
            hi = self.v(c.max) if c.max is not None else None
            floor, drug = self.not_before.get(c.then.step, (None, ""))
            if c.medication_extends and floor is not None and hi is not None:
                # The drug decides: its interval may carry `then` past the protocol maximum.
                late = self.v(self.steps[c.then.step].placement.late)
                hi = max(hi, (floor - a).days + late)
                if c.hard_max is not None and hi > (hard := self.v(c.hard_max)):
                    hi = hard
                    if gap > hi:
                        return (
                            f"constraint {c.id} ({c.description}): {drug}; that needs "
                            f"{c.then.step} {plural(gap)} after {c.first.step} "
                            f"{c.first.edge}, beyond the protocol's hard limit of {hard} — "
                            f"{plural(gap - hard)} over",
                            {self.pos[first], self.pos[then]},
                        )
            where = (
                f"{c.then.step} {c.then.edge} {fmt(b)} is {plural(gap)} after {c.first.step} "
                f"{c.first.edge} {fmt(a)}"
            )
            nodes = {self.pos[first], self.pos[then]}
            if lo is not None and gap < lo:
                return (
                    f"constraint {c.id} ({c.description}): {where}; needs at least {lo} "
                    f"— {plural(lo - gap)} short",
                    nodes,
                )
            if hi is not None and gap > hi:
                cause = f"; {drug}" if floor is not None else ""
                return (
                    f"constraint {c.id} ({c.description}): {where}; allows at most {hi} "
                    f"— {plural(gap - hi)} over{cause}",
                    nodes,
                )
        return None


def _signed(n: int) -> str:
    return f"+{n}" if n >= 0 else f"−{-n}"


def _preference(rule: Rule, early: int, late: int) -> Iterator[int]:
    """Offsets from the target inside the window, in the order the rule prefers them (made one
    at a time: a wide window costs only the days actually looked at)."""
    if rule is Rule.previous:
        yield from range(0, -early - 1, -1)
        yield from range(1, late + 1)
    elif rule is Rule.nearest:
        yield 0
        for k in range(1, max(early, late) + 1):
            if k <= early:
                yield -k
            if k <= late:
                yield k
    else:  # next and calendar: target, then later, then earlier
        yield from range(0, late + 1)
        yield from range(-1, -early - 1, -1)


def _nearest_open(calendar: WorkCalendar, day: date, step: int) -> date:
    first, reasons = day, list[str]()
    for _ in range(366):
        day += timedelta(days=step)
        reason = calendar.closed(day)
        if reason is None:
            return day
        if reason not in reasons and len(reasons) < 3:
            reasons.append(reason)
    raise InfeasiblePlanError(
        f"no working day within a year {'after' if step > 0 else 'before'} {fmt(first)}: "
        f"every day is closed ({'; '.join(reasons)})"
    )


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
) -> Plan:
    """Plan forward from the first washout day (`start`) or backward from a target D0 (`infusion`).

    `pins` fix steps' first days (recorded actual dates, a deferral's new day): a pinned step's
    only candidate start is its pinned date, inside its window or not; a pin that breaks a
    constraint makes the plan infeasible, and the error names the pinned step.

    Backward planning returns the latest start whose plan puts the infusion on that day. With a
    patient, the medication history sets the earliest apheresis (EBMT intervals from `washout`),
    selects conditional steps, and the plan carries the patient's doses and age rules.
    """
    values = bind_parameters(protocol, overrides or {})
    for what, given in (("time", times), ("duration", durations)):
        for sid in given or {}:
            if not any(s.id == sid for s in protocol.steps):
                raise InputError(
                    f"--set {sid}.{what}: protocol {protocol.id} has no step '{sid}' "
                    f"(steps: {', '.join(s.id for s in protocol.steps)})"
                )
    for sid in pins or {}:
        if not any(s.id == sid for s in protocol.steps):
            raise InputError(f"pinned step '{sid}': protocol {protocol.id} has no such step")
    facts: frozenset[str] = frozenset()
    not_before: dict[str, tuple[date, str]] = {}
    meds = None
    if patient is not None:
        facts = patient.facts()
    if patient is not None and washout is not None:
        from cartplan.patient.washout import washout_from_medications

        meds = washout_from_medications(washout, patient, start)
        facts |= meds.facts
        collect = next((s.id for s in protocol.steps if s.stage is Stage.apheresis), None)
        if meds.earliest_apheresis is not None and collect is not None:
            not_before[collect] = (meds.earliest_apheresis, meds.reason)
    active = protocol.model_copy(
        update={"steps": [s for s in protocol.steps if set(s.only_if) <= facts]}
    )
    solver = _Solver(
        active,
        values,
        calendar or MondayToFriday(),
        dependency_order(active),
        not_before,
        {sid: day for sid, day in (pins or {}).items() if any(s.id == sid for s in active.steps)},
    )
    if infusion is not None and start is None:
        try:
            at, moved, start = _backward(solver, infusion)
        except InfeasiblePlanError as e:
            raise _explain_backward(e, solver, infusion, meds) from None
    elif start is not None and infusion is None:
        at, moved = solver.solve(start, None)
    else:
        raise InputError("give exactly one of --start (first washout day) or --infusion (D0)")
    day0 = at[(solver.day0, "start")]
    age = patient.age_on(day0) if patient is not None else None
    kept = [s for s in active.steps if s.min_age is None or age is None or age >= s.min_age]
    notes = {sid: [note] for sid, note in moved.items()}
    first_day = {s.stage: at[(s.id, "start")] for s in reversed(kept)}
    stage_step = {s.stage: s.id for s in reversed(kept)}
    for task in meds.tasks if meds is not None else ():
        stage = Stage(task.before)
        where = Stage.washout if stage is Stage.apheresis else stage
        if stage in first_day and where in stage_step:
            by = first_day[stage] - timedelta(days=task.days_before)
            notes.setdefault(stage_step[where], []).append(f"{task.text} — by {fmt(by)}")
    events = sorted(
        (
            Event(
                step=s,
                start=at[(s.id, "start")],
                end=at[(s.id, "end")],
                day=(at[(s.id, "start")] - day0).days,
                day_end=(at[(s.id, "end")] - day0).days,
                notes=tuple(notes.get(s.id, ())),
                time=(times or {}).get(s.id, s.time),
                minutes=(durations or {}).get(s.id, s.minutes),
            )
            for s in kept
        ),
        key=lambda e: e.start,
    )
    warnings = [protocol.warning] if protocol.warning else []
    warnings += [f"{sid}: {note}" for sid, note in moved.items() if note.startswith(OUTSIDE_WINDOW)]
    warnings += _extended_by_medication(active, values, at, not_before)
    if meds is not None:
        warnings += meds.warnings
    if today is not None and start < today:
        warnings.append(
            f"the plan starts on {fmt(start)}, {plural((today - start).days)} "
            f"before today ({fmt(today)})"
        )
    dosing = None
    if patient is not None and (patient.weight_kg, patient.height_cm) != (None, None):
        from cartplan.patient.dosing import patient_numbers

        dosing = patient_numbers(active.model_copy(update={"steps": kept}), patient, day0)
        warnings += dosing.warnings
    elif patient is not None:
        warnings.append("doses in mg not computed: the patient has no weight_kg and height_cm")
    return Plan(
        active.model_copy(update={"steps": kept}),
        values,
        start,
        day0,
        tuple(events),
        tuple(warnings),
        patient,
        dosing,
        age,
        facts,
        calendar or MondayToFriday(),
    )


def _extended_by_medication(
    protocol: Protocol,
    values: Mapping[str, int],
    at: Mapping[Node, date],
    not_before: Mapping[str, tuple[date, str]],
) -> list[str]:
    """Say where a drug's washout carried a step past a protocol maximum, and why."""
    out = []
    for c in protocol.constraints:
        if not c.medication_extends or c.max is None or c.then.step not in not_before:
            continue
        gap = (at[(c.then.step, c.then.edge)] - at[(c.first.step, c.first.edge)]).days
        hi = resolve(protocol, values, c.max)
        if gap > hi:
            out.append(
                f"{c.id}: {c.then.step} is {plural(gap)} after {c.first.step} {c.first.edge}, "
                f"beyond the protocol's usual maximum of {hi} — extended because "
                f"{not_before[c.then.step][1]}"
            )
    return out


def _explain_backward(
    error: InfeasiblePlanError, solver: _Solver, infusion: date, meds: Washout | None
) -> InfeasiblePlanError:
    """When a drug's washout is what makes the infusion day impossible, say so, by how many
    days, and which infusion day works instead."""
    if meds is None or meds.earliest_apheresis is None or not solver.not_before:
        return error
    floors = solver.not_before
    solver.not_before = {}
    solver.work = 0  # the explanation gets its own bounded budget
    try:
        at, _, _ = _backward(solver, infusion)
    except InfeasiblePlanError:
        return error  # impossible even without the drug: the drug is not the cause
    finally:
        solver.not_before = floors
    sid, (floor, _) = next(iter(floors.items()))
    planned = at[(sid, "start")]
    short = (floor - planned).days
    message = (
        f"no plan puts the infusion on {fmt(infusion)}: {meds.reason}, so {sid} cannot be "
        f"before {fmt(floor)}; a plan for that infusion collects on {fmt(planned)} — "
        f"{plural(short)} too early"
    )
    suggestion = _earliest_infusion(solver, infusion)
    if suggestion is not None:
        message += f". The earliest infusion that works is {fmt(suggestion)} (--infusion "
        message += f"{suggestion.isoformat()})"
    return InfeasiblePlanError(message)


def _earliest_infusion(solver: _Solver, infusion: date) -> date | None:
    """The first day after `infusion` that a backward plan reaches, found from a forward plan."""
    floor = min(f for f, _ in solver.not_before.values())
    solver.work = 0
    try:
        at, _ = solver.solve(floor - timedelta(days=_BACKWARD_SLACK * 2), None)
    except InfeasiblePlanError:
        return None
    found = max(at[(solver.day0, "start")], infusion)
    day = found
    while (day := day - timedelta(days=1)) > infusion and (found - day).days <= 14:
        if solver.calendar.closed(day):
            continue  # the infusion needs a working day; keep walking back
        try:
            _backward(solver, day)
        except InfeasiblePlanError:
            break
        found = day
    return found


def _backward(solver: _Solver, infusion: date) -> tuple[dict[Node, date], dict[str, str], date]:
    s = solver.steps[solver.day0]
    reason = solver.calendar.closed(infusion) if s.placement.rule is not Rule.calendar else None
    if reason:
        raise InfeasiblePlanError(f"infusion {fmt(infusion)} is not a working day ({reason})")
    # A forward plan gives the usual start-to-D0 lead; the latest feasible start lies a little
    # before or after infusion - lead (weekends and holidays shift it by days, not weeks).
    first = 0
    try:
        probe, _ = solver.solve(infusion, None)
        lead = (probe[(solver.day0, "start")] - infusion).days
        first = max(0, lead - _BACKWARD_SLACK)
    except _GaveUp:
        raise
    except InfeasiblePlanError:
        pass
    return _search_back(solver, infusion, first)


def _search_back(
    solver: _Solver, infusion: date, first: int
) -> tuple[dict[Node, date], dict[str, str], date]:
    best: _Failure | None = None
    for back in range(first, _BACKWARD_HORIZON + 1):
        start = infusion - timedelta(days=back)
        try:
            at, moved = solver.solve(start, infusion)
        except _GaveUp:
            raise
        except InfeasiblePlanError:
            f = solver.failure
            if f is not None and (best is None or (f.depth, -f.gap) > (best.depth, -best.gap)):
                best = f
            continue
        if back == first and first > 0:  # the guess was too early: search every later start
            return _search_back(solver, infusion, 0)
        return at, moved, start
    reason = best.message if best else "no plan start found"
    raise InfeasiblePlanError(f"no plan puts the infusion on {fmt(infusion)}: {reason}")
