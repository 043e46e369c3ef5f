"""Dose series, per-dose steps and cycles turned into ordinary steps: the one place that rule lives.

`expand(protocol, values)` is pure. A protocol without `series`, `each_dose` or `cycles` comes
back unchanged (the same object), so existing protocols plan exactly as before. The scheduler
compiles the expanded protocol; every output reads the expanded steps like any other.

- A step with a series of n doses stays dose 1 (its id unchanged); doses 2..n become steps
  `<step>-2` … `<step>-n`, placed after dose 1's first day by the dose's day, inside the series'
  window and working-day rule. `<step>-1` names dose 1 wherever a step id is expected.
- A step with `each_dose: S` becomes `<step>-1` … `<step>-n`, copy k placed after dose k of S
  with the step's own placement. `<step>` names copy 1 wherever a step id is expected.
- With cycles m > 1, the D0-anchored steps from `cycle_from` on (in file order; follow-up visits
  excepted) are planned again for cycles 2..m, ids `-c2` … `-cm`; cycle k's D0 comes
  `cycle_gap_days` after cycle k-1's D0. Constraints between such steps are repeated too.

Regimen and premedication days of a series step count from each dose's day, premedication days
of any step from its first day; after expansion every Dose's `days` count from D0 again, as
everywhere else. Expanded steps are `ExpandedStep`s:
they remember the step they came from, which dose and which cycle: their titles stay the
protocol's, and the views add "(dose k of n)" (views.facts.title; i18n step.dose_title).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field

from cartplan.errors import InputError
from cartplan.messages import msg
from cartplan.protocol.format import (
    Constraint,
    Dose,
    Endpoint,
    OnFailure,
    Placement,
    Protocol,
    Series,
    Stage,
    Step,
    Value,
)
from cartplan.protocol.graph import DAY0, resolve

MAX_SERIES = 100  # doses in one series
MAX_CYCLES = 20


class ExpandedStep(Step):
    """A step made by the expansion (or dose 1 / cycle 1 of one), with where it came from."""

    origin: str = Field(description="Id of the protocol step this one was made from.")
    dose: tuple[int, int] | None = Field(
        default=None, description="(k, n): dose k of a series of n doses."
    )
    after_dose: tuple[int, int] | None = Field(
        default=None, description="(k, n): repeated after dose k of n (each_dose)."
    )
    cycle: tuple[int, int] | None = Field(default=None, description="(k, m): cycle k of m.")
    from_series: Series | None = Field(
        default=None, description="The series this dose belongs to (its `series` is cleared)."
    )


def _made(step: Step, **update: Any) -> ExpandedStep:
    """`step` with `update`, as an ExpandedStep (keeping what it already records)."""
    data = dict(step)
    known = {"origin": step.id}
    if isinstance(step, ExpandedStep):
        known = {}
    fields_set = set(step.model_fields_set) | set(update) | {"origin"}
    return ExpandedStep.model_construct(fields_set, **{**data, **known, **update})


def needs_expansion(p: Protocol) -> bool:
    """Whether `expand` changes `p` (never for an expanded protocol: expanding is idempotent)."""
    if any(isinstance(s, ExpandedStep) for s in p.steps):
        return False
    return p.cycles != 1 or any(
        s.series is not None or s.each_dose or (s.premedication and not s.day0) for s in p.steps
    )


def series_days(p: Protocol, values: Mapping[str, int], step: Step) -> list[int]:
    """Days of the doses after the first dose (0 first), for these parameter values."""
    s = step.series
    if s is None:
        return [0]
    if s.days is not None:
        return list(s.days)
    assert s.repeat is not None  # noqa: S101 - the rules require days or repeat
    count = resolve(p, values, s.repeat.count)
    every = resolve(p, values, s.repeat.every_days)
    return [k * every for k in range(count)]


def dose_id(step_id: str, k: int) -> str:
    """Dose k's step id: dose 1 is the series step itself."""
    return step_id if k == 1 else f"{step_id}-{k}"


def generated_ids(p: Protocol, values: Mapping[str, int]) -> dict[str, str]:
    """Every id the expansion makes, mapped to the protocol step it comes from, including the
    aliases (`<series>-1`, `<each_dose step>` itself)."""
    steps = {s.id: s for s in p.steps}
    out: dict[str, str] = {}
    for s in p.steps:
        if s.series is not None:
            n = len(series_days(p, values, s))
            out.update({f"{s.id}-{k}": s.id for k in range(1, n + 1)})
        if s.each_dose and s.each_dose in steps:
            n = len(series_days(p, values, steps[s.each_dose]))
            out.update({f"{s.id}-{k}": s.id for k in range(1, n + 1)})
    return out


