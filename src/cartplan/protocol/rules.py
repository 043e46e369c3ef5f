"""Semantic checks of a protocol beyond its shape, in the spirit of CDISC USDM CORE rules.

Each problem names where it is (step, field) and what is allowed; the file name is added by the
loader. Pure: works on the parsed model only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from cartplan.errors import InputError, ProtocolError
from cartplan.messages import Message, Text, listed, msg
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
    problems += _modality(p)
    if problems:  # the checks below resolve ids and values, so they need the above to hold
        return problems
    problems += _windows(p)
    problems += _regimens(p)
    problems += _conditional_steps(p)
    problems += _renal_bands(p)
    problems += _audiences(p)
    problems += _ward_times(p)
    problems += _failure_paths(p)
    problems += _doses(p)
    if problems:
        return problems
    from cartplan.protocol.expand import expand

    try:  # the plan's steps are the expanded ones: their order and span must hold
        expanded = expand(p, {x.name: x.default for x in p.parameters})
        order = dependency_order(expanded)
    except ProtocolError as e:
        problems += e.problems
    except InputError as e:
        problems.append(e.message)
    else:
        problems += _span(expanded, order)
    return problems


def _failure_paths(p: Protocol) -> list[Message]:
    """A failure path goes back to a step the failed one follows from (its re-collection)."""
    from cartplan.protocol.graph import downstream

    out: list[Message] = []
    for s in p.steps:
        if s.on_failure is None:
            continue
        back = s.on_failure.repeat_from
        if back != s.id and s.id not in downstream(p, back):
            out.append(msg("failure.not_upstream", step=s.id, back=back))
        problem = _param_ref_problem(p, f"steps[{s.id}].on_failure.after", s.on_failure.after)
        if problem is not None:
            out.append(problem)
    return out


def _duplicates(kind: str, ids: Iterable[str]) -> list[Message]:
    return [
        msg("ids.duplicate", where=kind, id=i, times=n) for i, n in Counter(ids).items() if n > 1
    ]


def _unique_ids(p: Protocol) -> list[Message]:
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


def _param_ref_problem(p: Protocol, where: str, value: Value | None) -> Message | None:
    if not isinstance(value, str):
        return None
    name, _, bound = value.partition(".")
    names = [x.name for x in p.parameters]
    if name not in names or bound not in ("", "min", "max"):
        return msg("value.not_a_parameter", where=where, value=value, known=listed(names))
    return None


def _references(p: Protocol) -> list[Message]:
    out: list[Message] = []
    steps = [s.id for s in p.steps]
    known_steps = set(steps) | set(_generated(p))
    teams = {t.id for t in p.teams}
    refs = {r.id for r in p.references}

    def cite(where: str, ids: list[str]) -> None:
        out.extend(
            msg("reference.unknown", where=where, ref=r, known=sorted(refs))
            for r in ids
            if r not in refs
        )

    def step_ref(where: str, sid: str, allow_day0: bool = False) -> None:
        if sid in known_steps or (allow_day0 and sid == DAY0):
            return
        known = [*steps, DAY0] if allow_day0 else steps
        out.append(msg("step.unknown", where=where, step=sid, known=known))

    for r in p.references:
        where = f"references[{r.id}]"
        if not (r.pmid or r.doi or r.pmcid):
            if r.kind == "article":
                out.append(msg("reference.article_needs_id", where=where))
            elif r.kind == "guideline":
                out.append(msg("reference.guideline_needs_id", where=where))
        if not r.url:
            if r.kind == "label":
                out.append(msg("reference.label_needs_url", where=where))
            elif r.kind == "regulatory":
                out.append(msg("reference.regulatory_needs_url", where=where))
        if r.pmid is not None and not _PMID.match(r.pmid):
            out.append(msg("reference.bad_pmid", where=where, value=r.pmid))
        if r.doi is not None and not _DOI.match(r.doi):
            out.append(msg("reference.bad_doi", where=where, value=r.doi))
        if r.pmcid is not None and not _PMCID.match(r.pmcid):
            out.append(msg("reference.bad_pmcid", where=where, value=r.pmcid))
        if r.url is not None and not _URL.match(r.url):
            out.append(msg("reference.bad_url", where=where, value=r.url))
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
            msg("team.undeclared", where=where, team=t, declared=sorted(teams))
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
        for i, d in enumerate(s.premedication):
            cite(f"{where}.premedication[{i}]", d.references)
        if s.series is not None:
            cite(f"{where}.series", s.series.references)
        if s.each_dose is not None:
            step_ref(f"{where}.each_dose", s.each_dose)
        for field, value in _values(s):
            if (problem := _param_ref_problem(p, f"{where}.{field}", value)) is not None:
                out.append(problem)
    if p.washout is not None:
        cite("washout", p.washout.references)
        if p.washout.anchor is not None:
            step_ref("washout.anchor", p.washout.anchor)
    if p.cycle_from is not None:
        step_ref("cycle_from", p.cycle_from)
    for field, value in (("cycles", p.cycles), ("cycle_gap_days", p.cycle_gap_days)):
        if (problem := _param_ref_problem(p, field, value)) is not None:
            out.append(problem)
    return out


def _generated(p: Protocol) -> list[str]:
    """Step ids the expansion makes (doses, per-dose steps) at the parameters' defaults."""
    from cartplan.protocol.expand import generated_ids

    try:
        return list(generated_ids(p, {x.name: x.default for x in p.parameters}))
    except ProtocolError:  # a bad parameter reference: reported on its own
        return []


