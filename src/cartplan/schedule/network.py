"""A protocol compiled for the solver: every step day a numbered node in dependency order, with
its anchor, offsets, window, working-day rule and the constraints checked there resolved to
whole numbers of days.

Compiling costs more than solving a plan, so a network is built once per protocol, set of
active steps and parameter values, and reused: a re-plan, a backward search over start days or
a benchmark asks for thousands of plans. Days are date ordinals (ints) inside the solver.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from cartplan.protocol.expand import expand, needs_expansion
from cartplan.protocol.format import Constraint, Protocol, Rule, Step
from cartplan.protocol.graph import DAY0, bind_parameters, dependency_order, node_deps, resolve

INF = float("inf")
START = -1  # the anchor of the step that starts the plan: the plan start itself


class Check(NamedTuple):
    """A constraint, checked at the node where both of its days are known."""

    constraint: Constraint
    first: int  # node index
    then: int
    lo: int | None
    hi: int | None
    hard: int | None  # the hard limit a drug's interval may not pass (medication_extends)
    extends: bool  # a drug's washout floor on `then` may carry it past `hi`
    then_late: int  # days `then`'s step may start after its target
    then_start: int  # the start node of `then`'s step (where a drug's floor applies)


class Relation(NamedTuple):
    """x - y lies in [low, high] days in every plan (y = START for the plan start)."""

    x: int
    y: int
    low: float
    high: float
    node: int  # a node whose drug floor lifts the upper side (to `relaxed`), else -1
    relaxed: float


class Network:
    """The solver's view of one protocol with its active steps and parameter values."""

    def __init__(self, protocol: Protocol, values: Mapping[str, int]) -> None:
        self.protocol = protocol
        self.values = dict(values)
        order = dependency_order(protocol)
        self.order = order
        self.n = n = len(order)
        pos = {node: i for i, node in enumerate(order)}
        self.pos = pos
        steps = {s.id: s for s in protocol.steps}
        self.step: list[Step] = [steps[sid] for sid, _ in order]
        self.day0 = pos[(protocol.day0_step.id, "start")]
        self.start_node = {s.id: pos[(s.id, "start")] for s in protocol.steps}
        self.end_node = {s.id: pos[(s.id, "end")] for s in protocol.steps}
        self.parents = [frozenset(pos[d] for d in node_deps(protocol, node)) for node in order]
        v = self.v
        # start nodes; for end nodes anchor is unused
        self.is_end = [edge == "end" for _, edge in order]
        self.anchor = [START] * n
        self.offset = [0] * n
        self.months = [0] * n
        self.early = [0] * n
        self.late = [0] * n
        self.rule = [Rule.calendar] * n
        self.workday = [False] * n
        self.warn = [False] * n
        self.prefs: list[tuple[int, ...]] = [()] * n
        self.fallback_from = [0] * n
        # end nodes: end = day of end_ref + end_add; start_of: the same step's start node
        self.end_ref = [-1] * n
        self.end_add = [0] * n
        self.start_of = [-1] * n
        for i, (sid, edge) in enumerate(order):
            s = steps[sid]
            if edge == "start":
                pl = s.placement
                if pl.after == DAY0:
                    self.anchor[i] = self.day0
                elif pl.after is not None:
                    self.anchor[i] = pos[(pl.after, pl.edge)]
                self.offset[i] = v(pl.offset)
                self.months[i] = pl.offset_months
                self.early[i], self.late[i] = v(pl.early), v(pl.late)
                self.rule[i] = pl.rule
                self.workday[i] = pl.rule is not Rule.calendar
                self.warn[i] = s.outside_window == "warn"
                self.prefs[i], self.fallback_from[i] = preference(
                    pl.rule, self.early[i], self.late[i]
                )
                continue
            self.start_of[i] = pos[(sid, "start")]
            if s.ends_before is not None:
                self.end_ref[i], self.end_add[i] = pos[(s.ends_before, "start")], -1
            elif s.end_day is not None:
                self.end_ref[i], self.end_add[i] = self.day0, v(s.end_day)
            else:
                length = v(s.duration) if s.duration is not None else 1
                self.end_ref[i], self.end_add[i] = pos[(sid, "start")], length - 1
        # each constraint is checked as soon as both of its days are placed
        checks: list[list[Check]] = [[] for _ in range(n)]
        for c in protocol.constraints:
            first, then = pos[(c.first.step, c.first.edge)], pos[(c.then.step, c.then.edge)]
            checks[max(first, then)].append(
                Check(
                    c,
                    first,
                    then,
                    v(c.min) if c.min is not None else None,
                    v(c.max) if c.max is not None else None,
                    v(c.hard_max) if c.hard_max is not None else None,
                    c.medication_extends,
                    v(steps[c.then.step].placement.late),
                    pos[(c.then.step, "start")],
                )
            )
        self.checks = [tuple(cs) for cs in checks]
        # everything a one-pass placement reads of a node, in one tuple
        self.nodes = tuple(
            (
                self.end_ref[i],
                self.end_add[i],
                self.start_of[i],
                self.anchor[i],
                self.months[i],
                self.offset[i],
                self.prefs[i],
                self.workday[i],
                self.checks[i],
            )
            for i in range(n)
        )
        self.all_checks = tuple(  # in the protocol's order, for warnings
            sorted(
                (c for cs in checks for c in cs),
                key=lambda c: protocol.constraints.index(c.constraint),
            )
        )
        self.age_limited = any(s.min_age is not None for s in protocol.steps)
        self.relations = self._relations()
        self._plan_protocols: dict[tuple[str, ...], Protocol] = {}
        # days implied by a shape of pins and floors (search.implied_days), relative to them
        self.implied: dict[Any, tuple[list[float], list[float]] | None] = {}
        self.events = tuple((s, pos[(s.id, "start")], pos[(s.id, "end")]) for s in protocol.steps)

    def v(self, value: int | str) -> int:
        return resolve(self.protocol, self.values, value)

    def _relations(self) -> tuple[Relation, ...]:
        """What every plan satisfies between two days, whatever the calendar: a step inside its
        window (unless it may warn outside it), an end at its fixed distance, every constraint.
        Month offsets are left out (no fixed distance in days)."""
        out = []
        for i in range(self.n):
            if self.is_end[i]:
                add = self.end_add[i]
                out.append(Relation(i, self.end_ref[i], add, add, -1, add))
                out.append(Relation(i, self.start_of[i], 0, INF, -1, INF))
            elif not self.warn[i] and not self.months[i]:
                off = self.offset[i]
                out.append(
                    Relation(i, self.anchor[i], off - self.early[i], off + self.late[i], i, INF)
                )
        for cs in self.checks:
            for c in cs:
                out.append(
                    Relation(
                        c.then,
                        c.first,
                        -INF if c.lo is None else c.lo,
                        INF if c.hi is None else c.hi,
                        c.then_start if c.extends else -1,
                        INF if c.hard is None else c.hard,
                    )
                )
        return tuple(out)

    def plan_protocol(self, kept: tuple[str, ...] | None) -> Protocol:
        """The protocol a plan carries: its steps limited to those the plan kept (age rules;
        None: all)."""
        if kept is None or len(kept) == len(self.protocol.steps):
            return self.protocol
        p = self._plan_protocols.get(kept)
        if p is None:
            steps = [s for s in self.protocol.steps if s.id in kept]
            p = self._plan_protocols[kept] = self.protocol.model_copy(update={"steps": steps})
        return p


