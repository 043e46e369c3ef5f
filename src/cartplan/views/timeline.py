"""Plan -> JSON (a stable contract), Markdown, and a rich table for the terminal."""

from __future__ import annotations

from cartplan.dates import fmt
from cartplan.patient.privacy import phi_fields
from cartplan.schedule.plan import Event, Plan
from cartplan.views import facts


def day_label(day: int) -> str:
    """Day relative to infusion as clinicians write it: D-5, D0, D14."""
    return f"D{day}"


def span_label(e: Event, sep: str = "..") -> str:
    return (
        day_label(e.day) if e.day == e.day_end else f"{day_label(e.day)}{sep}{day_label(e.day_end)}"
    )


def duration_text(minutes: int) -> str:
    """90 -> '1 h 30 min', 240 -> '4 h', 45 -> '45 min'."""
    h, m = divmod(minutes, 60)
    return " ".join(x for x in (f"{h} h" if h else "", f"{m} min" if m else "") if x)


def time_text(e: Event, short: bool = False) -> str:
    """'08:30–12:30 (4 h)' for a timed appointment ('… each day' over several days); '' all-day.
    `short` leaves out the length, for narrow columns."""
    if e.time is None:
        return ""
    hh, mm = map(int, e.time.split(":"))
    end = (hh * 60 + mm + e.minutes) % 1440
    text = f"{e.time}–{end // 60:02d}:{end % 60:02d}"
    if not short:
        text += f" ({duration_text(e.minutes)})"
    if e.end > e.start:
        text += " daily" if short else " each day"
    return text


def regimen_lines(e: Event, plan: Plan) -> list[str]:
    """Doses as protocol units, and as mg for this patient when a profile is given."""
    dosing = plan.dosing
    if dosing is None:
        from cartplan.views.facts import dose_lines

        out = []
        for r, x in zip(e.step.regimen, dose_lines(e, plan), strict=True):
            days = ", ".join(day_label(day) for day in r.days)
            out.append(
                f"{x.text} ({days})" if x.standby else f"{x.text.replace(':', '')} on {days}"
            )
        return out
    lines = []
    for d in dosing.doses:
        if d.step != e.step.id:
            continue
        days = ", ".join(day_label(x) for x in d.days)
        if d.standby:
            lines.append(
                f"{d.agent} on site {days}: {d.amount_mg:g} mg ({d.dose:g} {d.unit})"
                + (f" — {d.note}" if d.note else "")
            )
        else:
            lines.append(
                f"{d.agent} {d.dose:g} {d.unit} = {d.amount_mg:g} mg/day on {days} "
                f"(total {d.total_mg:g} mg)"
            )
        if d.adjustment is not None:
            lines.append(f"adjusted: {d.adjustment.reason} ({d.adjustment.rule})")
    return lines


def cell_dose_line(e: Event, plan: Plan) -> str | None:
    c = e.step.cell_dose
    if c is None:
        return None
    from cartplan.patient.dosing import cells

    patient = plan.dosing.cell_dose if plan.dosing is not None else None
    if c.per_kg:
        line = f"{cells(c.per_kg)} CAR-T cells/kg"
        if c.range_per_kg is not None:
            line += f" (protocol range {cells(c.range_per_kg[0])}–{cells(c.range_per_kg[1])}/kg)"
        if patient is not None:
            line += f" = {cells(patient.cells)} cells"
        return line
    return f"{cells(c.flat or 0)} CAR-T cells (flat dose)"


def has_assumption(e: Event) -> bool:
    return bool(e.step.assumption or any(d.assumption for d in e.step.regimen))


def step_label(e: Event) -> str:
    """The step's title, marked † when its timing or content rests on an assumption."""
    return e.step.title + (" †" if has_assumption(e) else "")


ASSUMPTION_NOTE = (
    "† rests on an assumption the literature does not confirm: cartplan protocols show {}"
)


def event_notes(e: Event, plan: Plan) -> list[str]:
    """What a reader needs beside the title: why it moved, and doses."""
    from cartplan.views.facts import age_lines

    lines = [*facts.notes(e), *regimen_lines(e, plan)]
    if (dose := cell_dose_line(e, plan)) is not None:
        lines.append(dose)
    return lines + age_lines(e, plan)


def changed_parameters(plan: Plan) -> list[str]:
    return [
        f"{x.name}={plan.parameters[x.name]} (default {x.default})"
        for x in plan.protocol.parameters
        if plan.parameters[x.name] != x.default
    ]