def _modality(p: Protocol) -> list[Message]:
    """What the product source, a re-treatment and the washout policy allow."""
    out: list[Message] = []
    collecting = (Stage.apheresis, Stage.manufacturing)
    for s in p.steps:
        if s.stage not in collecting:
            continue
        if p.product_source != "autologous":
            out.append(
                msg(
                    "source.step_not_allowed",
                    where=f"steps[{s.id}]",
                    source=p.product_source,
                    stage=s.stage.value,
                )
            )
        if p.retreatment:
            out.append(
                msg("retreatment.step_not_allowed", where=f"steps[{s.id}]", stage=s.stage.value)
            )
    w = p.washout
    if w is not None:
        if w.policy == "stop-before" and w.stop_days is None:
            out.append(msg("washout.stop_days_missing"))
        if w.policy != "stop-before" and w.stop_days is not None:
            out.append(msg("washout.stop_days_unused", policy=w.policy.value))
        if w.policy == "none" and w.glucocorticoid_max_mg is not None:
            out.append(msg("washout.glucocorticoid_with_none"))
    policy = "ebmt-table" if w is None else w.policy.value
    has_apheresis = any(s.stage is Stage.apheresis for s in p.steps)
    if policy != "none" and (w is None or w.anchor is None) and not has_apheresis:
        if w is not None or p.product_source != "autologous" or p.retreatment:
            out.append(msg("washout.no_anchor", policy=policy))
    return out


