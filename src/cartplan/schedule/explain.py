"""Failures and moves as messages: which constraint or step, which days, by how many, and the
drug when a medication floor decides. Built only for what is reported: a search keeps its
failures as data, so a plan that fits costs no words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cartplan.messages import Message, Text, msg
from cartplan.schedule.candidates import Bound, Days, skipped
from cartplan.schedule.network import START, Network
from cartplan.schedule.search import PRUNED, Failure, Move

_day = date.fromordinal


def anchor(net: Network, i: int) -> Message:
    """What start node `i`'s target counts from."""
    a = net.anchor[i]
    if a == START:
        return msg("anchor.plan_start")
    if a == net.day0:
        return msg("anchor.day0")
    sid, edge = net.order[a]
    return msg("anchor.step", step=sid, edge=edge)


def window(net: Network, i: int, lo: int, hi: int, target: int, early: int) -> Message:
    return msg(
        "window.days",
        lo=_day(lo),
        hi=_day(hi),
        target=_day(target),
        offset=net.offset[i],
        anchor=anchor(net, i),
        early=early,
        late=net.late[i],
    )


def problem(net: Network, days: Days, what: tuple[Any, ...]) -> Message:
    """A failure in words."""
    kind = what[0]
    if kind in ("short", "over", "hard"):
        return _constraint(what)
    if kind == "pin":
        _, i, pinned, lo, hi, bound = what
        early, late, closed = _PIN_CODES["infusion" if bound.kind == "infusion" else "pin"]
        where = {
            "step": net.order[i][0],
            "day": _day(pinned),
            "lo": _day(lo),
            "hi": _day(hi),
            "anchor": anchor(net, i),
            "offset": net.offset[i],
        }
        if pinned < lo:
            return msg(early, days=lo - pinned, **where)
        if pinned > hi:
            return msg(late, days=pinned - hi, **where)
        reason = days.closed(pinned) if net.workday[i] else None
        return msg(closed, step=where["step"], day=_day(pinned), reason=reason)
    if kind == "pin_side":
        _, i, pinned, target = what
        return msg(
            "pin.not_preferred",
            step=net.order[i][0],
            day=_day(pinned),
            target=_day(target),
            days=abs(target - pinned),
        )
    if kind == "window":
        _, i, lo, hi, target, early, distance = what
        return msg(
            "step.no_working_day",
            step=net.order[i][0],
            window=window(net, i, lo, hi, target, early),
            days=distance,
        )
    if kind == "ends":
        _, i, end, start = what
        return msg("step.ends_before_start", step=net.order[i][0], end=_day(end), start=_day(start))
    return msg("plan.not_found")


# D0 of a backward plan is worded as the infusion day asked for; any other pin as a pin
_PIN_CODES = {
    "infusion": ("infusion.too_early", "infusion.too_late", "infusion.not_working_day"),
    "pin": ("pin.too_early", "pin.too_late", "pin.not_working_day"),
}


def _constraint(what: tuple[Any, ...]) -> Message:
    kind, check, a, b = what[:4]
    c = check.constraint
    gap = b - a
    common = {
        "constraint": c.id,
        "description": c.description,
        "then": c.then.step,
        "first": c.first.step,
        "first_edge": c.first.edge,
        "gap": gap,
    }
    if kind == "hard":
        drug: Bound = what[4]
        return msg(
            "constraint.hard_limit",
            reason=drug.why,
            hard=check.hard,
            over=gap - check.hard,
            **common,
        )
    days = {"then_edge": c.then.edge, "then_day": _day(b), "first_day": _day(a)}
    if kind == "short":
        limit = what[4]
        return msg("constraint.too_short", min=limit, short=limit - gap, **common, **days)
    limit, drug_or_none = what[4], what[5]
    if drug_or_none is not None:
        return msg(
            "constraint.too_long_for_drug",
            max=limit,
            over=gap - limit,
            reason=drug_or_none.why,
            **common,
            **days,
        )
    return msg("constraint.too_long", max=limit, over=gap - limit, **common, **days)


def involves(net: Network, what: tuple[Any, ...]) -> set[str]:
    """The steps a failure is about."""
    if what[0] in ("short", "over", "hard"):
        c = what[1].constraint
        return {c.first.step, c.then.step}
    if what[0] in ("pin", "pin_side", "window", "ends"):
        return {net.order[what[1]][0]}
    return set()


def failure(net: Network, days: Days, f: Failure | None, pins: Mapping[str, date]) -> Message:
    """The reported failure; when it concerns a pinned step, it says which pin."""
    if f is None:
        return msg("plan.not_found")
    words = problem(net, days, f.what)
    if f.what[0] not in ("pin", "pin_side"):
        for sid in sorted(involves(net, f.what) & pins.keys()):
            return msg("pin.breaks", step=sid, day=pins[sid], problem=words)
    return words


def limit(code: str, limit: int, net: Network, days: Days, f: Failure | None) -> Message:
    last: Text = problem(net, days, f.what) if f is not None else msg("plan.no_problem")
    return msg(code, limit=limit, problem=last)


def note(net: Network, days: Days, bound: Bound | None, move: Move) -> Message | None:
    """Why a step is not on its target day."""
    i, t, day, why_problem, later, outside = move
    if why_problem is None and outside is None and bound is None and net.workday[i]:
        # the usual note, "moved from Sat …: weekend": the same for every plan that has it
        moved = days.moved
        if t not in moved:
            shut = days.closed(t)
            moved[t] = msg("step.moved", target=_day(t), why=shut) if shut is not None else None
        return moved[t]
    target = _day(t)
    if outside is not None:
        lo, hi, early, by = outside
        code = "step.outside_window_before" if day < lo else "step.outside_window_after"
        return msg(
            code,
            window=window(net, i, lo, hi, t, early),
            target=target,
            reason=days.closed(t) if net.workday[i] else None,
            days=by,
        )
    why = skipped(net, i, t, day, days, bound)
    reason = None
    if why_problem is not None and why_problem is not PRUNED:
        reason = problem(net, days, why_problem)
    if later and reason is not None and why is not None:
        return msg("step.moved_earlier", target=target, why=why, problem=reason)
    if why is not None:
        return msg("step.moved", target=target, why=why)
    if reason is not None:
        return msg("step.moved", target=target, why=reason)
    return None