def patient_lines(plan: Plan, include_phi: bool) -> list[str]:
    """Who the plan is for (pseudonymous unless asked) and each computed number with its formula."""
    pt, d = plan.patient, plan.dosing
    if pt is None or d is None:
        return []
    facts = [f"patient {pt.label}"]
    facts += [
        x
        for x in (
            pt.sex,
            f"{d.age} y" if d.age is not None else None,
            f"{pt.weight_kg:g} kg" if pt.weight_kg else None,
            f"{pt.height_cm:g} cm" if pt.height_cm else None,
        )
        if x
    ]
    lines = [" · ".join(facts)]
    if include_phi:
        phi = phi_fields(plan.patient)
        lines.append(" · ".join(f"{k}: {v}" for k, v in phi.items() if v))
    lines += [
        f"{c.name} {c.value:.3f} {c.unit} = {c.formula}"
        if c.unit == "m²"
        else f"{c.name} {c.value:.1f} {c.unit} = {c.formula}"
        for c in d.calcs
    ]
    return lines


def header_lines(plan: Plan, include_phi: bool = False) -> list[str]:
    p = plan.protocol
    lines = [
        f"{p.title}",
        f"{p.id} v{p.version} · start {fmt(plan.start)} · D0 infusion {fmt(plan.day0)}",
    ]
    if changed := changed_parameters(plan):
        lines.append("parameters: " + ", ".join(changed))
    return lines + patient_lines(plan, include_phi)


def md_escape(text: str) -> str:
    """Text that Markdown shows literally (labels and notes come from users and files)."""
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def to_markdown(plan: Plan, include_phi: bool = False) -> str:
    head = header_lines(plan, include_phi)
    out = [f"# {md_escape(head[0])}", "", *(md_escape(x) + "  " for x in head[1:]), ""]
    out += ["| Date | Day | Step | Teams | Notes |", "|---|---|---|---|---|"]
    for e in plan.events:
        date = fmt(e.start) if e.start == e.end else f"{fmt(e.start)} – {fmt(e.end)}"
        if e.time is not None:
            date += f", {time_text(e)}"
        out.append(
            f"| {date} | {span_label(e)} | {md_escape(step_label(e))} | "
            f"{', '.join(e.step.teams)} | "
            f"{'<br>'.join(md_escape(n) for n in event_notes(e, plan))} |"
        )
    out += ["", md_escape(ASSUMPTION_NOTE.format(plan.protocol.id))]
    if warnings := facts.warnings(plan):
        out += ["", *(f"> **Warning:** {md_escape(w)}" for w in warnings)]
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


def to_table(plan: Plan, width: int = 80, include_phi: bool = False) -> str:
    """The timeline as plain text fitted to `width` cells: the first thing users run prints
    without loading rich (start-up time is a feature); no line is wider than `width`."""
    import textwrap

    head = header_lines(plan, include_phi)
    day_w = max(4, *(len(span_label(e)) for e in plan.events))
    rest = max(width - 16 - day_w - 8, 30)  # 4 gaps of 2 cells between 5 columns
    step_w, team_w = rest * 2 // 5, max(12, rest // 4)
    widths = [16, day_w, step_w, team_w, rest - step_w - team_w]
    rows = []
    for e in plan.events:
        short = e.start.strftime("%a %Y-%m-%d")
        date = short if e.start == e.end else f"{short}\n→ {e.end.strftime('%a %Y-%m-%d')}"
        if e.time is not None:
            date += f"\n{time_text(e, short=True)}"
        rows.append(
            [
                date,
                span_label(e),
                step_label(e),
                ", ".join(e.step.teams),
                "\n".join(event_notes(e, plan)),
            ]
        )
    lines = [w for line in head for w in textwrap.wrap(line, width, subsequent_indent="  ")]
    lines += ["", *columns([["Date", "Day", "Step", "Teams", "Notes"]], widths)]
    lines += ["─" * min(width, sum(widths) + 8), *columns(rows, widths), ""]
    notes = [
        ASSUMPTION_NOTE.format(plan.protocol.id),
        *(f"warning: {w}" for w in facts.warnings(plan)),
    ]
    lines += [w for line in notes for w in textwrap.wrap(line, width, subsequent_indent="  ")]
    return "\n".join(lines) + "\n"