def _doses(p: Protocol) -> list[Message]:
    """Dose series, per-dose steps and cycles are well-formed for every value a plan may set."""
    from cartplan.protocol.expand import MAX_CYCLES, MAX_SERIES, cycle_members

    out: list[Message] = []
    steps = {s.id: s for s in p.steps}
    defaults = {x.name: x.default for x in p.parameters}
    day0 = p.day0_step

    def ends(value: Value) -> list[int]:
        """The value at the defaults and at each end of a parameter's range."""
        if isinstance(value, int):
            return [value]
        name = value.partition(".")[0]
        x = p.parameter(name)
        return [
            resolve(p, vals, value)
            for vals in (defaults, {**defaults, name: x.min}, {**defaults, name: x.max})
        ]

    ids = set(steps)
    for s in p.steps:
        where = f"steps[{s.id}]"
        sr = s.series
        if sr is not None:
            values: list[tuple[str, Value | None]] = [
                ("series.early", sr.early),
                ("series.late", sr.late),
            ]
            if sr.repeat is not None:
                values += [
                    ("series.repeat.count", sr.repeat.count),
                    ("series.repeat.every_days", sr.repeat.every_days),
                ]
            bad = [pr for f, v in values if (pr := _param_ref_problem(p, f"{where}.{f}", v))]
            if bad:
                out += bad
                continue
            if (sr.days is None) == (sr.repeat is None):
                out.append(msg("series.days_or_repeat", where=f"{where}.series"))
                continue
            if sr.days is not None:
                if sr.days[0] != 0:
                    out.append(msg("series.first_day_not_zero", where=f"{where}.series.days"))
                if any(b <= a for a, b in zip(sr.days, sr.days[1:], strict=False)):
                    out.append(msg("series.days_not_increasing", where=f"{where}.series.days"))
            if sr.repeat is not None:
                for n in ends(sr.repeat.count):
                    if not 1 <= n <= MAX_SERIES:
                        out.append(
                            msg(
                                "series.count_out_of_range",
                                where=f"{where}.series.repeat.count",
                                value=n,
                                max=MAX_SERIES,
                            )
                        )
                        break
                for n in ends(sr.repeat.every_days):
                    if n < 1:
                        out.append(
                            msg(
                                "series.spacing_too_short",
                                where=f"{where}.series.repeat.every_days",
                                value=n,
                            )
                        )
                        break
            for field, v in (("early", sr.early), ("late", sr.late)):
                if min(ends(v)) < 0:
                    out.append(
                        msg("window.negative", where=f"{where}.series.{field}", days=min(ends(v)))
                    )
            after = s.placement.after
            if not (s.day0 or after == DAY0 or (after == day0.id and s.placement.edge == "start")):
                out.append(msg("series.not_after_day0", where=where))
            if s.each_dose is not None:
                out.append(msg("series.with_each_dose", where=where))
        if s.each_dose is not None and s.each_dose in steps:
            source = steps[s.each_dose]
            if source.series is None:
                out.append(
                    msg("each_dose.not_a_series", where=f"{where}.each_dose", step=s.each_dose)
                )
            else:
                after = s.placement.after
                if not (after == source.id or (after == DAY0 and source.day0)):
                    out.append(
                        msg(
                            "each_dose.not_after_series",
                            where=f"{where}.placement.after",
                            step=source.id,
                        )
                    )
    from cartplan.protocol.expand import generated_ids

    if not out:
        for new, origin in sorted(generated_ids(p, defaults).items()):
            if new in ids and not (new == origin):
                out.append(msg("series.id_taken", where=f"steps[{origin}]", id=new))
    bad = [
        pr
        for f, v in (("cycles", p.cycles), ("cycle_gap_days", p.cycle_gap_days))
        if (pr := _param_ref_problem(p, f, v))
    ]
    if bad:
        return out + bad
    counts = ends(p.cycles)
    if not all(1 <= n <= MAX_CYCLES for n in counts):
        bad_n = next(n for n in counts if not 1 <= n <= MAX_CYCLES)
        out.append(msg("cycles.out_of_range", value=bad_n, max=MAX_CYCLES))
    elif max(counts) > 1:
        if p.cycle_gap_days is None:
            out.append(msg("cycles.gap_missing"))
        elif min(ends(p.cycle_gap_days)) < 1:
            out.append(msg("cycles.gap_too_short", days=min(ends(p.cycle_gap_days))))
        start = p.cycle_from or day0.id
        if start not in cycle_members(p):
            out.append(msg("cycles.from_not_anchored", where="cycle_from", step=start))
        else:
            members = set(cycle_members(p))
            taken = sorted(
                f"{sid}-c{k}"
                for sid in members
                for k in range(2, max(counts) + 1)
                if f"{sid}-c{k}" in ids
            )
            out += [msg("cycles.id_taken", id=i) for i in taken]
    return out


def _anchors(p: Protocol) -> list[Message]:
    out: list[Message] = []
    day0 = [s.id for s in p.steps if s.day0]
    if not day0:
        out.append(msg("steps.no_day0"))
    elif len(day0) > 1:
        out.append(msg("steps.several_day0", found=len(day0), steps=day0))
    for s in p.steps:
        if not s.day0:
            continue
        if s.stage is not Stage.infusion:
            out.append(msg("day0.not_infusion", where=f"steps[{s.id}]", stage=s.stage.value))
        if s.placement.after == DAY0:
            out.append(msg("day0.after_day0", where=f"steps[{s.id}]"))
    starts = [s.id for s in p.steps if s.placement.after is None]
    if not starts:
        out.append(msg("steps.no_start"))
    elif len(starts) > 1:
        out.append(msg("steps.several_starts", found=len(starts), steps=starts))
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
        where = f"steps[{s.id}]"
        if len(given) > 1:
            out.append(msg("step.several_ends", where=where, given=given))
        if s.stage is Stage.monitoring and not s.watch:
            out.append(msg("step.monitoring_without_watch", where=where))
        if s.stage is Stage.lymphodepletion and not s.regimen:
            out.append(msg("step.lymphodepletion_without_drugs", where=where))
    return out


