"""Use cases of the centre's view: the agenda of every active plan over some days (events, each
resource's load against its capacity, clashes), the clashes one plan takes part in, and the
earliest start where a new plan fits every resource beside the stored plans.

The store answers from its agenda index (cartplan.store.index) with one query; the site file
gives the capacities; the pure core (cartplan.agenda) counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from cartplan.errors import InputError

if TYPE_CHECKING:
    from datetime import datetime

    from cartplan.agenda.fit import Fit
    from cartplan.agenda.load import Capacity, Clash, Span
    from cartplan.schedule.plan import Plan
    from cartplan.services.planning import PlanArgs
    from cartplan.services.site import Found
    from cartplan.store.db import Db

if TYPE_CHECKING:
    from cartplan.agenda.load import Agenda

MAX_DAYS = 400  # days in one agenda
FIT_DAYS = 366  # how far --fit looks past the start asked
FIT_FIRST = 21  # the days --fit tries before it reads further ahead


def _span(r: tuple[Any, ...], _split: dict[str, tuple[str, ...]] = {}) -> Span:  # noqa: B006
    """A row of the index as the core's Span (team and resource lists split once each)."""
    from cartplan.agenda.load import Span

    teams, resources = r[9], r[10]
    t = _split.get(teams)
    if t is None:
        t = _split[teams] = tuple(teams.split(",")) if teams else ()
    res = _split.get(resources)
    if res is None:
        res = _split[resources] = tuple(resources.split(",")) if resources else ()
    return Span(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        date.fromisoformat(r[5]),
        date.fromisoformat(r[6]),
        int(r[7]),
        int(r[8]),
        t,
        res,
    )


def _window(first: date, last: date, caps: list[Capacity]) -> tuple[date, date]:
    """The days whose events a load over [first, last] needs: whole weeks for weekly ones."""
    if any(c.per == "week" for c in caps):
        return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
    return first, last


def agenda(
    db: Db,
    first: date,
    last: date,
    found: Found | None,
    teams: list[str] | None = None,
    resource: str | None = None,
) -> Agenda:
    """Every active plan's events overlapping [first, last], each resource's load per day (or
    week) against its capacity, and the clashes; --team keeps that team's events, --resource
    that resource's load and the events that use it."""
    from cartplan.agenda import load
    from cartplan.agenda.load import Agenda
    from cartplan.services import site
    from cartplan.store import index

    if last < first:
        raise InputError(f"--to {last} is before --from {first}")
    if (last - first).days >= MAX_DAYS:
        raise InputError(f"--from {first} --to {last}: at most {MAX_DAYS} days in one agenda")
    caps = site.capacities(found)
    if resource is not None and resource not in {c.resource for c in caps}:
        known = ", ".join(c.resource for c in caps) or "none: give a site file with resources"
        raise InputError(f"--resource {resource}: the site file has no such resource ({known})")
    lo, hi = _window(first, last, caps)
    with db.reading():
        rows = index.spans(db, lo, hi)
    spans = [_span(r) for r in rows]
    loads = load.loads(spans, caps, first, last)
    clashes = load.clashes(loads)
    labels = {s.plan_id: s.label for s in spans}
    shown = [s for s in spans if s.start <= last and s.end >= first]
    if teams:
        shown = [s for s in shown if set(teams) & set(s.teams)]
    if resource is not None:
        chosen = [c for c in caps if c.resource == resource]
        shown = [s for s in shown if load.relevant(s, chosen)]
        loads = [x for x in loads if x.resource == resource]
        clashes = [x for x in clashes if x.resource == resource]
    return Agenda(first, last, shown, loads, clashes, labels, caps)


def plan_clashes(
    db: Db, ref: str, found: Found | None
) -> tuple[str, str, list[Clash], dict[str, str]]:
    """(plan id, label, the clashes the plan takes part in, labels of the plans involved)."""
    from cartplan.agenda import load
    from cartplan.services import site
    from cartplan.store import index, repo

    caps = site.capacities(found)
    with db.reading():
        row = repo.find(db, ref)
        own = [
            s
            for s in (_span(r) for r in index.plan_spans(db, row.plan_id, row.revision))
            if load.relevant(s, caps)
        ]
        if not own:
            return row.plan_id, row.label, [], {}
        lo, hi = _window(min(s.start for s in own), max(s.end for s in own), caps)
        steps = {st for c in caps for st in c.steps}
        spans = [_span(r) for r in index.spans(db, lo, hi, steps, any_resource=True)]
    found_clashes = load.of_plan(load.clashes(load.loads(spans, caps, lo, hi)), row.plan_id)
    return row.plan_id, row.label, found_clashes, {s.plan_id: s.label for s in spans}


