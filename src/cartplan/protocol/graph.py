"""A protocol as a graph of days: parameter values, dependencies between step days, their order.

Pure: used by the rules (validation) and by the scheduler."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cartplan.errors import InputError, ProtocolError
from cartplan.messages import listed, msg
from cartplan.protocol.format import Protocol, Value

if TYPE_CHECKING:
    pass


DAY0 = "day0"


Node = tuple[str, str]  # (step id, "start" | "end")


def bind_parameters(protocol: Protocol, overrides: Mapping[str, int]) -> dict[str, int]:
    """The protocol's defaults with `overrides` applied; each override range-checked."""
    values = {p.name: p.default for p in protocol.parameters}
    for name, value in overrides.items():
        if name not in values:
            known = listed(sorted(values))
            raise InputError(msg("parameter.unknown", protocol=protocol.id, name=name, known=known))
        p = protocol.parameter(name)
        if not p.min <= value <= p.max:
            raise InputError(
                msg(
                    "parameter.out_of_range",
                    name=name,
                    value=value,
                    min=p.min,
                    max=p.max,
                    unit=p.unit,
                )
            )
        values[name] = value
    return values


def resolve(protocol: Protocol, values: Mapping[str, int], value: Value) -> int:
    """A step value: a literal, a parameter's value, or NAME.min / NAME.max of its range."""
    if isinstance(value, int):
        return value
    name, _, bound = value.partition(".")
    if name not in values or bound not in ("", "min", "max"):
        raise ProtocolError([msg("parameter.unknown_reference", protocol=protocol.id, value=value)])
    if bound == "":
        return values[name]
    p = protocol.parameter(name)
    return p.min if bound == "min" else p.max


def node_deps(protocol: Protocol, node: Node) -> set[Node]:
    """The days that must be known before `node` (a step's start or end) can be placed."""
    steps = {s.id: s for s in protocol.steps}
    day0 = next((s.id for s in protocol.steps if s.day0), None)
    sid, edge = node
    s = steps[sid]
    if edge == "start":
        after = s.placement.after
        if after == DAY0:
            return {(day0, "start")} if day0 is not None else set()
        return {(after, s.placement.edge)} if after is not None and after in steps else set()
    deps: set[Node] = {(sid, "start")}
    if s.end_day is not None and day0 is not None:
        deps.add((day0, "start"))
    if s.ends_before is not None and s.ends_before in steps:
        deps.add((s.ends_before, "start"))
    return deps


def dependency_order(protocol: Protocol) -> list[Node]:
    """Start/end nodes in an order where each follows what it depends on (protocol order first).

    Raises ProtocolError naming the steps of a cycle.
    """
    index = {s.id: i for i, s in enumerate(protocol.steps)}
    deps = {
        (s.id, edge): node_deps(protocol, (s.id, edge))
        for s in protocol.steps
        for edge in ("start", "end")
    }
    users: dict[Node, list[Node]] = {n: [] for n in deps}
    for n, ds in deps.items():
        for d in ds:
            users[d].append(n)
    waiting = {n: len(ds) for n, ds in deps.items()}

    def key(n: Node) -> tuple[int, int]:
        return index[n[0]], 0 if n[1] == "start" else 1

    ready = [(key(n), n) for n, k in waiting.items() if k == 0]
    heapq.heapify(ready)
    order: list[Node] = []
    while ready:
        _, n = heapq.heappop(ready)
        order.append(n)
        for u in users[n]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, (key(u), u))
    if len(order) < len(deps):
        stuck = sorted({n[0] for n, k in waiting.items() if k > 0}, key=index.__getitem__)
        raise ProtocolError([msg("steps.cycle", steps=stuck)])
    return order


def downstream(protocol: Protocol, step_id: str) -> set[str]:
    """The steps whose first days follow from `step_id`'s days (transitively), not counting
    itself: placed after it (after D0 when it is the infusion) or held after it by a constraint.
    Ends that follow a step (`ends_before`, `end_day`) are not counted: a step's end is always
    worked out again from its start."""
    steps = {s.id: s for s in protocol.steps}
    if step_id not in steps:
        return set()
    day0 = next((s.id for s in protocol.steps if s.day0), None)
    users: dict[str, set[str]] = {sid: set() for sid in steps}
    for s in protocol.steps:
        after = day0 if s.placement.after == DAY0 else s.placement.after
        if after is not None and after in users and after != s.id:
            users[after].add(s.id)
    for c in protocol.constraints:
        if c.first.step in users and c.then.step in steps and c.first.step != c.then.step:
            users[c.first.step].add(c.then.step)
    seen: set[str] = set()
    todo = [step_id]
    while todo:
        for u in users[todo.pop()]:
            if u not in seen and u != step_id:
                seen.add(u)
                todo.append(u)
    return seen
