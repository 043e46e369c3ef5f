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
        f"{p.id} v{p.version} · start {fmt(plan.start)} · D0 infusion {fmt(plan.day0)}",
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


def columns(rows: list[list[str]], widths: list[int], gap: str = "  ") -> list[str]:
    """Rows of cells laid out in fixed-width columns, each cell wrapped to its column.

    rich.table lays out the same table about ten times slower, and the timeline is the first
    thing users run: start-up time is a feature. Widths count terminal cells (wide characters).
    """
    import textwrap

    from rich.cells import set_cell_size

    out = []
    for row in rows:
        cells = [
            [
                w
                for part in cell.split("\n")
                for w in textwrap.wrap(part, width, break_on_hyphens=False) or [""]
            ]
            for cell, width in zip(row, widths, strict=True)
        ]
        for i in range(max(len(c) for c in cells)):
            parts = [
                set_cell_size(c[i], w) if i < len(c) else " " * w
                for c, w in zip(cells, widths, strict=True)
            ]
            out.append(gap.join(parts).rstrip())
    return out


def to_table(plan: Plan, width: int = 80) -> RenderableType:
    """The timeline as a table for the terminal, fitted to `width` cells."""
    from rich.text import Text

    head = header_lines(plan)
    day_w = max(4, *(len(span_label(e)) for e in plan.events))
    rest = max(width - 16 - day_w - 8, 30)  # 4 gaps of 2 cells between 5 columns
    step_w, team_w = rest * 2 // 5, max(12, rest // 4)
    widths = [16, day_w, step_w, team_w, rest - step_w - team_w]
    rows = []
    for e in plan.events:
        short = e.start.strftime("%a %Y-%m-%d")
        date = short if e.start == e.end else f"{short}\n→ {e.end.strftime('%a %Y-%m-%d')}"
        rows.append(
            [date, span_label(e), step_label(e), ", ".join(e.step.teams), "\n".join(event_notes(e))]
        )
    text = Text()
    text.append(head[0] + "\n", style="bold")
    text.append("\n".join(head[1:]) + "\n\n")
    text.append(
        "\n".join(columns([["Date", "Day", "Step", "Teams", "Notes"]], widths)) + "\n", style="bold"
    )
    text.append("─" * min(width, sum(widths) + 8) + "\n")
    text.append("\n".join(columns(rows, widths)) + "\n\n")
    text.append(ASSUMPTION_NOTE.format(plan.protocol.id))
    for w in plan.warnings:
        text.append(f"\nwarning: {w}", style="yellow")
    return text
