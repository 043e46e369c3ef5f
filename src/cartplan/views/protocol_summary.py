"""Human-readable protocol summaries and the JSON Schema of the protocol format."""

from __future__ import annotations

from cartplan.protocol.format import Placement, Protocol, Step, Value


def _v(value: Value | None, defaults: dict[str, int] | None = None) -> str:
    """A step value as written, with a parameter's default value beside its name."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    name, _, bound = value.partition(".")
    known = defaults or {}
    return f"{value} (= {known[name]})" if not bound and name in known else value


def timing(s: Step, defaults: dict[str, int]) -> str:
    """The step's placement in words, e.g. 'D0 -5 .. end D-3' or 'washout start +washout_days'."""
    pl: Placement = s.placement
    anchor = (
        "plan start"
        if pl.after is None
        else ("D0" if pl.after == "day0" else f"{pl.after} {pl.edge}")
    )
    months = f" +{pl.offset_months} months" if pl.offset_months else ""
    offset = _v(pl.offset, defaults)
    text = f"{anchor}{months} {'+' if not offset.startswith('-') else ''}{offset} days"
    if pl.early != 0 or pl.late != 0:
        text += f" (window -{_v(pl.early, defaults)}/+{_v(pl.late, defaults)})"
    if pl.rule.value != "calendar":
        text += f", {pl.rule.value} working day"
    if s.duration is not None:
        text += f"; lasts {_v(s.duration, defaults)} days"
    elif s.end_day is not None:
        text += f"; until day {_v(s.end_day, defaults)} after D0"
    elif s.ends_before is not None:
        text += f"; until the day before {s.ends_before}"
    return text


def _modality(p: Protocol, defaults: dict[str, int]) -> list[str]:
    """Issue-12 settings, only where a protocol sets them (older protocols read as before)."""
    out = []
    if "modality" in p.model_fields_set or p.product_source != "autologous":
        out.append(f"modality: {p.modality.value}; product: {p.product_source}")
    if p.retreatment:
        out.append("re-treatment with a stored cryopreserved lot (no apheresis, no manufacturing)")
    w = p.washout
    if w is not None:
        anchor = w.anchor or "the apheresis"
        text = f"washout: {w.policy.value}"
        if w.stop_days is not None:
            text += f", {w.stop_days} days"
        if w.policy.value != "none":
            text += f" before {anchor}"
        if w.glucocorticoid_max_mg is not None:
            text += f"; glucocorticoids below {w.glucocorticoid_max_mg:g} mg/day prednisone-eq."
        out.append(text + (f" [{', '.join(w.references)}]" if w.references else ""))
    if p.day_origin == 1:
        out.append("day numbers shown from day 1 (the first dose is day 1; there is no day 0)")
    if p.cycles != 1:
        gap = _v(p.cycle_gap_days, defaults)
        start = p.cycle_from or p.day0_step.id
        out.append(f"cycles: {_v(p.cycles, defaults)}, D0 to D0 {gap} days, from {start}")
    return out


def _doses_of(s: Step, defaults: dict[str, int]) -> list[str]:
    if s.each_dose is not None:
        return [f"      repeated after each dose of {s.each_dose}"]
    sr = s.series
    if sr is None:
        return []
    if sr.days is not None:
        doses = f"doses on days {', '.join(str(d) for d in sr.days)} after the first"
    else:
        assert sr.repeat is not None  # noqa: S101 - validated: days or repeat
        count, every = _v(sr.repeat.count, defaults), _v(sr.repeat.every_days, defaults)
        doses = f"{count} doses, every {every} days"
    if sr.early != 0 or sr.late != 0:
        doses += f" (window -{_v(sr.early, defaults)}/+{_v(sr.late, defaults)})"
    return [f"      {doses}; ids {s.id}, {s.id}-2, …"]


def describe(p: Protocol) -> str:
    defaults = {x.name: x.default for x in p.parameters}
    out = [
        f"{p.id} v{p.version}: {p.title}",
        p.description,
        f"diseases: {', '.join(p.diseases)}",
        *([f"WARNING: {p.warning}"] if p.warning else []),
        *_modality(p, defaults),
        "",
    ]
    out.append("parameters (set with --set NAME=VALUE):")
    for x in p.parameters:
        mark = " †" if x.assumption else ""
        out.append(
            f"  {x.name} = {x.default} {x.unit} (allowed {x.min}–{x.max}){mark}: {x.description}"
        )
        if x.assumption:
            out.append(f"      † {x.assumption}")
    out += ["", "steps:"]
    for s in p.steps:
        mark = " †" if s.assumption else ""
        out.append(
            f"  {s.id} [{s.stage.value}] {s.title}{mark} — {timing(s, defaults)}; "
            f"teams: {', '.join(s.teams)}"
        )
        out += _doses_of(s, defaults)
        for d in s.regimen:
            days = ", ".join(f"D{x}" for x in d.days)
            out.append(
                f"      {d.agent} {d.dose:g} {d.unit} on {days}"
                + (" (on site, standby)" if d.standby else "")
                + f" [{', '.join(d.references)}]"
                + (f" † {d.assumption}" if d.assumption else "")
            )
        for d in s.premedication:
            days = ", ".join(f"{x:+d}" for x in d.days)
            out.append(
                f"      premedication {d.agent} {d.dose:g} {d.unit} on dose day {days}"
                + f" [{', '.join(d.references)}]"
                + (f" † {d.assumption}" if d.assumption else "")
            )
        if s.assumption:
            out.append(f"      † {s.assumption}")
    out += ["", "constraints:"]
    for c in p.constraints:
        bounds = " ".join(
            b
            for b in (
                f"min {_v(c.min)}" if c.min is not None else "",
                f"max {_v(c.max)}" if c.max is not None else "",
            )
            if b
        )
        out.append(
            f"  {c.id}: {c.description} ({c.first.step} {c.first.edge} → "
            f"{c.then.step} {c.then.edge}: {bounds} days)"
        )
    out += ["", "references:"]
    for r in p.references:
        ids = ", ".join(
            f"{k} {v}"
            for k, v in (("PMID", r.pmid), ("DOI", r.doi), ("PMCID", r.pmcid), ("URL", r.url))
            if v
        )
        out.append(f"  [{r.id}] ({r.status}) {r.citation}. {ids}")
    if p.assumptions:
        out += ["", "assumptions:", *(f"  † {a}" for a in p.assumptions)]
    return "\n".join(out)
