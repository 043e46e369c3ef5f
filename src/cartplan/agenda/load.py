"""Resource load from event spans: who uses what on which day (or week), and the clashes.

A step uses a resource when the site lists the step under that resource, or the protocol's
step names the resource. It uses it on each day it spans, or only on its first day with
`start_only`. Demand is counted in patients: one plan whose lymphodepletion, infusion and
CRS watch meet on one day takes one ward bed that day, not three. A weekly resource counts
each plan once in each week (Monday to Sunday) it uses the resource.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Literal, NamedTuple

Per = Literal["day", "week"]


class Span(NamedTuple):
    """One event of a stored plan (a step's days), as the agenda reads it."""

    plan_id: str
    label: str
    step: str
    stage: str
    title: str
    start: date
    end: date  # inclusive
    day: int  # relative to D0
    day_end: int
    teams: tuple[str, ...]
    resources: tuple[str, ...] = ()  # named by the protocol's step


class Capacity(NamedTuple):
    """One resource of the site: how many patients it takes per day or per week."""

    resource: str
    capacity: int
    per: Per
    steps: frozenset[str]
    start_only: bool = False


class Load(NamedTuple):
    resource: str
    period: date  # the day, or the Monday of the week
    per: Per
    load: int  # patients using it
    capacity: int
    plans: tuple[str, ...]  # their plan ids, sorted


class Clash(NamedTuple):
    resource: str
    period: date
    per: Per
    capacity: int
    demand: int
    plans: tuple[str, ...]


Key = tuple[str, date]  # (resource, period)


class Agenda(NamedTuple):
    """What the centre's view shows over some days."""

    first: date
    last: date
    spans: list[Span]  # the events shown (after a team or resource filter)
    loads: list[Load]  # each resource's load per day (or week) in the period
    clashes: list[Clash]
    labels: dict[str, str]  # plan id -> label
    capacities: list[Capacity]


def period(d: date, per: Per) -> date:
    """The day itself, or the Monday of its week."""
    return d if per == "day" else d - timedelta(days=d.weekday())


def uses(span: Span, capacities: Iterable[Capacity]) -> set[Key]:
    """The (resource, period) pairs one span takes."""
    out: set[Key] = set()
    for c in capacities:
        if span.step not in c.steps and c.resource not in span.resources:
            continue
        if c.start_only or span.end <= span.start:
            out.add((c.resource, period(span.start, c.per)))
            continue
        if c.per == "week":
            monday = period(span.start, "week")
            while monday <= span.end:
                out.add((c.resource, monday))
                monday += timedelta(days=7)
            continue
        d = span.start
        while d <= span.end:
            out.add((c.resource, d))
            d += timedelta(days=1)
    return out


def relevant(span: Span, capacities: Iterable[Capacity]) -> bool:
    return any(span.step in c.steps or c.resource in span.resources for c in capacities)


def booked(spans: Iterable[Span], capacities: Iterable[Capacity]) -> dict[Key, set[str]]:
    """(resource, period) -> the plan ids using it."""
    caps = [c for c in capacities]
    out: dict[Key, set[str]] = defaultdict(set)
    for s in spans:
        for key in uses(s, caps):
            out[key].add(s.plan_id)
    return out


def in_range(key_period: date, per: Per, lo: date, hi: date) -> bool:
    if per == "day":
        return lo <= key_period <= hi
    return period(lo, "week") <= key_period <= hi


def loads(spans: Iterable[Span], capacities: Iterable[Capacity], lo: date, hi: date) -> list[Load]:
    """The load of every resource in every period of [lo, hi] it is used in (sorted by period,
    then resource)."""
    caps = {c.resource: c for c in capacities}
    taken = booked(spans, caps.values())
    out = []
    for (resource, p), plans in taken.items():
        c = caps[resource]
        if in_range(p, c.per, lo, hi):
            out.append(Load(resource, p, c.per, len(plans), c.capacity, tuple(sorted(plans))))
    return sorted(out, key=lambda x: (x.period, x.resource))


def clashes(found: Iterable[Load]) -> list[Clash]:
    """The periods where more patients need a resource than it takes."""
    return [
        Clash(x.resource, x.period, x.per, x.capacity, x.load, x.plans)
        for x in found
        if x.load > x.capacity
    ]


def of_plan(found: Iterable[Clash], plan_id: str) -> list[Clash]:
    return [c for c in found if plan_id in c.plans]


def blocking(
    new: Iterable[Span],
    taken: Mapping[Key, set[str]],
    capacities: Iterable[Capacity],
    new_id: str,
) -> Clash | None:
    """The first (earliest, then by resource) period where the new plan's spans do not fit
    beside what is taken; None when they fit everywhere."""
    caps = {c.resource: c for c in capacities}
    wanted: set[Key] = set()
    for s in new:
        wanted |= uses(s, caps.values())
    for resource, p in sorted(wanted, key=lambda k: (k[1], k[0])):
        c = caps[resource]
        others = taken.get((resource, p), set()) - {new_id}
        if len(others) + 1 > c.capacity:
            plans = (*sorted(others), new_id)
            return Clash(resource, p, c.per, c.capacity, len(others) + 1, plans)
    return None


class Entry(NamedTuple):
    """One event on one day of the agenda."""

    on: date
    span: Span
    day: int  # relative to D0, on that day
    resources: tuple[str, ...]  # the resources it takes that day (or week)


def per_day(
    spans: Iterable[Span], capacities: Iterable[Capacity], first: date, last: date
) -> list[Entry]:
    """Each event on each day of [first, last] it spans, by day (then label, then start): the
    one reading the agenda's table and page share."""
    caps = list(capacities)
    one = timedelta(days=1)
    days: dict[date, list[Entry]] = defaultdict(list)
    for s in sorted(spans, key=lambda x: (x.label, x.start, x.step)):
        mine = [c for c in caps if s.step in c.steps or c.resource in s.resources]
        taken = uses(s, mine) if mine else set()
        d = max(s.start, first)
        end = min(s.end, last)
        n = s.day + (d - s.start).days
        while d <= end:
            here: tuple[str, ...] = ()
            if mine:
                here = tuple(
                    sorted(
                        c.resource
                        for c in mine
                        if (c.resource, period(d, c.per)) in taken
                        and (not c.start_only or d == s.start)
                    )
                )
            days[d].append(Entry(d, s, n, here))
            d += one
            n += 1
    return [x for d in sorted(days) for x in days[d]]


def resources_in(span: Span, capacities: Iterable[Capacity], first: date, last: date) -> list[str]:
    """The resources a span takes on some day (or week) of [first, last]."""
    mine = [c for c in capacities if span.step in c.steps or c.resource in span.resources]
    if not mine:
        return []
    monday = period(first, "week")
    return sorted({r for r, p in uses(span, mine) if monday <= p <= last})
