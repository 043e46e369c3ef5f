"""Depth-first placement of a network's nodes with conflict-directed backjumping.

Each node takes the first candidate day (in its rule's order) that passes the constraints
checked there and lets every later node be placed. When a node cannot be placed, the search
jumps straight back to the latest node its failure depends on (its anchor, the other day of a
violated constraint) instead of trying every alternative of unrelated nodes in between: plans
with a real conflict fail fast. Failures are kept as data (what, which days); explain.py words
the one that is reported. The work is bounded: a plan that needs more is refused, not waited on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from cartplan.schedule.candidates import (
    HIGHEST,
    LOWEST,
    Bound,
    Days,
    months_later,
    nearest_open,
    reason_to_skip,
    window,
)
from cartplan.schedule.network import INF, START, Network

SEARCH_LIMIT = 200_000  # candidate placements tried in one solve before giving up on a start
WORK_LIMIT = 400_000  # candidate days looked at by one search object, all its solves together

PRUNED = ("pruned",)  # a candidate outside the days a pin allows: no plan has it


class Failure(NamedTuple):
    depth: int  # node index: a failure further into the plan explains more
    gap: int  # days a pinned step misses its window by; smaller is the better explanation
    what: tuple[Any, ...]  # kind and the days involved, worded by explain.problem


class Move(NamedTuple):
    """Why a start node is not on its target day, as data for explain.note."""

    node: int
    target: int
    day: int
    problem: tuple[Any, ...] | None  # the failure that moved it (a constraint, a later step)
    later: bool  # on the side its rule does not prefer: `problem` is what the later days met
    outside: tuple[int, int, int, int] | None  # warn placement: lo, hi, early, days outside


class WorkLimit(Exception):
    """More candidate days looked at than WORK_LIMIT: no more attempts help."""

    def __init__(self, failure: Failure | None) -> None:
        super().__init__()
        self.failure = failure


class _TooMany(Exception):
    pass


class Search:
    """Solves one network for any plan start, with fixed bounds (pins, floors) on some steps.

    `implied` (optional) gives, per node, the first and last day any plan under these bounds
    can have (see implied_days): candidates outside are skipped without searching below them.
    """

    def __init__(
        self,
        net: Network,
        days: Days,
        bounds: Mapping[int, Bound],
        implied: tuple[Sequence[float], Sequence[float]] | None = None,
    ) -> None:
        self.net = net
        self.days = days
        self.bounds = dict(bounds)
        self.floors = {i: b for i, b in self.bounds.items() if b.follow}
        self.implied = implied
        self.work = 0
        self.start = 0
        self.at: list[int] = []
        self.moves: list[Move] = []
        self.best: Failure | None = None
        self.last: tuple[Any, ...] | None = None
        self.tried = 0
        self.limited = False  # the last solve hit SEARCH_LIMIT
        self.pruned_note = False  # a note of the last plan names what a pruned search met

    def solve(self, start: int) -> list[int] | None:
        """Days of every node (ordinals, in network order) for a plan starting on `start`, or
        None when none fits (self.best says why). Raises WorkLimit."""
        self.start = start
        self.at = [0] * self.net.n
        self.moves = []
        self.best = None
        self.last = None
        self.tried = 0
        self.limited = False
        self.pruned_note = False
        if self._greedy():
            return self.at
        self.moves = []
        try:
            if self._place(0) is not None:
                return None
        except _TooMany:
            self.limited = True
            return None
        return self.at

    def _greedy(self) -> bool:
        """Each node on its first candidate day, in one pass: the search's own answer whenever
        no candidate is turned down (most plans). False when one would be: the search decides.
        """
        net, at, start, bounds, implied = self.net, self.at, self.start, self.bounds, self.implied
        memo, closed = self.days.memo, self.days.closed
        moves = []
        work = 0
        i = -1
        for end_ref, end_add, start_of, anchor, months, offset, prefs, workday, checks in net.nodes:
            i += 1
            if end_ref >= 0:
                day = at[end_ref] + end_add
                if day < at[start_of]:
                    return False
            else:
                t = start if anchor == START else at[anchor]
                if months:
                    t = months_later(t, months)
                t += offset
                base, blo, bhi = t, LOWEST, HIGHEST
                bound = bounds.get(i) if bounds else None
                if bound is not None:
                    w = window(net, i, at, start, bound)
                    base, prefs = w.base, w.offsets
                    blo, bhi = bound.lo, bound.hi
                    workday = workday and bound.kind != "actual"
                work += 1
                for off in prefs:
                    work += 1
                    day = base + off
                    if workday and (memo[day] if day in memo else closed(day)) is not None:
                        continue
                    if blo <= day <= bhi:
                        break
                else:
                    return False  # no candidate: the search says why, or warns
                if (
                    bound is not None
                    and bound.strict
                    and prefs.index(day - base) >= w.fallback_from
                ):
                    return False  # whether the rule may take it there: the search decides
                if day != t:
                    moves.append(Move(i, t, day, None, False, None))
            at[i] = day
            if checks and self._check(i) is not None:
                return False
            if implied is not None and not implied[0][i] <= day <= implied[1][i]:
                return False
        moves.reverse()  # as the search records them: the deepest first
        self.moves = moves
        self.work += work
        return True

    def _fail(self, depth: int, what: tuple[Any, ...], gap: int = 0) -> None:
        self.last = what
        best = self.best
        if best is None or depth > best.depth or (depth == best.depth and gap < best.gap):
            self.best = Failure(depth, gap, what)

    def _place(self, i: int) -> set[int] | None:
        """Place nodes i.. ; None on success, else the earlier nodes the failure depends on."""
        net = self.net
        if i == net.n:
            return None
        if net.is_end[i]:
            return self._place_end(i)
        at = self.at
        bound = self.bounds.get(i)
        if bound is None:
            a = net.anchor[i]
            t = self.start if a == START else at[a]
            if net.months[i]:
                t = months_later(t, net.months[i])
            t += net.offset[i]
            base = t
            offsets, fallback_from = net.prefs[i], net.fallback_from[i]
            early = net.early[i]
            lo, hi, blo, bhi = t - early, t + net.late[i], LOWEST, HIGHEST
        else:
            w = window(net, i, at, self.start, bound)
            t, base, offsets, fallback_from, lo, hi, early = w
            blo, bhi = bound.lo, bound.hi
        if self.implied is not None:
            low, high = self.implied[0][i], self.implied[1][i]
        else:
            low, high = LOWEST, HIGHEST
        strict = bound is not None and bound.strict
        workday = net.workday[i] and not (bound is not None and bound.kind == "actual")
        memo = self.days.memo
        closed = self.days.closed
        conflict = set(net.parents[i])
        target_problem: tuple[Any, ...] | None = None
        preferred_passed = False
        preferred_problem: tuple[Any, ...] | None = None
        found = False
        self.work += 1  # even a step with no candidate day costs its target
        k = -1
        for off in offsets:
            k += 1
            self.work += 1
            if self.work > WORK_LIMIT:
                raise WorkLimit(self.best)
            day = base + off
            if workday and (memo[day] if day in memo else closed(day)) is not None:
                continue
            if day < blo or day > bhi:
                if strict and not preferred_passed and k < fallback_from:
                    # a day the rule prefers to the pin: does it pass the step's own checks?
                    at[i] = day
                    preferred_passed = not (net.checks[i] and self._check(i))
                continue
            found = True
            fallback = k >= fallback_from
            if fallback and preferred_passed:
                if strict:  # the pin lies where the rule would not go: say so
                    self._fail(i, ("pin_side", i, day, t))
                    for c in net.checks[i]:
                        conflict |= {c.first, c.then}
                break  # a later failure is not the step's own: never shorten its interval
            if preferred_passed and not low <= day <= high:
                # no plan has this day, and its checks cannot change what is tried next
                self.last = PRUNED
                if target_problem is None and (day == t or not self._skips(i, t, bound)):
                    target_problem = PRUNED
                continue
            self.tried += 1
            if self.tried > SEARCH_LIMIT:
                raise _TooMany
            at[i] = day
            self.last = None
            violated = self._check(i) if net.checks[i] else None
            if violated is None:
                preferred_passed |= not fallback
                if low <= day <= high:
                    below = self._place(i + 1)
                    if below is None:
                        if day != t or target_problem is not None:
                            self._moved(i, t, day, fallback, preferred_problem, target_problem)
                        return None
                    if i not in below:  # another day for this node cannot help: jump back
                        return below
                    conflict |= below
                else:
                    self.last = PRUNED
            else:
                what, others = violated
                self._fail(i, what)
                conflict |= others
                if not fallback and preferred_problem is None:
                    preferred_problem = what
            if target_problem is None and (day == t or not self._skips(i, t, bound)):
                target_problem = self.last
        if not found:
            if bound is not None and bound.lo == bound.hi:
                pinned = bound.lo
                gap = max(lo - pinned, pinned - hi, 0)
                self._fail(i, ("pin", i, pinned, lo, hi, bound), gap)
            else:
                below = self._outside(i, t, lo, hi, early, conflict)
                if below is None:
                    return None
                conflict = below
        conflict.discard(i)
        return conflict

    def _skips(self, i: int, t: int, bound: Bound | None) -> bool:
        """Whether a day other than the target carries a note of its own (a pin, a floor's
        reason, the target's closure) rather than the problem the target met."""
        return reason_to_skip(self.net, i, t, self.days, bound) is not None

    def _outside(
        self, i: int, t: int, lo: int, hi: int, early: int, conflict: set[int]
    ) -> set[int] | None:
        """No working day in the window: a step that may warn takes the nearest working day
        outside it; any other step fails, saying how far the nearest one is."""
        net, days = self.net, self.days
        nxt, prv = nearest_open(days, hi, +1), nearest_open(days, lo, -1)
        after, before = nxt - hi, lo - prv
        self.work += after + before  # the days looked at to find them
        if not net.warn[i]:
            self._fail(i, ("window", i, lo, hi, t, early, min(after, before)))
            return conflict
        day, by = (prv, before) if before < after else (nxt, after)
        self.tried += 1
        if self.tried > SEARCH_LIMIT:
            raise _TooMany
        self.at[i] = day
        self.last = None
        violated = self._check(i) if net.checks[i] else None
        if violated is not None:
            what, others = violated
            self._fail(i, what)
            return conflict | others
        if self.implied is not None and not self.implied[0][i] <= day <= self.implied[1][i]:
            self.last = PRUNED
            return conflict
        below = self._place(i + 1)
        if below is None:
            self.moves.append(Move(i, t, day, None, False, (lo, hi, early, by)))
            return None
        if i not in below:
            return below
        return conflict | below

    def _place_end(self, i: int) -> set[int] | None:
        net, at = self.net, self.at
        day = at[net.end_ref[i]] + net.end_add[i]
        start = at[net.start_of[i]]
        conflict = set(net.parents[i])
        if day < start:
            self._fail(i, ("ends", i, day, start))
            return conflict
        self.tried += 1
        if self.tried > SEARCH_LIMIT:
            raise _TooMany
        at[i] = day
        self.last = None
        violated = self._check(i) if net.checks[i] else None
        if violated is not None:
            what, others = violated
            self._fail(i, what)
            conflict |= others
        elif self.implied is not None and not self.implied[0][i] <= day <= self.implied[1][i]:
            self.last = PRUNED
        else:
            below = self._place(i + 1)
            if below is None:
                return None
            if i not in below:
                return below
            conflict |= below
        conflict.discard(i)
        return conflict

    def _moved(
        self,
        i: int,
        t: int,
        day: int,
        fallback: bool,
        preferred_problem: tuple[Any, ...] | None,
        target_problem: tuple[Any, ...] | None,
    ) -> None:
        later = fallback and preferred_problem is not None
        problem = preferred_problem if later else target_problem
        if problem is not None and self.implied is not None:
            # the problem a pruned search met need not be the one the full search meets
            self.pruned_note = True
        self.moves.append(Move(i, t, day, problem, later, None))

    def _check(self, i: int) -> tuple[tuple[Any, ...], set[int]] | None:
        """The first constraint checked at node i that fails, with the nodes it involves."""
        at = self.at
        for c in self.net.checks[i]:
            a, b = at[c.first], at[c.then]
            gap = b - a
            hi = c.hi
            drug = self.floors.get(c.then_start) if self.floors else None
            if c.extends and drug is not None and hi is not None:
                # The drug decides: its interval may carry `then` past the protocol maximum.
                hi = max(hi, drug.lo - a + c.then_late)
                if c.hard is not None and hi > c.hard:
                    hi = c.hard
                    if gap > hi:
                        return ("hard", c, a, b, drug), {c.first, c.then}
            if c.lo is not None and gap < c.lo:
                return ("short", c, a, b, c.lo), {c.first, c.then}
            if hi is not None and gap > hi:
                return ("over", c, a, b, hi, drug), {c.first, c.then}
        return None


def implied_days(
    net: Network, bounds: Mapping[int, Bound]
) -> tuple[list[float], list[float]] | None:
    """The first and last day each node can have in any plan under `bounds`, from the pins and
    floors through windows, fixed lengths and constraints (working days ignored: the result is
    wider than the truth, never narrower). The last entry is the plan start. None when the
    bounds contradict each other: no plan exists at all.

    Only distances matter, so the answer is computed once per shape of the bounds (their days
    relative to the earliest) and moved to the days asked.
    """
    ref = min(b.lo for b in bounds.values())
    shape = tuple(
        sorted(
            (i, b.lo - ref, b.hi - ref if b.hi != HIGHEST else None, b.follow)
            for i, b in bounds.items()
        )
    )
    cache = net.implied
    if shape in cache:
        found = cache[shape]
    else:
        if len(cache) > 1024:
            cache.clear()
        found = cache[shape] = _propagate(net, shape)
    if found is None:
        return None
    return [x + ref for x in found[0]], [x + ref for x in found[1]]


def _propagate(
    net: Network, shape: tuple[tuple[int, int, int | None, bool], ...]
) -> tuple[list[float], list[float]] | None:
    n = net.n
    low: list[float] = [-INF] * (n + 1)
    high: list[float] = [INF] * (n + 1)
    lifted = set()
    for i, lo, hi, follow in shape:
        low[i] = lo
        if hi is not None:
            high[i] = hi
        if follow:
            lifted.add(i)
    relations = [
        (r.x, r.y, r.low, r.relaxed if r.node in lifted else r.high) for r in net.relations
    ]
    for _ in range(n + 1):
        changed = False
        for x, y, dlo, dhi in relations:
            if low[y] + dlo > low[x]:
                low[x] = low[y] + dlo
                changed = True
            if high[y] + dhi < high[x]:
                high[x] = high[y] + dhi
                changed = True
            if low[x] - dhi > low[y]:
                low[y] = low[x] - dhi
                changed = True
            if high[x] - dlo < high[y]:
                high[y] = high[x] - dlo
                changed = True
        if any(lo > hi for lo, hi in zip(low, high, strict=True)):
            return None
        if not changed:
            return low, high
    return None  # still tightening after n rounds: the bounds chase each other round a cycle