@lru_cache(maxsize=256)
def preference(rule: Rule, early: int, late: int) -> tuple[tuple[int, ...], int]:
    """Offsets from the target inside the window in the order the rule prefers them, and the
    index from which they are fallback days (the side the rule does not prefer: tried only when
    no preferred day passes the step's own checks)."""
    if rule is Rule.previous:
        return (*range(0, -early - 1, -1), *range(1, late + 1)), early + 1
    if rule is Rule.nearest:
        out = [0]
        for k in range(1, max(early, late) + 1):
            if k <= early:
                out.append(-k)
            if k <= late:
                out.append(k)
        return tuple(out), len(out)
    days = (*range(0, late + 1), *range(-1, -early - 1, -1))
    # next: later days first, earlier ones only as a fallback; calendar: any day of the window
    return days, (late + 1 if rule is Rule.next else len(days))


class Compiled:
    """Networks of one protocol object, by active steps and parameter values."""

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol  # holds the object: its id() stays unique while cached
        self.defaults = bind_parameters(protocol, {})
        # dose series, per-dose steps and cycles as ordinary steps (protocol.expand)
        self.expandable = needs_expansion(protocol)
        planned = expand(protocol, self.defaults) if self.expandable else protocol
        self.step_ids = tuple(s.id for s in planned.steps)
        self.conditional = [(s.id, frozenset(s.only_if)) for s in planned.steps if s.only_if]
        self.networks: dict[tuple[tuple[str, ...], tuple[int, ...]], Network] = {}
        self.expanded: dict[tuple[int, ...], tuple[Protocol, list[tuple[str, frozenset[str]]]]] = {}

    def network(self, facts: frozenset[str], values: Mapping[str, int]) -> Network:
        """The network of the steps a patient's facts select, for these parameter values."""
        vkey = tuple(values.values())
        active, conditional = self.protocol, self.conditional
        if self.expandable:
            got = self.expanded.get(vkey)
            if got is None:
                if len(self.expanded) >= _MAX_NETWORKS:
                    self.expanded.clear()
                planned = expand(self.protocol, values)
                need = [(s.id, frozenset(s.only_if)) for s in planned.steps if s.only_if]
                got = self.expanded[vkey] = (planned, need)
            active, conditional = got
        excluded = tuple(sid for sid, need in conditional if not need <= facts)
        key = (excluded, vkey)
        net = self.networks.get(key)
        if net is None:
            if excluded:
                steps = [s for s in active.steps if s.id not in excluded]
                active = active.model_copy(update={"steps": steps})
            if len(self.networks) >= _MAX_NETWORKS:
                self.networks.clear()
            net = self.networks[key] = Network(active, values)
        return net


_COMPILED: dict[int, Compiled] = {}
_MAX_PROTOCOLS = 32
_MAX_NETWORKS = 256  # per protocol: parameter sets and patient facts seen


def compiled(protocol: Protocol) -> Compiled:
    """The compiled form of `protocol` (the same object: a protocol is frozen)."""
    c = _COMPILED.get(id(protocol))
    if c is None or c.protocol is not protocol:
        if len(_COMPILED) >= _MAX_PROTOCOLS:
            _COMPILED.clear()
        c = _COMPILED[id(protocol)] = Compiled(protocol)
    return c