def spans_of(plan: Plan, plan_id: str, label: str) -> list[Span]:
    from cartplan.agenda.load import Span

    return [
        Span(
            plan_id,
            label,
            e.step.id,
            e.step.stage.value,
            e.step.title,
            e.start,
            e.end,
            e.day,
            e.day_end,
            tuple(e.step.teams),
            tuple(e.step.resources),
        )
        for e in plan.events
    ]


def fit(db: Db, args: PlanArgs, found: Found | None) -> tuple[PlanArgs, Fit]:
    """The earliest anchor (--start, or --infusion for a backward plan) on or after the one
    asked where the new plan fits every resource beside the active stored plans; the options
    with that anchor, and why."""
    from cartplan.agenda import fit as fitting
    from cartplan.agenda import load
    from cartplan.agenda.fit import NEW
    from cartplan.dates import parse_date
    from cartplan.errors import InfeasiblePlanError
    from cartplan.services import site
    from cartplan.services.planning import make_plan, planner_for
    from cartplan.store import index

    caps = site.capacities(found)
    if not caps:
        raise InputError(
            "--fit: the site file defines no resources (resources: in site.yaml; --site FILE)"
        )
    backward = args.infusion is not None
    if args.start is None and args.infusion is None:
        raise InputError("give exactly one of --start (first washout day) or --infusion (D0)")
    asked = (
        parse_date(args.infusion, "--infusion")
        if args.infusion is not None
        else parse_date(args.start or "", "--start")
    )
    label = (args.label or "").strip()

    plans: dict[date, Plan | None] = {}
    first_plan = make_plan(args)  # errors in the request show as they would without --fit
    planner = planner_for(args, asked)

    def plan_from(day: date) -> Plan | None:
        if day not in plans:
            try:
                plans[day] = planner(None, day) if backward else planner(day, None)
            except InfeasiblePlanError:
                plans[day] = None
        return plans[day]

    def spans_for(day: date) -> list[Span] | None:
        plan = plan_from(day)
        if plan is None:
            return None
        return [s for s in spans_of(plan, NEW, label) if load.relevant(s, caps)]

    own = [s for s in spans_of(first_plan, NEW, label) if load.relevant(s, caps)]
    plans[asked] = first_plan
    if not own:
        return args, fitting.earliest(asked, spans_for, {}, caps, 0)
    lo = min(min(s.start for s in own), asked) - timedelta(days=7)
    steps = {st for c in caps for st in c.steps}
    end = max(s.end for s in own)
    ahead = FIT_FIRST
    while True:
        # read what is booked a little ahead first: most plans fit within days of the asked
        # start; look further (three times as far each time) only when none did. The margin
        # covers a later start landing a few days further (working days, whole weeks).
        reach = end + timedelta(days=ahead + 21)
        with db.reading():
            rows = index.spans(db, lo, reach, steps, any_resource=True)
        taken = load.booked([_span(r) for r in rows], caps)
        try:
            result = fitting.earliest(asked, spans_for, taken, caps, ahead)
            break
        except InfeasiblePlanError:
            if ahead >= FIT_DAYS:
                raise
            ahead = min(ahead * 3, FIT_DAYS)
    return _anchored(args, result.start, backward), result


def _anchored(args: PlanArgs, day: date, backward: bool) -> PlanArgs:
    """The options with another anchor: D0 for a backward plan, else the first day."""
    if backward:
        return args._replace(infusion=day.isoformat())
    return args._replace(start=day.isoformat())


def new_fitted(
    db: Db,
    args: PlanArgs,
    found: Found | None,
    by: str,
    reason: str | None,
    now: datetime,
    after: str | None = None,
) -> tuple[str, Plan, Fit]:
    """`plan new --fit`: the plan made and stored from the earliest start that fits (`after`:
    the earlier plan of a re-treatment, as plan new)."""
    from cartplan.services import plans

    fitted, result = fit(db, args, found)
    plan_id, plan = plans.new(db, fitted, by, reason, now, after)
    return plan_id, plan, result
