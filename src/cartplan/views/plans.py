"""Stored plans for people: the plan list, change sets and the history, as text.

Everything here returns text; cartplan.views.terminal prints it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from cartplan.i18n import day

ChangeRecord = Any  # cartplan.store.records.ChangeRecord (the store is not the views' to import)


def _grid(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def plan_list(rows: Sequence[Any]) -> str:
    """PlanRow-like rows as a table."""
    if not rows:
        return "no plans\n"
    table = [["PLAN", "LABEL", "PROTOCOL", "STATUS", "D0", "REV", "UPDATED"]]
    for r in rows:
        table.append(
            [
                r.plan_id,
                r.label,
                f"{r.protocol_id} {r.protocol_version}",
                r.status,
                r.day0,
                str(r.revision),
                r.updated_at,
            ]
        )
    return "\n".join(_grid(table)) + "\n"


def _span(start: date, end: date) -> str:
    return day(start) if start == end else f"{day(start)} – {day(end)}"


def change_line(c: ChangeRecord) -> str:
    if c.old is None and c.new is not None:
        what = f"new: {_span(c.new.start, c.new.end)}"
    elif c.new is None and c.old is not None:
        what = f"leaves the plan (was {_span(c.old.start, c.old.end)})"
    else:
        assert c.old is not None and c.new is not None  # noqa: S101
        parts = []
        if (c.old.start, c.old.end) != (c.new.start, c.new.end):
            shift = (c.new.start - c.old.start).days
            by = f" ({shift:+d} d)" if shift else ""
            parts.append(f"{_span(c.old.start, c.old.end)} → {_span(c.new.start, c.new.end)}{by}")
        if c.old.status != c.new.status:
            parts.append(f"{c.old.status} → {c.new.status}")
        what = "; ".join(parts)
    return f"  {c.step}: {what} — {c.why}"


def change_set(changes: Sequence[ChangeRecord], notices: Sequence[str] = ()) -> str:
    lines = [change_line(c) for c in changes] or ["  nothing moves"]
    lines += [f"note: {n}" for n in notices]
    return "\n".join(lines) + "\n"


def history(entries: Sequence[Any]) -> str:
    """HistoryEntry-like entries: who, when (UTC and site time), what, why."""
    out = []
    for h in entries:
        when = h.at.strftime("%Y-%m-%d %H:%M UTC")
        if h.at_site is not None:
            when += f" ({h.at_site.strftime('%Y-%m-%d %H:%M')} {h.zone})"
        out.append(f"#{h.entry}  revision {h.revision}  {h.action}  by {h.by}  {when}")
        d = h.detail
        if d.fact is not None:
            f = d.fact
            on = f" {f.date}" if f.date else ""
            cascade = "" if f.cascade == "downstream" else f" (cascade {f.cascade})"
            out.append(f"  fact: {f.step} {f.status}{on}{cascade}")
        if d.protocol is not None:
            out.append(f"  protocol: {d.protocol['id']} {d.protocol['version']}")
        if d.status is not None:
            out.append(f"  status: {d.status['old']} → {d.status['new']}")
        if h.action != "create":
            out += [change_line(c) for c in d.changes]
        else:
            out.append(f"  {len(d.changes)} events planned")
        out += [f"  note: {n}" for n in d.notices]
        out.append(f"  why: {h.reason}" if h.reason else "  why: (not given)")
    return "\n".join(out) + "\n"


def import_report(report: Any) -> str:
    """What `plan import` stored: one line per plan (line, label, plan id, protocol, D0)."""
    if not report.saved:
        return ""
    n = len(report.imported)
    text = f"imported {n} plan{'' if n == 1 else 's'} from {report.file}\n"
    if report.imported:
        table = [["LINE", "LABEL", "PLAN", "PROTOCOL", "D0"]]
        table += [
            [str(i.line), i.label, i.plan_id, i.protocol, i.day0.isoformat()]
            for i in report.imported
        ]
        text += "\n".join(_grid(table)) + "\n"
    return text
