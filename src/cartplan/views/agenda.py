"""The agenda for people: per day, what happens to whom (label, step, D-day, teams), each
resource's load against its capacity, and clash warnings — as text, or as a self-contained
page that prints (a list per day). Patients appear by pseudonymous label only."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from cartplan import __version__
from cartplan.agenda.load import Clash, Entry, Load
from cartplan.i18n import day as fmt_day
from cartplan.i18n import words
from cartplan.views.timeline import day_label


class View:
    """What the agenda shows, read once for the table and the page."""

    def __init__(
        self,
        first: date,
        last: date,
        entries: Sequence[Entry],
        loads: Sequence[Load],
        clashes: Sequence[Clash],
        labels: dict[str, str],
        site: str | None,
        clashes_only: bool = False,
    ) -> None:
        self.first, self.last, self.site = first, last, site
        self.labels = labels
        self.clashes = list(clashes)
        self.by_day: dict[date, list[Entry]] = defaultdict(list)
        for x in entries:
            self.by_day[x.on].append(x)
        self.loads: dict[date, list[Load]] = defaultdict(list)
        for ld in loads:
            self.loads[ld.period].append(ld)
        self.clashes_only = clashes_only

    def days(self) -> list[date]:
        """The days with something to show, in order."""
        keys = set(self.by_day) | set(self.loads)
        if self.clashes_only:
            keys = {c.period for c in self.clashes}
        return sorted(keys)

    def who(self, plans: Sequence[str]) -> str:
        return ", ".join(self.labels.get(p, p) for p in plans)


def clash_line(c: Clash, labels: dict[str, str], lang: str | None = None) -> str:
    _ = words(lang)
    when = (
        fmt_day(c.period, lang)
        if c.per == "day"
        else _("week of {day}").format(day=fmt_day(c.period, lang))
    )
    return _("CLASH {when}: {resource} needs {demand} for {capacity}: {plans}").format(
        when=when,
        resource=c.resource,
        demand=c.demand,
        capacity=c.capacity,
        plans=", ".join(sorted(labels.get(p, p) for p in c.plans)),
    )


def _load_text(ld: Load, lang: str | None) -> str:
    _ = words(lang)
    per = "" if ld.per == "day" else _(" (week)")
    mark = " !" if ld.load > ld.capacity else ""
    return f"{ld.resource}{per} {ld.load}/{ld.capacity}{mark}"


def to_text(v: View, lang: str | None = None) -> str:
    """A heading, the clash warnings, then per day one line per event (label, step, D-day,
    teams, resources it takes) and the day's load line; columns aligned across the agenda."""
    _ = words(lang)
    head = _("agenda {first} – {last}").format(first=v.first.isoformat(), last=v.last.isoformat())
    lines = [head + (f" · {v.site}" if v.site else "")]
    lines += [clash_line(c, v.labels, lang) for c in v.clashes]
    days = v.days()
    shown = [] if v.clashes_only else [x for d in days for x in v.by_day.get(d, [])]
    spans = {id(x.span): x.span for x in shown}.values()
    wl = max((len(s.label) for s in spans), default=0)
    ws = max((len(s.step) for s in spans), default=0)
    wd = max((len(day_label(x.day)) for x in shown), default=0)
    # per event, what every one of its lines repeats (label, step; teams), written once
    lead = {id(s): f"  {s.label:<{wl}}  {s.step:<{ws}}  " for s in spans}
    teams = {id(s): ",".join(s.teams) for s in spans}
    wt = max((len(t) for t in teams.values()), default=0)
    tail = {k: "  " + t for k, t in teams.items()}  # without resources: nothing to align
    padded = {k: "  " + t.ljust(wt) + "  " for k, t in teams.items()}
    load_word = _("load: ")
    for d in days:
        lines.append("")
        lines.append(fmt_day(d, lang))
        if not v.clashes_only:
            for x in v.by_day.get(d, []):
                key = id(x.span)
                text = lead[key] + day_label(x.day).ljust(wd)
                if x.resources:
                    lines.append(text + padded[key] + ",".join(x.resources))
                else:
                    lines.append(text + tail[key])
        loads = v.loads.get(d, [])
        if loads:
            lines.append("  " + load_word + "; ".join(_load_text(ld, lang) for ld in loads))
    if not days:
        lines.append(_("nothing planned on these days"))
    return "\n".join(lines) + "\n"


CSS = """
body{font:11pt/1.35 system-ui,sans-serif;margin:1.5em;color:#111}
h1{font-size:15pt;margin:0 0 .3em}
h2{font-size:12pt;margin:1em 0 .2em;border-bottom:1px solid #999;break-after:avoid}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}
section{break-inside:avoid}
.clash{color:#a00;font-weight:bold}
.load{color:#333;margin:.2em 0}
footer{margin-top:1.5em;font-size:9pt;color:#555}
@page{size:A4;margin:12mm}
@media print{body{margin:0}}
"""


def to_html(v: View, printed: datetime, lang: str | None = None) -> str:
    """A self-contained page (no scripts, no outside resources) that prints: a list per day."""
    _ = words(lang)
    e = html.escape
    title = _("agenda {first} – {last}").format(first=v.first.isoformat(), last=v.last.isoformat())
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang or "en")}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(title + (f' · {v.site}' if v.site else ''))}</h1>",
    ]
    for c in v.clashes:
        out.append(f'<p class="clash">{e(clash_line(c, v.labels, lang))}</p>')
    heads = [_("Patient"), _("Step"), _("Day"), _("Teams"), _("Resources")]
    for d in v.days():
        out.append("<section>")
        out.append(f"<h2>{e(fmt_day(d, lang))}</h2>")
        items = [] if v.clashes_only else v.by_day.get(d, [])
        if items:
            out.append("<table><thead><tr>")
            out += [f"<th>{e(h)}</th>" for h in heads]
            out.append("</tr></thead><tbody>")
            for x in items:
                cells = [
                    x.span.label,
                    f"{x.span.title} ({x.span.step})",
                    day_label(x.day),
                    ", ".join(x.span.teams),
                    ", ".join(x.resources),
                ]
                out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
            out.append("</tbody></table>")
        loads = v.loads.get(d, [])
        if loads:
            text = _("load: ") + "; ".join(_load_text(ld, lang) for ld in loads)
            out.append(f'<p class="load">{e(text)}</p>')
        out.append("</section>")
    if not v.days():
        out.append(f"<p>{e(_('nothing planned on these days'))}</p>")
    stamp = printed.strftime("%Y-%m-%d %H:%M UTC")
    footer = _("printed {when} by cartplan {version}").format(when=stamp, version=__version__)
    out.append(f"<footer>{e(footer)}</footer>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
