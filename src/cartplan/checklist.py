"""Daily monitoring checklists: what the ward measures on a given day, how often, and when to call.

`sheets()` is pure (plan -> one DaySheet a day); the renderers turn sheets into plain text (for the
terminal, printed through rich), Markdown, or one print-ready HTML document. Every item, box count
and escalation criterion comes from the protocol file, never from this code.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from cartplan import facts
from cartplan.dates import fmt
from cartplan.engine import Event, Plan
from cartplan.facts import DoseText, EscalationLine, ItemLine, frequency, with_condition
from cartplan.protocol import Stage
from cartplan.render import md_escape


class Block(NamedTuple):
    """One step open on the day: a monitoring window, or a step that happens that day."""

    title: str
    position: str  # "day 6 of 15" for windows, "" for single-day steps
    items: tuple[ItemLine, ...]
    doses: tuple[DoseText, ...]
    escalation: tuple[EscalationLine, ...]
    references: tuple[str, ...]
    notes: tuple[str, ...] = ()  # why it moved, tasks due (on the step's first day)


class DaySheet(NamedTuple):
    date: date
    day: int
    windows: tuple[Block, ...]  # monitoring steps open on the day
    today: tuple[Block, ...]  # other steps with something to do on the day
    reminders: tuple[str, ...]  # spans without a checklist (washout, proximity, …)


def _doses(e: Event, plan: Plan, day: int) -> tuple[DoseText, ...]:
    """Drugs due on `day` (relative to D0), in mg when the patient's numbers are known."""
    lines = facts.dose_lines(e, plan, day)
    if e.step.day0 and e.step.cell_dose is not None:
        from cartplan.render import cell_dose_line

        lines.append(DoseText(f"CAR-T: {cell_dose_line(e, plan)}", False))
    return tuple(lines)


def item_text(it: ItemLine) -> str:
    return with_condition(it.text, it.condition)


def esc_text(esc: EscalationLine) -> str:
    return with_condition(esc.criterion, esc.condition)


def sheets(plan: Plan, days: Iterable[date], teams: Iterable[str] | None = None) -> list[DaySheet]:
    wanted = set(teams) if teams is not None else None
    events = [e for e in plan.events if wanted is None or wanted & set(e.step.teams)]
    out = []
    for d in days:
        rel = (d - plan.day0).days
        windows, today, reminders = [], [], []
        for e in events:
            if not e.start <= d <= e.end:
                continue
            s = e.step
            length = (e.end - e.start).days + 1
            position = f"day {(d - e.start).days + 1} of {length}" if length > 1 else ""
            block = Block(
                s.title,
                position,
                tuple(facts.items(e, plan, rel)),
                _doses(e, plan, rel),
                tuple(facts.escalations(e, plan)),
                tuple(s.references),
                e.notes if d == e.start else (),
            )
            if s.stage is Stage.monitoring:
                windows.append(block)
            elif block.items or block.doses or d == e.start or block.escalation:
                today.append(block)
            else:
                reminders.append(f"{s.title} ({position})" if position else s.title)
        out.append(DaySheet(d, rel, tuple(windows), tuple(today), tuple(reminders)))
    return out


def _tick(dose: DoseText) -> str:
    """What the nurse confirms: a standby drug is on site, every other dose is given."""
    return "on site" if dose.standby else "given"


def day_range(plan: Plan, first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def header(plan: Plan) -> str:
    label = plan.patient.label if plan.patient is not None else "(no patient label)"
    p = plan.protocol
    return f"Patient {label} · {p.id} v{p.version} · D0 {fmt(plan.day0)}"


SIGN_OFF = ("Checked by (name)", "Time", "Signature")


def cite(esc: EscalationLine) -> str:
    return f" [{', '.join(esc.references)}]" if esc.references else ""


# ---- plain text (terminal and print) ----


def _wrap(lines: list[str], width: int = 78) -> list[str]:
    """Wrap each line to `width`, continuing under its own indent (ward printers are narrow)."""
    import textwrap

    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        out += textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False) or [""]
    return out


def to_text(plan: Plan, pages: list[DaySheet]) -> str:
    return "\n".join(_wrap(_text_lines(plan, pages))).rstrip() + "\n"


def _text_lines(plan: Plan, pages: list[DaySheet]) -> list[str]:
    out: list[str] = []
    for page in pages:
        out += [header(plan), f"{fmt(page.date)} · D{page.day}", "=" * 78]
        for title, blocks in (("Open monitoring windows", page.windows), ("Due today", page.today)):
            if not blocks:
                continue
            out += ["", title.upper()]
            for b in blocks:
                out.append(f"* {b.title}" + (f" — {b.position}" if b.position else ""))
                out += [f"    note: {n}" for n in b.notes]
                for it in b.items:
                    out.append(f"    {item_text(it)} — {frequency(it.times)}")
                    out.append("      " + " ".join("[ ]" for _ in range(it.times)))
                out += [f"    dose: {x.text}  [ ] {_tick(x)}" for x in b.doses]
                for esc in b.escalation:
                    out.append(f"    ! IF {esc_text(esc)} -> {esc.action}{cite(esc)}")
        if not page.windows:
            out += [
                "",
                "No post-infusion monitoring window is open today."
                if page.day < 0
                else "No monitoring window is open today.",
            ]
        if page.reminders:
            out += ["", "Reminders: " + "; ".join(page.reminders)]
        out += [""] + [f"{label}: " + "_" * (40 - len(label)) for label in SIGN_OFF] + ["", ""]
    return out


