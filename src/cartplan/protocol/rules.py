"""Semantic checks of a protocol beyond its shape, in the spirit of CDISC USDM CORE rules.

Each problem names where it is (step, field) and what is allowed; the file name is added by the
loader. Pure: works on the parsed model only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from cartplan.errors import ProtocolError
from cartplan.messages import Text
from cartplan.protocol.format import ForWhom, Protocol, Rule, Stage, Step, Value
from cartplan.protocol.graph import DAY0, Node, dependency_order, resolve

MAX_SPAN = 7320  # days from the plan start any step may reach, either way (about 20 years)

_PMID = re.compile(r"^\d{1,8}$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PMCID = re.compile(r"^PMC\d{4,9}$")
_URL = re.compile(r"^https://\S+$")
FACT = re.compile(r"^(prior:[a-z0-9-]+|cns-involvement)$")


def validate(p: Protocol) -> list[Text]:
    """Every rule violation in `p`, one line each; empty when the protocol is sound."""
    problems: list[Text] = []
    problems += _unique_ids(p)
    problems += _references(p)
    problems += _anchors(p)
    problems += _parameters(p)
    if problems:  # the checks below resolve ids and values, so they need the above to hold
        return problems
    problems += _windows(p)
    problems += _regimens(p)
    problems += _conditional_steps(p)
    problems += _renal_bands(p)
    problems += _audiences(p)
    problems += _ward_times(p)
    problems += _failure_paths(p)
    try:
        order = dependency_order(p)
    except ProtocolError as e:
        problems += e.problems
    else:
        if not problems:
            problems += _span(p, order)
    return problems


def _failure_paths(p: Protocol) -> list[str]:
    """A failure path goes back to a step the failed one follows from (its re-collection)."""
    from cartplan.protocol.graph import downstream

    out = []
    for s in p.steps:
        if s.on_failure is None:
            continue
        back = s.on_failure.repeat_from
        if back != s.id and s.id not in downstream(p, back):
            out.append(
                f"steps[{s.id}].on_failure.repeat_from: '{back}' is not a step that {s.id} "
                "follows from; the path must go back to an earlier step"
            )
        problem = _param_ref_problem(p, f"steps[{s.id}].on_failure.after", s.on_failure.after)
        if problem is not None:
            out.append(problem)
    return out


def _duplicates(kind: str, ids: Iterable[str]) -> list[str]:
    return [
        f"{kind}: id '{i}' is used {n} times; ids must be unique"
        for i, n in Counter(ids).items()
        if n > 1
    ]


def _unique_ids(p: Protocol) -> list[str]:
    return (
        _duplicates("steps", (s.id for s in p.steps))
        + _duplicates("teams", (t.id for t in p.teams))
        + _duplicates("references", (r.id for r in p.references))
        + _duplicates("parameters", (x.name for x in p.parameters))
        + _duplicates("constraints", (c.id for c in p.constraints))
    )


def _values(step: Step) -> list[tuple[str, Value | None]]:
    pl = step.placement
    return [
        ("placement.offset", pl.offset),
        ("placement.early", pl.early),
        ("placement.late", pl.late),
        ("duration", step.duration),
        ("end_day", step.end_day),
    ]


def _param_ref_problem(p: Protocol, where: str, value: Value | None) -> str | None:
    if not isinstance(value, str):
        return None
    name, _, bound = value.partition(".")
    names = [x.name for x in p.parameters]
    if name not in names or bound not in ("", "min", "max"):
        return (
            f"{where}: '{value}' is neither a number nor a parameter "
            f"(known: {', '.join(names) or 'none'}; NAME, NAME.min or NAME.max)"
        )
    return None


def _references(p: Protocol) -> list[str]:
    out: list[str] = []
    steps = [s.id for s in p.steps]
    known_steps = set(steps)
    teams = {t.id for t in p.teams}
    refs = {r.id for r in p.references}

    def cite(where: str, ids: list[str]) -> None:
        out.extend(
            f"{where}.references: unknown reference '{r}' (known: {', '.join(sorted(refs))})"
            for r in ids
            if r not in refs
        )

    def step_ref(where: str, sid: str, allow_day0: bool = False) -> None:
        if sid in known_steps or (allow_day0 and sid == DAY0):
            return
        extra = ", day0" if allow_day0 else ""
        out.append(f"{where}: unknown step '{sid}' (known: {', '.join(steps)}{extra})")

    for r in p.references:
        where = f"references[{r.id}]"
        if r.kind in ("article", "guideline") and not (r.pmid or r.doi or r.pmcid):
            out.append(f"{where}: an {r.kind} needs a pmid, a doi or a pmcid")
        if r.kind in ("label", "regulatory") and not r.url:
            out.append(f"{where}: a {r.kind} needs its official url")
        if r.pmid is not None and not _PMID.match(r.pmid):
            out.append(f"{where}.pmid: '{r.pmid}' is not a PubMed id (1–8 digits)")
        if r.doi is not None and not _DOI.match(r.doi):
            out.append(f"{where}.doi: '{r.doi}' is not a DOI (10.NNNN/suffix)")
        if r.pmcid is not None and not _PMCID.match(r.pmcid):
            out.append(f"{where}.pmcid: '{r.pmcid}' is not a PubMed Central id (PMC + digits)")
        if r.url is not None and not _URL.match(r.url):
            out.append(f"{where}.url: '{r.url}' is not an https URL")
    for x in p.parameters:
        cite(f"parameters[{x.name}]", x.references)
    cite("dosing", p.dosing.references)
    for c in p.constraints:
        where = f"constraints[{c.id}]"
        step_ref(f"{where}.first.step", c.first.step)
        step_ref(f"{where}.then.step", c.then.step)
        cite(where, c.references)
        for field, value in (("min", c.min), ("max", c.max), ("hard_max", c.hard_max)):
            if (problem := _param_ref_problem(p, f"{where}.{field}", value)) is not None:
                out.append(problem)
    for s in p.steps:
        where = f"steps[{s.id}]"
        out.extend(
            f"{where}.teams: team '{t}' is not declared (declared: {', '.join(sorted(teams))})"
            for t in s.teams
            if t not in teams
        )
        if s.placement.after is not None:
            step_ref(f"{where}.placement.after", s.placement.after, allow_day0=True)
        if s.ends_before is not None:
            step_ref(f"{where}.ends_before", s.ends_before)
        cite(where, s.references)
        if s.on_failure is not None:
            step_ref(f"{where}.on_failure.repeat_from", s.on_failure.repeat_from)
            cite(f"{where}.on_failure", s.on_failure.references)
        for i, d in enumerate(s.regimen):
            cite(f"{where}.regimen[{i}]", d.references)
            for j, band in enumerate(d.renal):
                cite(f"{where}.regimen[{i}].renal[{j}]", band.references)
            for j, wband in enumerate(d.weight):
                cite(f"{where}.regimen[{i}].weight[{j}]", wband.references)
        for i, item in enumerate(s.checklist):
            cite(f"{where}.checklist[{i}]", item.references)
        for i, esc in enumerate(s.escalation):
            cite(f"{where}.escalation[{i}]", esc.references)
        if s.cell_dose is not None:
            cite(f"{where}.cell_dose", s.cell_dose.references)
        for field, value in _values(s):
            if (problem := _param_ref_problem(p, f"{where}.{field}", value)) is not None:
                out.append(problem)
    return out


def _anchors(p: Protocol) -> list[str]:
    out: list[str] = []
    day0 = [s for s in p.steps if s.day0]
    if len(day0) != 1:
        out.append(
            f"steps: exactly one step must be the D0 anchor (day0: true); found {len(day0)}"
            + (f" ({', '.join(s.id for s in day0)})" if day0 else "")
        )
    for s in day0:
        if s.stage is not Stage.infusion:
            out.append(f"steps[{s.id}].stage: the D0 anchor must be an infusion, not {s.stage}")
        if s.placement.after == DAY0:
            out.append(f"steps[{s.id}].placement.after: the D0 anchor cannot be placed after day0")
    starts = [s for s in p.steps if s.placement.after is None]
    if len(starts) != 1:
        out.append(
            "steps: exactly one step must start the plan (no placement.after); found "
            f"{len(starts)}" + (f" ({', '.join(s.id for s in starts)})" if starts else "")
        )
    for s in p.steps:
        given = [
            f
            for f, v in (
                ("duration", s.duration),
                ("end_day", s.end_day),
                ("ends_before", s.ends_before),
            )
            if v is not None
        ]
        if len(given) > 1:
            out.append(
                f"steps[{s.id}]: give at most one of duration, end_day, ends_before "
                f"(got {', '.join(given)})"
            )
        if s.stage is Stage.monitoring and not s.watch:
            out.append(f"steps[{s.id}].watch: a monitoring step must say what it watches")
        if s.stage is Stage.lymphodepletion and not s.regimen:
            out.append(f"steps[{s.id}].regimen: a lymphodepletion step must list its drugs")
    return out


def _parameters(p: Protocol) -> list[str]:
    out = []
    for x in p.parameters:
        if x.min > x.max:
            out.append(f"parameters[{x.name}]: min {x.min} is above max {x.max}")
        elif not x.min <= x.default <= x.max:
            out.append(
                f"parameters[{x.name}].default: {x.default} is outside its range {x.min}–{x.max}"
            )
    return out


def _windows(p: Protocol) -> list[str]:
    """Windows and durations must be non-negative for every value a plan may set."""
    out: list[str] = []
    defaults = {x.name: x.default for x in p.parameters}

    def settings(*values: Value | None) -> list[dict[str, int]]:
        """The defaults, and each parameter that `values` name at each end of its range."""
        out = [defaults]
        for name in {v.partition(".")[0] for v in values if isinstance(v, str)}:
            x = p.parameter(name)
            out += [{**defaults, name: x.min}, {**defaults, name: x.max}]
        return out

    def worst(value: Value) -> int:
        return min(resolve(p, vals, value) for vals in settings(value))

    for s in p.steps:
        where = f"steps[{s.id}]"
        pl = s.placement
        for field, value in (("early", pl.early), ("late", pl.late)):
            if (w := worst(value)) < 0:
                out.append(f"{where}.placement.{field}: window is {w} days; must be 0 or more")
        if pl.rule is Rule.nearest and "early" not in pl.model_fields_set:
            out.append(
                f"{where}.placement: rule 'nearest' needs both early and late (early missing)"
            )
        if pl.rule is Rule.nearest and "late" not in pl.model_fields_set:
            out.append(
                f"{where}.placement: rule 'nearest' needs both early and late (late missing)"
            )
        if s.duration is not None and (w := worst(s.duration)) < 1:
            out.append(f"{where}.duration: {w} days; a step lasts at least 1 day")
    for c in p.constraints:
        where = f"constraints[{c.id}]"
        if c.min is None and c.max is None:
            out.append(f"{where}: give min, max or both")
        elif c.min is not None and c.max is not None:
            for vals in settings(c.min, c.max):
                lo, hi = resolve(p, vals, c.min), resolve(p, vals, c.max)
                if lo > hi:
                    out.append(f"{where}: min {lo} is above max {hi}")
                    break
    return out


def _regimens(p: Protocol) -> list[str]:
    """Dose days must fall on the days of their own step (for steps fixed relative to D0)."""
    out = []
    defaults = {x.name: x.default for x in p.parameters}
    for s in p.steps:
        if not s.regimen or s.placement.after != DAY0 or s.placement.offset_months:
            continue
        first = resolve(p, defaults, s.placement.offset)
        if s.end_day is not None:
            last = resolve(p, defaults, s.end_day)
        else:
            last = first + (resolve(p, defaults, s.duration) if s.duration is not None else 1) - 1
        for i, d in enumerate(s.regimen):
            outside = [day for day in d.days if not first <= day <= last]
            if outside:
                out.append(
                    f"steps[{s.id}].regimen[{i}].days: {d.agent} on day(s) "
                    f"{', '.join(map(str, outside))} outside the step's days {first}..{last}"
                )
            if len(set(d.days)) != len(d.days):
                out.append(f"steps[{s.id}].regimen[{i}].days: a day is listed twice")
    return out


def _conditional_steps(p: Protocol) -> list[str]:
    """A step planned only for some patients must not anchor or constrain any other step."""
    out = []
    conditional = {s.id for s in p.steps if s.only_if or s.min_age is not None}
    for s in p.steps:
        for fact in s.only_if:
            if not FACT.match(fact):
                out.append(
                    f"steps[{s.id}].only_if: '{fact}' is not a fact "
                    "(cns-involvement, prior:<drug class>)"
                )
        if s.only_if and s.day0:
            out.append(f"steps[{s.id}].only_if: the D0 anchor cannot be conditional")
        for field, ref in (("placement.after", s.placement.after), ("ends_before", s.ends_before)):
            if ref in conditional:
                out.append(
                    f"steps[{s.id}].{field}: '{ref}' is conditional (only_if, min_age) and "
                    "cannot anchor another step"
                )
    for c in p.constraints:
        for end in (c.first, c.then):
            if end.step in conditional:
                out.append(f"constraints[{c.id}]: step '{end.step}' is conditional (only_if)")
    return out


def _renal_bands(p: Protocol) -> list[str]:
    out = []
    for s in p.steps:
        for i, d in enumerate(s.regimen):
            for j, b in enumerate(d.renal):
                where = f"steps[{s.id}].regimen[{i}].renal[{j}]"
                actions = [
                    a
                    for a, v in (
                        ("dose", b.dose),
                        ("factor", b.factor),
                        ("stop", b.stop or None),
                        ("warn", b.warn or None),
                    )
                    if v is not None
                ]
                if len(actions) != 1:
                    out.append(
                        f"{where}: give exactly one of dose, factor, stop, warn "
                        f"(got {', '.join(actions) or 'none'})"
                    )
                if b.crcl_min is None and b.crcl_below is None:
                    out.append(f"{where}: give crcl_min, crcl_below or both")
                elif (
                    b.crcl_min is not None
                    and b.crcl_below is not None
                    and b.crcl_min >= b.crcl_below
                ):
                    out.append(
                        f"{where}: crcl_min {b.crcl_min:g} is not below crcl_below {b.crcl_below:g}"
                    )
    return out


def _audiences(p: Protocol) -> list[str]:
    """Who-for conditions must be well-formed; with_agent must name a drug of its step."""
    out = []
    for s in p.steps:
        agents = {d.agent for d in s.regimen}
        if s.min_age is not None and s.day0:
            out.append(f"steps[{s.id}].min_age: the D0 anchor cannot depend on age")
        whos: list[tuple[str, ForWhom]] = [
            *((f"checklist[{i}]", c) for i, c in enumerate(s.checklist)),
            *((f"escalation[{i}]", x) for i, x in enumerate(s.escalation)),
        ]
        for field, who in whos:
            where = f"steps[{s.id}].{field}"
            if who.min_age is not None and who.max_age is not None and who.min_age > who.max_age:
                out.append(f"{where}: min_age {who.min_age} is above max_age {who.max_age}")
            out.extend(
                f"{where}.only_if: '{f}' is not a fact (cns-involvement, prior:<drug class>)"
                for f in who.only_if
                if not FACT.match(f)
            )
            agent = getattr(who, "with_agent", None)
            if agent is not None and agent not in agents:
                out.append(
                    f"{where}.with_agent: '{agent}' is not given in this step "
                    f"(agents: {', '.join(sorted(agents)) or 'none'})"
                )
    for c in p.constraints:
        if c.hard_max is not None and not c.medication_extends:
            out.append(f"constraints[{c.id}].hard_max: only with medication_extends: true")
    return out


def _minutes(clock: str) -> int:
    hh, mm = clock.split(":")
    return int(hh) * 60 + int(mm)


def _ward_times(p: Protocol) -> list[str]:
    """Explicit item times match times_per_day; shifts cover the day without gap or overlap."""
    out = []
    for s in p.steps:
        for i, c in enumerate(s.checklist):
            if c.times is None:
                continue
            where = f"steps[{s.id}].checklist[{i}].times"
            if len(c.times) != c.times_per_day:
                out.append(
                    f"{where}: {len(c.times)} times for times_per_day {c.times_per_day}; "
                    "give one time per occurrence"
                )
            if len(set(c.times)) != len(c.times):
                out.append(f"{where}: the same time is given twice")
    shifts = p.shifts
    for i, x in enumerate(shifts):
        following = shifts[(i + 1) % len(shifts)]
        if x.end != following.start:
            out.append(
                f"shifts[{i}] ({x.name}): ends {x.end} but the next shift ({following.name}) "
                f"starts {following.start}; shifts must follow each other without gap or overlap"
            )
    total = sum((_minutes(x.end) - _minutes(x.start)) % 1440 or 1440 for x in shifts)
    if not out and total != 1440:
        out.append(f"shifts: cover {total // 60} h {total % 60} min; together they must cover 24 h")
    return out


def check(p: Protocol) -> None:
    """Raise ProtocolError listing every problem of `p`."""
    problems = validate(p)
    if problems:
        raise ProtocolError(problems)


def _span(p: Protocol, order: list[Node]) -> list[str]:
    """Every day a plan can reach lies within MAX_SPAN days of its start, whatever values the
    parameters take in their ranges and wherever the windows put each step: bounds carried
    along the dependency order (a month counts as 28 to 31 days; a step that may leave its
    window, up to a year more). So whatever validates can be planned without dates running
    out of range."""
    ranges = {x.name: (x.min, x.max) for x in p.parameters}
    steps = {s.id: s for s in p.steps}
    day0 = next(s.id for s in p.steps if s.day0)

    def bounds(value: Value | None, default: int = 0) -> tuple[int, int]:
        if value is None:
            return default, default
        if isinstance(value, int):
            return value, value
        name, _, end = value.partition(".")
        lo, hi = ranges[name]
        return (lo, lo) if end == "min" else (hi, hi) if end == "max" else (lo, hi)

    at: dict[Node, tuple[int, int]] = {}
    for sid, edge in order:
        s = steps[sid]
        if edge == "start":
            pl = s.placement
            if pl.after is None:
                base = (0, 0)
            else:
                base = at[(day0, "start")] if pl.after == DAY0 else at[(pl.after, pl.edge)]
            offset = bounds(pl.offset)
            slack = 366 if s.outside_window == "warn" else 0
            lo = base[0] + 28 * pl.offset_months + offset[0] - max(bounds(pl.early)[1], 0)
            hi = base[1] + 31 * pl.offset_months + offset[1] + max(bounds(pl.late)[1], 0)
            lo, hi = lo - slack, hi + slack
        else:
            first = at[(sid, "start")]
            if s.ends_before is not None:
                lo, hi = (d - 1 for d in at[(s.ends_before, "start")])
            elif s.end_day is not None:
                d0, end = at[(day0, "start")], bounds(s.end_day)
                lo, hi = d0[0] + end[0], d0[1] + end[1]
            else:
                length = bounds(s.duration, 1)
                lo, hi = first[0] + length[0] - 1, first[1] + length[1] - 1
            lo, hi = min(lo, first[0]), max(hi, first[1])
        at[(sid, edge)] = (lo, hi)
        if lo < -MAX_SPAN or hi > MAX_SPAN:
            far = lo if lo < -MAX_SPAN else hi
            return [
                f"steps[{sid}]: its {edge} can fall {far} days from the plan start (with the "
                f"parameters' ranges and the windows); plans reach at most {MAX_SPAN} days "
                "either way"
            ]
    return []
