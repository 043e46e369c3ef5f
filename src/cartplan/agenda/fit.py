"""The earliest start on or after the one asked where a new plan fits every resource."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from cartplan.agenda.load import Capacity, Clash, Key, Span, blocking
from cartplan.errors import InfeasiblePlanError
from cartplan.messages import Message, msg


class Fit(NamedTuple):
    asked: date
    start: date  # the anchor that fits (first washout day, or D0 for a backward plan)
    moved: int  # days later than asked
    decided: Clash | None  # what ruled out the day before `start` (None: as asked)
    first: Clash | None  # what ruled out the day asked (None: as asked)
    why: Message


NEW = "(new)"  # the new plan's id in clashes until the store gives it one


def earliest(
    asked: date,
    spans_for: Callable[[date], Sequence[Span] | None],
    taken: Mapping[Key, set[str]],
    capacities: Iterable[Capacity],
    limit_days: int,
) -> Fit:
    """Try each day from `asked` on (at most `limit_days` later): `spans_for(day)` is the new
    plan's spans from that anchor (None when no plan starts from it). The first that fits wins.
    Raises LookupError with a message when no day within the limit fits."""
    caps = list(capacities)
    first: Clash | None = None
    last: Clash | None = None
    for n in range(limit_days + 1):
        day = asked + timedelta(days=n)
        spans = spans_for(day)
        if spans is None:
            continue
        clash = blocking(spans, taken, caps, NEW)
        if clash is None:
            if n == 0:
                return Fit(asked, day, 0, None, None, msg("agenda.fit.as_asked", start=day))
            assert last is not None  # noqa: S101 - a later day means an earlier one was ruled out
            why = msg(
                "agenda.fit.moved",
                start=day,
                n=n,
                resource=last.resource,
                on=last.period,
                demand=last.demand,
                capacity=last.capacity,
            )
            return Fit(asked, day, n, last, first, why)
        first = first or clash
        last = clash
    resource = last.resource if last is not None else "-"
    raise InfeasiblePlanError(msg("agenda.fit.none", asked=asked, n=limit_days, resource=resource))