def _parameters(p: Protocol) -> list[Message]:
    out = []
    for x in p.parameters:
        where = f"parameters[{x.name}]"
        if x.min > x.max:
            out.append(msg("bounds.min_above_max", where=where, min=x.min, max=x.max))
        elif not x.min <= x.default <= x.max:
            out.append(
                msg(
                    "parameter.default_outside_range",
                    where=where,
                    default=x.default,
                    min=x.min,
                    max=x.max,
                )
            )
    return out


def _windows(p: Protocol) -> list[Message]:
    """Windows and durations must be non-negative for every value a plan may set."""
    out: list[Message] = []
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
                out.append(msg("window.negative", where=f"{where}.placement.{field}", days=w))
        for edge in ("early", "late"):
            if pl.rule is Rule.nearest and edge not in pl.model_fields_set:
                out.append(msg("placement.nearest_needs_both", where=where, missing=edge))
        if s.duration is not None and (w := worst(s.duration)) < 1:
            out.append(msg("step.too_short", where=where, days=w))
    for c in p.constraints:
        where = f"constraints[{c.id}]"
        if c.min is None and c.max is None:
            out.append(msg("constraint.no_bounds", where=where))
        elif c.min is not None and c.max is not None:
            for vals in settings(c.min, c.max):
                lo, hi = resolve(p, vals, c.min), resolve(p, vals, c.max)
                if lo > hi:
                    out.append(msg("bounds.min_above_max", where=where, min=lo, max=hi))
                    break
    return out


def _regimens(p: Protocol) -> list[Message]:
    """Dose days must fall on the days of their own step (for steps fixed relative to D0; on a
    series step, relative to each dose's day)."""
    out = []
    defaults = {x.name: x.default for x in p.parameters}
    for s in p.steps:
        fixed = s.placement.after == DAY0 and not s.placement.offset_months
        if s.premedication and not (s.day0 or fixed):
            out.append(msg("premedication.not_fixed", where=f"steps[{s.id}].premedication"))
            continue
        if not (s.regimen or s.premedication) or not (fixed or s.series or s.premedication):
            continue
        first = 0 if s.series is not None or s.day0 else resolve(p, defaults, s.placement.offset)
        if s.end_day is not None and s.series is None:
            last = resolve(p, defaults, s.end_day)
        else:
            last = first + (resolve(p, defaults, s.duration) if s.duration is not None else 1) - 1
        doses = [
            *(("regimen", i, d, 0) for i, d in enumerate(s.regimen)),
            *(("premedication", i, d, first) for i, d in enumerate(s.premedication)),
        ]
        for field, i, d, base in doses:
            if field == "regimen" and s.day0 and s.series is None:
                continue  # the D0 step's regimen is not checked (as before)
            lo, hi = first - base, last - base
            where = f"steps[{s.id}].{field}[{i}]"
            outside = [day for day in d.days if not lo <= day <= hi]
            if outside:
                out.append(
                    msg(
                        "regimen.day_outside_step",
                        where=where,
                        agent=d.agent,
                        days=outside,
                        first=lo,
                        last=hi,
                    )
                )
            if len(set(d.days)) != len(d.days):
                out.append(msg("regimen.day_twice", where=where))
    return out


def _conditional_steps(p: Protocol) -> list[Message]:
    """A step planned only for some patients must not anchor or constrain any other step."""
    out: list[Message] = []
    conditional = {s.id for s in p.steps if s.only_if or s.min_age is not None}
    for s in p.steps:
        where = f"steps[{s.id}]"
        out.extend(
            msg("condition.not_a_fact", where=where, fact=fact)
            for fact in s.only_if
            if not FACT.match(fact)
        )
        if s.only_if and s.day0:
            out.append(msg("day0.conditional", where=where))
        for field, ref in (("placement.after", s.placement.after), ("ends_before", s.ends_before)):
            if ref in conditional:
                out.append(msg("condition.anchors_a_step", where=f"{where}.{field}", step=ref))
    for c in p.constraints:
        for end in (c.first, c.then):
            if end.step in conditional:
                out.append(
                    msg("condition.in_constraint", where=f"constraints[{c.id}]", step=end.step)
                )
    return out