def _base_day(p: Protocol, values: Mapping[str, int], s: Step) -> int:
    """Dose 1's target day relative to D0: 0 for the D0 step, else its offset after day0."""
    if s.day0 or s.placement.after is None:
        return 0
    return resolve(p, values, s.placement.offset)


def _shift(doses: Iterable[Dose], by: int) -> list[Dose]:
    return [
        d if by == 0 else d.model_copy(update={"days": [x + by for x in d.days]}) for d in doses
    ]


def expand(p: Protocol, values: Mapping[str, int]) -> Protocol:
    """The protocol with series, per-dose steps and cycles as ordinary steps (see module doc)."""
    if not needs_expansion(p):
        return p
    p = _cycles(_series(p, values), values)
    _named_steps_exist(p)
    return p


def _named_steps_exist(p: Protocol) -> None:
    """A step named by a dose number the parameters' values do not make (after: infusion-6 with
    four doses) is refused, naming it."""
    ids = {s.id for s in p.steps} | {DAY0}
    named = [
        *((f"steps[{s.id}].placement.after", s.placement.after) for s in p.steps),
        *((f"steps[{s.id}].ends_before", s.ends_before) for s in p.steps),
        *((f"constraints[{c.id}]", c.first.step) for c in p.constraints),
        *((f"constraints[{c.id}]", c.then.step) for c in p.constraints),
    ]
    if p.washout is not None:
        named.append(("washout.anchor", p.washout.anchor))
    for where, sid in named:
        if sid is not None and sid not in ids:
            raise InputError(msg("series.dose_missing", where=where, step=sid))


def _rename(p: Protocol, steps: list[Step], alias: Mapping[str, str]) -> Protocol:
    """Steps replaced, and every reference to a step id through `alias`."""

    def a(sid: str | None) -> str | None:
        return alias.get(sid, sid) if sid is not None else None

    out = []
    for s in steps:
        update: dict[str, Any] = {}
        if s.placement.after in alias:
            update["placement"] = s.placement.model_copy(update={"after": a(s.placement.after)})
        if s.ends_before in alias:
            update["ends_before"] = a(s.ends_before)
        if s.on_failure is not None and s.on_failure.repeat_from in alias:
            update["on_failure"] = s.on_failure.model_copy(
                update={"repeat_from": a(s.on_failure.repeat_from)}
            )
        out.append(s.model_copy(update=update) if update else s)
    constraints = [
        c.model_copy(
            update={
                "first": c.first.model_copy(update={"step": a(c.first.step)}),
                "then": c.then.model_copy(update={"step": a(c.then.step)}),
            }
        )
        if c.first.step in alias or c.then.step in alias
        else c
        for c in p.constraints
    ]
    changed: dict[str, Any] = {"steps": out, "constraints": constraints}
    if p.washout is not None and p.washout.anchor in alias:
        changed["washout"] = p.washout.model_copy(update={"anchor": a(p.washout.anchor)})
    if p.cycle_from in alias:
        changed["cycle_from"] = a(p.cycle_from)
    return p.model_copy(update=changed)


def _series(p: Protocol, values: Mapping[str, int]) -> Protocol:
    steps = {s.id: s for s in p.steps}
    alias: dict[str, str] = {}
    out: list[Step] = []
    for s in p.steps:
        if s.series is not None:
            days = series_days(p, values, s)
            n, base, series = len(days), _base_day(p, values, s), s.series
            alias[f"{s.id}-1"] = s.id
            first = _made(
                s,
                dose=(1, n),
                series=None,
                from_series=series,
                regimen=_shift(s.regimen, base),
                premedication=_shift(s.premedication, base),
            )
            out.append(first)
            for k, day in enumerate(days[1:], start=2):
                shift = base + day
                out.append(
                    _made(
                        s,
                        id=dose_id(s.id, k),
                        dose=(k, n),
                        day0=False,
                        series=None,
                        from_series=series,
                        on_failure=None,
                        placement=Placement(
                            after=s.id,
                            edge="start",
                            offset=day,
                            early=series.early,
                            late=series.late,
                            rule=series.rule,
                        ),
                        end_day=_plus(p, values, s.end_day, day),
                        regimen=_shift(s.regimen, shift),
                        premedication=_shift(s.premedication, shift),
                    )
                )
        elif s.each_dose:
            source = steps[s.each_dose]
            days = series_days(p, values, source)
            n = len(days)
            alias[s.id] = f"{s.id}-1"
            for k, day in enumerate(days, start=1):
                after = dose_id(source.id, k)
                placement = s.placement.model_copy(
                    update={"after": after, "edge": "start"}
                    if s.placement.after == DAY0
                    else {"after": after}
                )
                out.append(
                    _made(
                        s,
                        id=f"{s.id}-{k}",
                        after_dose=(k, n),
                        each_dose=None,
                        placement=placement,
                        end_day=_plus(p, values, s.end_day, day),
                        regimen=_shift(s.regimen, day),
                        premedication=_shift(s.premedication, _base_day(p, values, s) + day),
                        on_failure=None if k > 1 else s.on_failure,
                    )
                )
        else:
            # premedication days count from the step's first day: from D0 after expansion
            by = _base_day(p, values, s) if s.premedication else 0
            out.append(_made(s, premedication=_shift(s.premedication, by)) if by else s)
    return _rename(p, out, alias)


