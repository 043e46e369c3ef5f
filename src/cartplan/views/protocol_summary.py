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


def describe(p: Protocol) -> str:
    defaults = {x.name: x.default for x in p.parameters}
    out = [
        f"{p.id} v{p.version}: {p.title}",
        p.description,
        f"diseases: {', '.join(p.diseases)}",
        *([f"WARNING: {p.warning}"] if p.warning else []),
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
        for d in s.regimen:
            days = ", ".join(f"D{x}" for x in d.days)
            out.append(
                f"      {d.agent} {d.dose:g} {d.unit} on {days}"
                + (" (on site, standby)" if d.standby else "")
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