# ---- Markdown ----


def to_markdown(plan: Plan, pages: list[DaySheet]) -> str:
    out: list[str] = []
    for page in pages:
        out += [f"## {md_escape(fmt(page.date))} · D{page.day}", "", md_escape(header(plan)), ""]
        for title, blocks in (("Open monitoring windows", page.windows), ("Due today", page.today)):
            if not blocks:
                continue
            out += [f"### {title}", ""]
            for b in blocks:
                out.append(f"**{md_escape(b.title)}**" + (f" — {b.position}" if b.position else ""))
                out.append("")
                out += [f"- note: {md_escape(n)}" for n in b.notes]
                for it in b.items:
                    out.append(
                        f"- {md_escape(item_text(it))} — {frequency(it.times)}: "
                        + " ".join("☐" for _ in range(it.times))
                    )
                out += [f"- dose: {md_escape(x.text)} — {_tick(x)} ☐" for x in b.doses]
                out += [
                    f"- ⚠ **If** {md_escape(esc_text(x))} → {md_escape(x.action)}"
                    f"{md_escape(cite(x))}"
                    for x in b.escalation
                ]
                out.append("")
        if not page.windows:
            out += ["No monitoring window is open today.", ""]
        if page.reminders:
            out += ["Reminders: " + "; ".join(md_escape(r) for r in page.reminders), ""]
        out += [f"{label}: ______________________  " for label in SIGN_OFF] + ["", "---", ""]
    return "\n".join(out).rstrip("-\n") + "\n"


# ---- HTML ----

CSS = """
@page { margin: 12mm; }  /* paper size from the printer: A4 and Letter both fit */
body { font: 11pt/1.35 system-ui, sans-serif; color: #000; margin: 0; }
section.day { page-break-after: always; break-after: page; padding: 4mm 0; }
section.day:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 4mm 0 1mm; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; } .meta { color: #333; }
ul { margin: 0 0 2mm; padding-left: 5mm; } li { margin: 1mm 0; list-style: none; }
input[type=checkbox] { width: 4.5mm; height: 4.5mm; margin: 0 1.5mm 0 0; vertical-align: middle; }
.esc { border-left: 3px solid #b00; padding-left: 2mm; }
.sign { margin-top: 6mm; } .sign span { display: inline-block; min-width: 55mm;
  border-bottom: 1px solid #000; margin-right: 6mm; height: 7mm; }
@media print { a { color: inherit; } }
@media screen { section.day { border-bottom: 1px dashed #999; } }
"""


def to_html(plan: Plan, pages: list[DaySheet]) -> str:
    e = html.escape
    head = header(plan)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(head)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
    ]
    for page in pages:
        parts.append(f'<section class="day" data-day="{page.day}">')
        parts.append(f"<h1>{e(fmt(page.date))} · D{page.day}</h1>")
        parts.append(f'<p class="meta">{e(head)}</p>')
        for title, kind, blocks in (
            ("Open monitoring windows", "window", page.windows),
            ("Due today", "today", page.today),
        ):
            if not blocks:
                continue
            parts.append(f"<h2>{title}</h2>")
            for b in blocks:
                pos = f" — {e(b.position)}" if b.position else ""
                parts.append(f'<div class="{kind}"><h3>{e(b.title)}{pos}</h3><ul>')
                parts += [f'<li class="note">{e(n)}</li>' for n in b.notes]
                for it in b.items:
                    boxes = "".join(
                        f'<input type="checkbox" aria-label="{e(it.text)} {n + 1}">'
                        for n in range(it.times)
                    )
                    parts.append(
                        f'<li class="item" data-times="{it.times}">{boxes} '
                        f"{e(item_text(it))} — {frequency(it.times)}</li>"
                    )
                for x in b.doses:
                    parts.append(
                        f'<li class="dose"><input type="checkbox" '
                        f'aria-label="{_tick(x)}"> dose: {e(x.text)}</li>'
                    )
                for esc in b.escalation:
                    parts.append(
                        f'<li class="esc"><strong>If</strong> {e(esc_text(esc))} → '
                        f"{e(esc.action)}{e(cite(esc))}</li>"
                    )
                parts.append("</ul></div>")
        if not page.windows:
            parts.append("<p>No monitoring window is open today.</p>")
        if page.reminders:
            parts.append(f"<p>Reminders: {e('; '.join(page.reminders))}</p>")
        parts.append(
            '<p class="sign">' + "".join(f"{label}: <span></span>" for label in SIGN_OFF) + "</p>"
        )
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
