"""Plan -> JSON (a stable contract), Markdown, and a rich table for the terminal."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from cartplan.engine import Event, Plan, fmt

if TYPE_CHECKING:
    from rich.console import RenderableType


def day_label(day: int) -> str:
    """Day relative to infusion as clinicians write it: D-5, D0, D14."""
    return f"D{day}"


def span_label(e: Event) -> str:
    return day_label(e.day) if e.day == e.day_end else f"{day_label(e.day)}..{day_label(e.day_end)}"


def regimen_lines(e: Event) -> list[str]:
    return [
        f"{d.agent} {d.dose:g} {d.unit} on {', '.join(day_label(x) for x in d.days)}"
        for d in e.step.regimen
    ]


def cells(n: float) -> str:
    """A cell count as printed in papers: 1x10^6, 12.5x10^6."""
    mantissa, exp = f"{n:.3e}".split("e")
    return f"{float(mantissa):g}x10^{int(exp)}"


def cell_dose_line(e: Event) -> str | None:
    c = e.step.cell_dose
    if c is None:
        return None
    if c.per_kg:
        return f"{cells(c.per_kg)} CAR-T cells/kg"
    return f"{cells(c.flat or 0)} CAR-T cells (flat dose)"


def has_assumption(e: Event) -> bool:
    return bool(e.step.assumption or any(d.assumption for d in e.step.regimen))


def step_label(e: Event) -> str:
    """The step's title, marked † when its timing or content rests on an assumption."""
    return e.step.title + (" †" if has_assumption(e) else "")


ASSUMPTION_NOTE = (
    "† rests on an assumption the literature does not confirm: cartplan protocols show {}"
)


def event_notes(e: Event) -> list[str]:
    """What a reader needs beside the title: why it moved, and doses."""
    lines = [*e.notes, *regimen_lines(e)]
    if (dose := cell_dose_line(e)) is not None:
        lines.append(dose)
    return lines


def event_json(e: Event) -> dict[str, Any]:
    day0 = e.start - timedelta(days=e.day)
    out: dict[str, Any] = {
        "id": e.step.id,
        "stage": e.step.stage.value,
        "title": e.step.title,
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "day": e.day,
        "day_end": e.day_end,
        "teams": list(e.step.teams),
        "notes": list(e.notes),
    }
    if e.step.watch:
        out["watch"] = list(e.step.watch)
    if e.step.regimen:
        out["regimen"] = [
            {
                "agent": d.agent,
                "dose": d.dose,
                "unit": d.unit,
                "days": list(d.days),
                "dates": [(day0 + timedelta(days=x)).isoformat() for x in d.days],
                "assumption": d.assumption,
            }
            for d in e.step.regimen
        ]
    if e.step.cell_dose is not None:
        c = e.step.cell_dose
        out["cell_dose"] = {"product": c.product, "per_kg": c.per_kg, "flat": c.flat}
    out["references"] = list(e.step.references)
    out["assumption"] = e.step.assumption
    return out


def plan_json(plan: Plan) -> dict[str, Any]:
    p = plan.protocol
    return {
        "protocol": {"id": p.id, "version": p.version, "title": p.title},
        "start": plan.start.isoformat(),
        "day0": plan.day0.isoformat(),
        "parameters": dict(plan.parameters),
        "events": [event_json(e) for e in plan.events],
        "warnings": list(plan.warnings),
    }


def to_json(plan: Plan) -> str:
    return json.dumps(plan_json(plan), indent=2, ensure_ascii=False) + "\n"


def changed_parameters(plan: Plan) -> list[str]:
    return [
        f"{x.name}={plan.parameters[x.name]} (default {x.default})"
        for x in plan.protocol.parameters
        if plan.parameters[x.name] != x.default
    ]


def header_lines(plan: Plan) -> list[str]:
    p = plan.protocol
    lines = [
        f"{p.title}",
        f"protocol {p.id} v{p.version} · start {fmt(plan.start)} · D0 (infusion) {fmt(plan.day0)}",
    ]
    if changed := changed_parameters(plan):
        lines.append("parameters: " + ", ".join(changed))
    return lines


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(plan: Plan) -> str:
    head = header_lines(plan)
    out = [f"# {_md(head[0])}", "", *(_md(x) + "  " for x in head[1:]), ""]
    out += ["| Date | Day | Step | Teams | Notes |", "|---|---|---|---|---|"]
    for e in plan.events:
        date = fmt(e.start) if e.start == e.end else f"{fmt(e.start)} – {fmt(e.end)}"
        out.append(
            f"| {date} | {span_label(e)} | {_md(step_label(e))} | {', '.join(e.step.teams)} | "
            f"{'<br>'.join(_md(n) for n in event_notes(e))} |"
        )
    out += ["", _md(ASSUMPTION_NOTE.format(plan.protocol.id))]
    if plan.warnings:
        out += ["", *(f"> **Warning:** {_md(w)}" for w in plan.warnings)]
    return "\n".join(out) + "\n"


def to_table(plan: Plan) -> RenderableType:
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = header_lines(plan)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Day", no_wrap=True)
    table.add_column("Step", ratio=3, overflow="fold")
    table.add_column("Teams", ratio=2, overflow="fold")
    table.add_column("Notes", ratio=3, overflow="fold")
    for e in plan.events:
        short = e.start.strftime("%a %Y-%m-%d")
        date = short if e.start == e.end else f"{short}\n→ {e.end.strftime('%a %Y-%m-%d')}"
        table.add_row(
            Text(date),
            Text(span_label(e)),
            Text(step_label(e)),
            Text(", ".join(e.step.teams)),
            Text("\n".join(event_notes(e))),
        )
    parts: list[RenderableType] = [
        Text(head[0], style="bold"),
        *(Text(x) for x in head[1:]),
        Text(""),
        table,
        Text(ASSUMPTION_NOTE.format(plan.protocol.id)),
    ]
    parts += [Text(f"warning: {w}", style="yellow") for w in plan.warnings]
    return Group(*parts)