def _renal_bands(p: Protocol) -> list[Message]:
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
                    out.append(msg("renal.one_action", where=where, got=listed(actions)))
                if b.crcl_min is None and b.crcl_below is None:
                    out.append(msg("renal.no_bounds", where=where))
                elif (
                    b.crcl_min is not None
                    and b.crcl_below is not None
                    and b.crcl_min >= b.crcl_below
                ):
                    out.append(
                        msg(
                            "renal.min_not_below",
                            where=where,
                            crcl_min=b.crcl_min,
                            crcl_below=b.crcl_below,
                        )
                    )
    return out


def _audiences(p: Protocol) -> list[Message]:
    """Who-for conditions must be well-formed; with_agent must name a drug of its step."""
    out = []
    for s in p.steps:
        agents = {d.agent for d in s.regimen}
        if s.min_age is not None and s.day0:
            out.append(msg("day0.depends_on_age", where=f"steps[{s.id}]"))
        whos: list[tuple[str, ForWhom]] = [
            *((f"checklist[{i}]", c) for i, c in enumerate(s.checklist)),
            *((f"escalation[{i}]", x) for i, x in enumerate(s.escalation)),
        ]
        for field, who in whos:
            where = f"steps[{s.id}].{field}"
            if who.min_age is not None and who.max_age is not None and who.min_age > who.max_age:
                out.append(
                    msg(
                        "audience.ages_crossed",
                        where=where,
                        min_age=who.min_age,
                        max_age=who.max_age,
                    )
                )
            out.extend(
                msg("condition.not_a_fact", where=where, fact=f)
                for f in who.only_if
                if not FACT.match(f)
            )
            agent = getattr(who, "with_agent", None)
            if agent is not None and agent not in agents:
                out.append(
                    msg(
                        "audience.agent_not_in_step",
                        where=where,
                        agent=agent,
                        agents=listed(sorted(agents)),
                    )
                )
    for c in p.constraints:
        if c.hard_max is not None and not c.medication_extends:
            out.append(msg("constraint.hard_max_alone", where=f"constraints[{c.id}]"))
    return out


def _minutes(clock: str) -> int:
    hh, mm = clock.split(":")
    return int(hh) * 60 + int(mm)


def _ward_times(p: Protocol) -> list[Message]:
    """Explicit item times match times_per_day; shifts cover the day without gap or overlap."""
    out = []
    for s in p.steps:
        for i, c in enumerate(s.checklist):
            if c.times is None:
                continue
            where = f"steps[{s.id}].checklist[{i}].times"
            if len(c.times) != c.times_per_day:
                out.append(
                    msg(
                        "ward.times_count",
                        where=where,
                        given=len(c.times),
                        times_per_day=c.times_per_day,
                    )
                )
            if len(set(c.times)) != len(c.times):
                out.append(msg("ward.time_twice", where=where))
    shifts = p.shifts
    for i, x in enumerate(shifts):
        following = shifts[(i + 1) % len(shifts)]
        if x.end != following.start:
            out.append(
                msg(
                    "shifts.gap_or_overlap",
                    where=f"shifts[{i}]",
                    name=x.name,
                    end=x.end,
                    next_name=following.name,
                    next_start=following.start,
                )
            )
    total = sum((_minutes(x.end) - _minutes(x.start)) % 1440 or 1440 for x in shifts)
    if not out and total != 1440:
        out.append(msg("shifts.not_a_day", hours=total // 60, minutes=total % 60))
    return out


def check(p: Protocol) -> None:
    """Raise ProtocolError listing every problem of `p`."""
    problems = validate(p)
    if problems:
        raise ProtocolError(problems)


def _span(p: Protocol, order: list[Node]) -> list[Message]:
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
                msg("step.span_too_long", where=f"steps[{sid}]", edge=edge, days=far, max=MAX_SPAN)
            ]
    return []
