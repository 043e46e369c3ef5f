"""Candidate first days of a step: its window around the target, in the order its working-day
rule prefers them, narrowed by a pin or a floor, and why the target itself was not taken.

Days are date ordinals. Whether a day is a working day is asked of the calendar once per day
and remembered for every later plan with the same calendar.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple
from weakref import WeakKeyDictionary

from cartplan.dates import add_months
from cartplan.errors import InfeasiblePlanError
from cartplan.messages import Message, Text, msg
from cartplan.schedule.network import START, Network, preference

if TYPE_CHECKING:
    from cartplan.schedule.plan import WorkCalendar

LOWEST, HIGHEST = -(1 << 40), 1 << 40  # no bound


class Bound(NamedTuple):
    """Where a step may start, besides its window: a pin (lo == hi) or a floor (hi open).

    A pin chooses the day inside the step's window: outside it, or on a closed day, the step
    fails and says by how many days. A floor with `follow` is a drug's washout: when it lies
    beyond the window the window follows it, and constraints that a medication may extend
    stretch to it; `why` is the note the moved step carries.
    """

    lo: int
    hi: int
    follow: bool = False
    why: Text | None = None
    # "pin" | "infusion" (D0 of a backward plan) | "floor": for the words; "actual": a recorded
    # day — it happened, so it holds outside the window and on a closed day alike
    kind: str = "pin"
    # a pin taken only where the step's rule could take it (on the side of the window the rule
    # does not prefer, only when no preferred day passes the step's checks): when the search
    # chooses the plan start, a pin must not shorten an interval the rule keeps
    strict: bool = False

    @property
    def pinned(self) -> bool:
        return self.lo == self.hi


PINNED = msg("pin.moved")


def pin(day: date, kind: str = "pin", strict: bool = False) -> Bound:
    """A step fixed to `day`; a user's pin says so where the step is not on its target."""
    why = PINNED if kind == "pin" else None  # an actual day is no move: it happened
    return Bound(day.toordinal(), day.toordinal(), False, why, kind, strict)


def floor(day: date, why: Text) -> Bound:
    return Bound(day.toordinal(), HIGHEST, True, why, "floor")


class Days:
    """The working days of one calendar, by date ordinal, remembered across plans."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.memo: dict[int, Message | None] = {}
        self.moved: dict[int, Message | None] = {}  # "moved from <closed day>: <why>" notes

    def closed(self, day: int) -> Message | None:
        memo = self.memo
        if day in memo:
            return memo[day]
        reason = memo[day] = self.calendar.closed(date.fromordinal(day))
        return reason


_DAYS: WeakKeyDictionary[Any, Days] = WeakKeyDictionary()


def days_of(calendar: WorkCalendar) -> Days:
    """The remembered working days of `calendar` (a calendar answers the same for a day)."""
    try:
        days = _DAYS.get(calendar)
        if days is None:
            days = _DAYS[calendar] = Days(calendar)
        return days
    except TypeError:  # a calendar that cannot be weakly referenced or hashed: this plan only
        return Days(calendar)


_MONTHS: dict[tuple[int, int], int] = {}


def months_later(day: int, months: int) -> int:
    """`months` calendar months after the ordinal `day`, month-end clamped; remembered."""
    key = (day, months)
    out = _MONTHS.get(key)
    if out is None:
        if len(_MONTHS) > 200_000:
            _MONTHS.clear()
        out = _MONTHS[key] = add_months(date.fromordinal(day), months).toordinal()
    return out


def target(net: Network, i: int, at: list[int], start: int) -> int:
    """The day start node `i` aims at: its anchor's day + months + offset."""
    a = net.anchor[i]
    base = start if a == START else at[a]
    if net.months[i]:
        base = months_later(base, net.months[i])
    return base + net.offset[i]


class Window(NamedTuple):
    """A start node's candidates: `base + offsets[k]`, fallback days from `fallback_from`."""

    target: int
    base: int
    offsets: tuple[int, ...]
    fallback_from: int
    lo: int  # first and last day of the window (after a floor moved it)
    hi: int
    early: int


def window(net: Network, i: int, at: list[int], start: int, bound: Bound | None) -> Window:
    """The window of start node `i` with what a pin or floor does to it."""
    t = target(net, i, at, start)
    early, late = net.early[i], net.late[i]
    offsets, fallback_from = net.prefs[i], net.fallback_from[i]
    base, lo, hi = t, t - early, t + late
    if bound is not None and bound.kind == "actual":
        return Window(t, bound.lo, (0,), 1, bound.lo, bound.lo, 0)
    if bound is not None and bound.follow and bound.lo > hi:
        # a drug's washout outlasts the window: the window follows the drug
        base, early, lo, hi = bound.lo, 0, bound.lo, bound.lo + late
        offsets, fallback_from = preference(net.rule[i], 0, late)
    return Window(t, base, offsets, fallback_from, lo, hi, early)


def skipped(
    net: Network, i: int, target: int, day: int, days: Days, bound: Bound | None
) -> Text | None:
    """Why start node `i` is on `day` and not on its target: a pin, a floor's reason, the
    target's closure, or None (the target was open: a constraint moved it)."""
    return None if day == target else reason_to_skip(net, i, target, days, bound)


def reason_to_skip(
    net: Network, i: int, target: int, days: Days, bound: Bound | None
) -> Text | None:
    """The note any day but the target carries, before constraints are looked at."""
    if bound is not None and bound.why is not None and (bound.lo == bound.hi or target < bound.lo):
        return bound.why
    return days.closed(target) if net.workday[i] else None


def nearest_open(days: Days, day: int, step: int) -> int:
    """The first working day after (step +1) or before (step -1) `day`, within a year."""
    first, reasons = day, list[Message]()
    for _ in range(366):
        day += step
        reason = days.closed(day)
        if reason is None:
            return day
        if reason not in reasons and len(reasons) < 3:
            reasons.append(reason)
    raise InfeasiblePlanError(
        msg(
            "calendar.closed_year_after" if step > 0 else "calendar.closed_year_before",
            day=date.fromordinal(first),
            reasons=_joined(reasons),
        )
    )


def _joined(reasons: list[Message]) -> Text:
    if not reasons:
        return ""
    if len(reasons) == 1:
        return reasons[0]
    return msg("day.reasons", first=reasons[0], rest=_joined(reasons[1:]))