def _plus(p: Protocol, values: Mapping[str, int], value: Value | None, days: int) -> Value | None:
    """A D0-relative day `days` later (None stays None)."""
    if value is None:
        return None
    return resolve(p, values, value) + days


def cycle_members(p: Protocol) -> list[str]:
    """The steps a cycle repeats: the D0-anchored steps from cycle_from on, in file order,
    follow-up visits excepted (see the module doc)."""
    day0 = p.day0_step.id
    start = p.cycle_from or day0
    ids = [s.id for s in p.steps]
    if start not in ids:
        return []
    anchored = {day0}
    changed = True
    while changed:  # placements may name later steps: settle
        changed = False
        for s in p.steps:
            after = s.placement.after
            if s.id not in anchored and (after == DAY0 or after in anchored):
                anchored.add(s.id)
                changed = True
    tail = p.steps[ids.index(start) :]
    return [s.id for s in tail if s.id in anchored and s.stage is not Stage.follow_up]


def _cycles(p: Protocol, values: Mapping[str, int]) -> Protocol:
    m = resolve(p, values, p.cycles)
    if m <= 1:
        return p
    if not 1 <= m <= MAX_CYCLES:
        raise InputError(msg("cycles.out_of_range", value=m, max=MAX_CYCLES))
    assert p.cycle_gap_days is not None  # noqa: S101 - the rules require it with cycles
    gap = resolve(p, values, p.cycle_gap_days)
    members = cycle_members(p)
    member = set(members)
    day0 = p.day0_step.id
    out: list[Step] = []
    for s in p.steps:
        out.append((_made(s, cycle=(1, m))) if s.id in member else s)
    for k in range(2, m + 1):
        suffix = f"-c{k}"
        shift = gap * (k - 1)

        def ck(sid: str | None, suffix: str = suffix) -> str | None:
            return f"{sid}{suffix}" if sid in member else sid

        for s in p.steps:
            if s.id not in member:
                continue
            pl = s.placement
            if s.id == day0:
                prev = day0 if k == 2 else f"{day0}-c{k - 1}"
                placement = Placement(after=prev, edge="start", offset=gap)
            elif pl.after == DAY0:
                placement = pl.model_copy(update={"after": f"{day0}{suffix}", "edge": "start"})
            else:
                placement = pl.model_copy(update={"after": ck(pl.after)})
            on_failure: OnFailure | None = None
            if s.on_failure is not None and s.on_failure.repeat_from in member:
                on_failure = s.on_failure.model_copy(
                    update={"repeat_from": ck(s.on_failure.repeat_from)}
                )
            out.append(
                _made(
                    s,
                    id=f"{s.id}{suffix}",
                    cycle=(k, m),
                    day0=False,
                    placement=placement,
                    ends_before=ck(s.ends_before),
                    end_day=_plus(p, values, s.end_day, shift),
                    regimen=_shift(s.regimen, shift),
                    premedication=_shift(s.premedication, shift),
                    on_failure=on_failure,
                )
            )
    constraints: list[Constraint] = list(p.constraints)
    for k in range(2, m + 1):
        for c in p.constraints:
            if c.first.step in member and c.then.step in member:
                constraints.append(
                    c.model_copy(
                        update={
                            "id": f"{c.id}-c{k}",
                            "first": Endpoint(step=f"{c.first.step}-c{k}", edge=c.first.edge),
                            "then": Endpoint(step=f"{c.then.step}-c{k}", edge=c.then.edge),
                        }
                    )
                )
    return p.model_copy(
        update={
            "steps": out,
            "constraints": constraints,
            "cycles": 1,
            "cycle_gap_days": None,
            "cycle_from": None,
        }
    )
