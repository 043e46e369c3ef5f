"""The plan as a picture: one self-contained HTML page with an inline SVG Gantt chart.

Lanes are the pathway's stages in order (washout, apheresis, manufacturing, release,
lymphodepletion, infusion, monitoring, follow-up, other), one row per step inside its lane. Spans
are bars, single days diamonds, monitoring windows hatched and lighter; the axis counts dates and
D-days; weekends and the site's holidays and closures (the work calendar the plan was solved
with) are shaded; a red line marks today and a dark line D0. The chart covers the first 60 days
from the plan start (longer when D0 + 14 lies further out) and prints on one landscape page;
steps that start later are listed in a follow-up strip below it, in date order.

Every step is drawn by exactly one shape carrying `data-step` with a <title> and <desc>; the
<svg> has role="img" and is labelled by its own title and a text summary. No scripts, no fonts,
images or styles fetched: the page works offline and from a file.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

from cartplan.i18n import day as fmt_day
from cartplan.i18n import is_english, month_year, render, short_day, weekday, words
from cartplan.i18n.marker import N_
from cartplan.protocol.format import Stage
from cartplan.schedule.plan import Event, Plan
from cartplan.views import facts
from cartplan.views.timeline import assumption_note, span_label, step_label, teams_text, time_text

WINDOW = 60  # days from the plan start drawn to scale
AFTER_D0 = 14  # the chart reaches at least D0 + 14 (the acute monitoring)
W = 281.0  # drawing width, mm (A4 landscape less 8 mm margins)
LANE = 26.0  # left column: lane (stage) names
LABELS = 75.0  # lane names and step titles
X0, X1 = LABELS + 2.0, W - 2.0
AXIS = 13.0
ROW = 5.0
FONT = 2.6  # mm (about 7.4 pt)

STAGE_ORDER = [
    Stage.washout,
    Stage.apheresis,
    Stage.manufacturing,
    Stage.release,
    Stage.lymphodepletion,
    Stage.infusion,
    Stage.monitoring,
    Stage.follow_up,
    Stage.other,
]
COLOUR = {
    Stage.washout: "#8c6d31",
    Stage.apheresis: "#1f77b4",
    Stage.manufacturing: "#6b4c9a",
    Stage.release: "#2ca02c",
    Stage.lymphodepletion: "#d35400",
    Stage.infusion: "#b00020",
    Stage.monitoring: "#c2185b",
    Stage.follow_up: "#00796b",
    Stage.other: "#555555",
}
STAGE_NAME = {
    Stage.washout: N_("Washout"),
    Stage.apheresis: N_("Apheresis"),
    Stage.manufacturing: N_("Manufacturing"),
    Stage.release: N_("Release"),
    Stage.lymphodepletion: N_("Lymphodepletion"),
    Stage.infusion: N_("Infusion"),
    Stage.monitoring: N_("Monitoring"),
    Stage.follow_up: N_("Follow up"),
    Stage.other: N_("Other"),
}
LANE_NAME = {s: s.value.replace("-", " ").capitalize() for s in STAGE_ORDER}
WEEKEND = N_("weekend")


def stage_name(stage: Stage, lang: str | None = None) -> str:
    """A stage as the reader calls it: 'Lymphodepletion', '淋巴细胞清除'."""
    return words(lang)(STAGE_NAME[stage])


e = html.escape


def _n(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _when(ev: Event, lang: str | None = None, origin: int = 0) -> str:
    start, end = fmt_day(ev.start, lang), fmt_day(ev.end, lang)
    dates = start if ev.start == ev.end else f"{start} – {end}"
    timed = f", {time_text(ev, lang=lang)}" if ev.time else ""
    return f"{span_label(ev, '–', origin)} · {dates}{timed}"


def _short(d: date, lang: str | None = None) -> str:
    return short_day(d, lang)


class _Chart:
    def __init__(self, plan: Plan, today: date | None, lang: str | None = None) -> None:
        self.plan = plan
        self.today = today
        self.lang = lang
        days = max(WINDOW, (plan.day0 - plan.start).days + AFTER_D0 + 1)
        self.first = plan.start
        self.last = plan.start + timedelta(days=days - 1)
        self.days = days
        self.dx = (X1 - X0) / days
        self.ids = 0

    def x(self, d: date) -> float:
        return X0 + (d - self.first).days * self.dx

    def next_id(self) -> str:
        self.ids += 1
        return f"ev{self.ids}"

    def shape(self, ev: Event, body: str, tag: str) -> str:
        """One shape for one step: data-step, role, title and description."""
        ident = self.next_id()
        lang = self.lang
        notes = "; ".join(facts.notes(ev, lang))
        stage = ev.step.stage.value if is_english(lang) else stage_name(ev.step.stage, lang)
        _ = words(lang)
        desc = _("{stage}; teams: {teams}").format(
            stage=stage, teams=teams_text(ev, self.plan, lang)
        )
        desc += f"; {notes}" if notes else ""
        return (
            f'<{tag} data-step="{e(ev.step.id)}" role="img" aria-labelledby="{ident}" {body}>'
            f'<title id="{ident}">{e(facts.title(ev.step, lang))}: '
            f"{e(_when(ev, lang, self.plan.protocol.day_origin))}</title>"
            f"<desc>{e(desc)}</desc></{tag}>"
        )


def _diamond(cx: float, cy: float, r: float) -> str:
    points = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    return 'points="' + " ".join(f"{_n(a)},{_n(b)}" for a, b in points) + '"'


def page(plan: Plan, today: date | None, printed: str, lang: str | None = None) -> str:
    """The HTML page: heading, the chart, a legend, and the events as a table for screens."""
    _ = words(lang)
    c = _Chart(plan, today, lang)
    main = [ev for ev in plan.events if ev.start <= c.last]
    later = [ev for ev in plan.events if ev.start > c.last]
    lanes = [(s, [ev for ev in main if ev.step.stage is s]) for s in STAGE_ORDER]
    lanes = [(s, evs) for s, evs in lanes if evs]
    rows = sum(len(evs) for _, evs in lanes)
    lane_gap = 1.2
    top = AXIS
    chart_h = rows * ROW + lane_gap * len(lanes)
    strip_cols = 4
    strip_rows = -(-len(later) // strip_cols)
    strip_h = (8.0 + strip_rows * 8.0) if later else 0.0
    legend_y = top + chart_h + 3.0 + strip_h
    height = legend_y + 14.0
    p = plan.protocol
    who = plan.patient.label if plan.patient is not None else _("no patient label")
    title = _("Timeline · {who} · {id} v{version}").format(who=who, id=p.id, version=p.version)
    summary = _("{n} steps from {start}; infusion {d0} on {day0}. ").format(
        n=len(plan.events),
        start=fmt_day(plan.start, lang),
        d0=f"D{facts.shown_day(0, p.day_origin)}",
        day0=fmt_day(plan.day0, lang),
    ) + " ".join(
        f"{facts.title(ev.step, lang)}: {_when(ev, lang, plan.protocol.day_origin)}."
        for ev in plan.events
    )
    out = [
        f'<svg role="img" aria-labelledby="tl-title tl-desc" viewBox="0 0 {_n(W)} {_n(height)}" '
        f'width="{_n(W)}mm" height="{_n(height)}mm" class="chart">',
        f'<title id="tl-title">{e(title)}</title>',
        f'<desc id="tl-desc">{e(summary)}</desc>',
        "<defs>",
        '<pattern id="watch" patternUnits="userSpaceOnUse" width="1.4" height="1.4" '
        'patternTransform="rotate(45)"><rect width="1.4" height="1.4" fill="#f8d7e6"/>'
        f'<rect width="0.6" height="1.4" fill="{COLOUR[Stage.monitoring]}"/></pattern>',
        '<pattern id="closed" patternUnits="userSpaceOnUse" width="1.2" height="1.2" '
        'patternTransform="rotate(-45)"><rect width="1.2" height="1.2" fill="#fde9c8"/>'
        '<rect width="0.35" height="1.2" fill="#e0a040"/></pattern>',
        "</defs>",
    ]
    out += _days(c, top, chart_h)
    y = top
    for stage, evs in lanes:
        band = len(evs) * ROW
        out.append(
            f'<rect x="0" y="{_n(y)}" width="{_n(LABELS)}" height="{_n(band)}" '
            f'fill="{COLOUR[stage]}" fill-opacity="0.08"/>'
        )
        out.append(
            f'<text x="1" y="{_n(y + ROW / 2 + 0.8)}" class="lane" fill="{COLOUR[stage]}">'
            f"{e(stage_name(stage, lang).upper())}</text>"
        )
        for i, ev in enumerate(evs):
            out += _row(c, ev, y + i * ROW)
        y += band + lane_gap
        out.append(
            f'<line x1="0" x2="{_n(W)}" y1="{_n(y - lane_gap / 2)}" y2="{_n(y - lane_gap / 2)}" '
            'stroke="#bbb" stroke-width="0.15"/>'
        )
    out += _lines(c, top, chart_h)
    if later:
        out += _strip(c, later, top + chart_h + 3.0, strip_cols)
    out += _legend(c, plan, legend_y)
    out.append("</svg>")
    head = [
        _("Start {start} · {d0} infusion {day0}").format(
            start=fmt_day(plan.start, lang),
            d0=f"D{facts.shown_day(0, plan.protocol.day_origin)}",
            day0=fmt_day(plan.day0, lang),
        ),
        _("chart {first} – {last}").format(
            first=fmt_day(c.first, lang), last=fmt_day(c.last, lang)
        ),
    ]
    if today is not None:
        head.append(_("today {date}").format(date=fmt_day(today, lang)))
    head.append(printed)
    return _document(title, head, "\n".join(out), _table(plan, lang), plan, lang)


def _days(c: _Chart, top: float, chart_h: float) -> list[str]:
    """Closed days shaded, the date and D-day axis."""
    out = []
    lang = c.lang
    calendar = c.plan.calendar
    for i in range(c.days):
        d = c.first + timedelta(days=i)
        why = calendar.closed(d) if calendar is not None else None
        if why is None:
            continue
        fill = "#ececec" if why.code == "day.weekend" else "url(#closed)"
        said = render(why, lang)
        out.append(
            f'<rect class="closed" x="{_n(c.x(d))}" y="{_n(top)}" width="{_n(c.dx)}" '
            f'height="{_n(chart_h)}" fill="{fill}"><title>{e(fmt_day(d, lang))}: {e(said)}</title>'
            "</rect>"
        )
    last_label = -100.0
    for i in range(c.days + 1):
        d = c.first + timedelta(days=i)
        x = c.x(d)
        if d.weekday() == 0 or i == 0:
            out.append(
                f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(top - 6)}" y2="{_n(top + chart_h)}" '
                'stroke="#999" stroke-width="0.12"/>'
            )
            if i < c.days and x < X1 - 12 and x - last_label > 11:
                last_label = x
                out.append(
                    f'<text x="{_n(x + 0.5)}" y="{_n(top - 7.5)}" class="axis">'
                    f"{e(weekday(d, lang))} {e(_short(d, lang))}</text>"
                )
        rel = (d - c.plan.day0).days
        if rel % 7 == 0 and i < c.days:
            cx = x + c.dx / 2
            weight = ' font-weight="bold"' if rel == 0 else ""
            out.append(
                f'<text x="{_n(cx)}" y="{_n(top - 2.2)}" class="axis dday" '
                f'text-anchor="middle"{weight}>'
                f"D{facts.shown_day(rel, c.plan.protocol.day_origin)}</text>"
            )
    if c.first.day < 24:  # the first month is named unless the next one starts within a week
        out.append(
            f'<text x="{_n(X0)}" y="{_n(top - 10.5)}" class="axis month">'
            f"{e(month_year(c.first, lang))}</text>"
        )
    for i in range(1, c.days):
        d = c.first + timedelta(days=i)
        if d.day == 1:
            out.append(
                f'<text x="{_n(c.x(d) + 0.5)}" y="{_n(top - 10.5)}" class="axis month">'
                f"{e(month_year(d, lang))}</text>"
            )
    return out


def _row(c: _Chart, ev: Event, y: float) -> list[str]:
    colour = COLOUR[ev.step.stage]
    label_y = y + ROW / 2 + 0.9
    label = step_label(ev, c.lang)
    out = [
        f'<text x="{_n(LANE)}" y="{_n(label_y)}" class="step">'
        f"{e(_fit(label, LABELS - LANE - 1))}</text>"
    ]
    mid = y + ROW / 2
    start_x = c.x(ev.start)
    clipped = ev.end > c.last
    if ev.start == ev.end:
        cx = start_x + c.dx / 2
        r = 1.9 if ev.step.day0 else 1.4
        body = f'{_diamond(cx, mid, r)} fill="{colour}"'
        out.append(c.shape(ev, body, "polygon"))
        end_x = cx + r
    else:
        end_x = c.x(min(ev.end, c.last) + timedelta(days=1))
        h = ROW * 0.62
        if ev.step.stage is Stage.monitoring:
            paint = f'fill="url(#watch)" fill-opacity="0.85" stroke="{colour}" stroke-width="0.2"'
        else:
            paint = f'fill="{colour}" fill-opacity="0.85"'
        body = (
            f'x="{_n(start_x)}" y="{_n(mid - h / 2)}" width="{_n(end_x - start_x)}" '
            f'height="{_n(h)}" rx="0.7" {paint}'
        )
        out.append(c.shape(ev, body, "rect"))
        if clipped:
            out.append(
                f'<polygon points="{_n(end_x)},{_n(mid - 1.6)} {_n(end_x + 1.6)},{_n(mid)} '
                f'{_n(end_x)},{_n(mid + 1.6)}" fill="{colour}"/>'
            )
            end_x += 1.6
    lang = c.lang
    _ = words(lang)
    text = (
        _when(ev, lang, c.plan.protocol.day_origin)
        if not clipped
        else _("{days} · until {date} →").format(
            days=span_label(ev, "–", c.plan.protocol.day_origin), date=fmt_day(ev.end, lang)
        )
    )
    width = _text_w(text)
    if end_x + 1 + width <= X1:
        out.append(f'<text x="{_n(end_x + 1)}" y="{_n(label_y)}" class="bar">{e(text)}</text>')
    else:
        out.append(
            f'<text x="{_n(start_x - 1)}" y="{_n(label_y)}" class="bar" text-anchor="end">'
            f"{e(text)}</text>"
        )
    return out


def _text_w(text: str) -> float:
    from cartplan.views.wrap import cell_len

    return cell_len(text) * FONT * 0.5


def _fit(text: str, width: float) -> str:
    from cartplan.views.wrap import cell_len

    limit = int(width / (FONT * 0.52))
    if cell_len(text) <= limit:
        return text
    if cell_len(text) == len(text):
        return text[: limit - 1].rstrip() + "…"
    out = ""
    for ch in text:  # wide characters take two cells
        if cell_len(out + ch) > limit - 1:
            break
        out += ch
    return out.rstrip() + "…"


def _lines(c: _Chart, top: float, chart_h: float) -> list[str]:
    _ = words(c.lang)
    today = e(_("today"))
    out = []
    x0 = c.x(c.plan.day0) + c.dx / 2
    out.append(
        f'<line class="d0" x1="{_n(x0)}" x2="{_n(x0)}" y1="{_n(top - 1)}" '
        f'y2="{_n(top + chart_h)}" stroke="#b00020" stroke-width="0.35"/>'
    )
    if c.today is not None and c.first <= c.today <= c.last:
        xt = c.x(c.today) + c.dx / 2
        out.append(
            f'<line class="today" x1="{_n(xt)}" x2="{_n(xt)}" y1="{_n(top - 1)}" '
            f'y2="{_n(top + chart_h)}" stroke="#e00000" stroke-width="0.35" '
            f'stroke-dasharray="1.2 0.8"><title>{today}</title></line>'
        )
        out.append(
            f'<text x="{_n(xt + 0.6)}" y="{_n(top + chart_h - 0.8)}" class="today">{today}</text>'
        )
    return out


def _strip(c: _Chart, later: list[Event], y: float, cols: int) -> list[str]:
    """Steps that start after the chart, in date order, as marks with their dates."""
    _ = words(c.lang)
    later_text = _("LATER: {n} STEPS AFTER {date}").format(
        n=len(later), date=fmt_day(c.last, c.lang).upper()
    )
    out = [f'<text x="0" y="{_n(y + 3)}" class="lane">{e(later_text)}</text>']
    width = W / cols
    for i, ev in enumerate(later):
        col, row = i % cols, i // cols
        x = col * width + 2.5
        yy = y + 8.0 + row * 8.0
        colour = COLOUR[ev.step.stage]
        if ev.start == ev.end:
            body = f'{_diamond(x, yy - 1.2, 1.3)} fill="{colour}"'
            out.append(c.shape(ev, body, "polygon"))
        else:
            body = f'x="{_n(x - 1.5)}" y="{_n(yy - 2.2)}" width="3" height="2" rx="0.4" ' + (
                f'fill="url(#watch)" stroke="{colour}" stroke-width="0.2"'
                if ev.step.stage is Stage.monitoring
                else f'fill="{colour}"'
            )
            out.append(c.shape(ev, body, "rect"))
        out.append(
            f'<text x="{_n(x + 2.8)}" y="{_n(yy - 0.5)}" class="step">'
            f"{e(_fit(step_label(ev, c.lang), width - 6))}</text>"
        )
        out.append(
            f'<text x="{_n(x + 2.8)}" y="{_n(yy + 2.4)}" class="bar">'
            f"{e(_when(ev, c.lang, c.plan.protocol.day_origin))}</text>"
        )
    return out


def _legend(c: _Chart, plan: Plan, y: float) -> list[str]:
    _ = words(c.lang)
    stages = [s for s in STAGE_ORDER if any(ev.step.stage is s for ev in plan.events)]
    out = [f'<g class="legend" transform="translate(0 {_n(y)})">']
    x = 0.0
    for s in stages:
        if s is Stage.monitoring:
            swatch = (
                f'<rect x="{_n(x)}" y="0" width="5" height="2.6" fill="url(#watch)" '
                f'stroke="{COLOUR[s]}" stroke-width="0.2"/>'
            )
        else:
            swatch = f'<rect x="{_n(x)}" y="0" width="5" height="2.6" fill="{COLOUR[s]}"/>'
        name = stage_name(s, c.lang) + (_(" window (hatched)") if s is Stage.monitoring else "")
        out.append(swatch + f'<text x="{_n(x + 6)}" y="2.3" class="bar">{e(name)}</text>')
        x += 8 + _text_w(name)
    y2 = 5.5
    items = [
        (f'<polygon {_diamond(2.5, y2 + 1.3, 1.3)} fill="#555"/>', _("single day")),
        (
            f'<rect x="0" y="{_n(y2)}" width="5" height="2.6" fill="#ececec" stroke="#bbb" '
            'stroke-width="0.1"/>',
            _(WEEKEND),
        ),
        (
            f'<rect x="0" y="{_n(y2)}" width="5" height="2.6" fill="url(#closed)"/>',
            _("holiday or site closure"),
        ),
        (
            f'<line x1="2.5" x2="2.5" y1="{_n(y2 - 0.4)}" y2="{_n(y2 + 3)}" stroke="#b00020" '
            'stroke-width="0.35"/>',
            _("D0 infusion"),
        ),
        (
            f'<line x1="2.5" x2="2.5" y1="{_n(y2 - 0.4)}" y2="{_n(y2 + 3)}" stroke="#e00000" '
            'stroke-width="0.35" stroke-dasharray="1.2 0.8"/>',
            _("today"),
        ),
    ]
    x = 0.0
    for shape, name in items:
        out.append(f'<g transform="translate({_n(x)} 0)">{shape}</g>')
        out.append(f'<text x="{_n(x + 6)}" y="{_n(y2 + 2.3)}" class="bar">{e(name)}</text>')
        x += 9 + _text_w(name)
    if c.today is not None and not c.first <= c.today <= c.last:
        note = (
            _("today ({date}) is before the chart")
            if c.today < c.first
            else _("today ({date}) is after the chart")
        ).format(date=fmt_day(c.today, c.lang))
        out.append(f'<text x="{_n(x)}" y="{_n(y2 + 2.3)}" class="bar">{e(note)}</text>')
        x += _text_w(note) + 3
    note = assumption_note(plan.protocol.id, c.lang)
    out.append(f'<text x="0" y="{_n(y2 + 6.8)}" class="note">{e(note)}</text>')
    out.append("</g>")
    return out


def _table(plan: Plan, lang: str | None = None) -> str:
    _ = words(lang)
    english = is_english(lang)
    rows = "".join(
        f"<tr><td>{e(_when(ev, lang, plan.protocol.day_origin))}</td>"
        f"<td>{e(step_label(ev, lang))}</td>"
        f"<td>{e(ev.step.stage.value if english else stage_name(ev.step.stage, lang))}</td>"
        f"<td>{e(teams_text(ev, plan, lang))}</td></tr>"
        for ev in plan.events
    )
    head = "".join(
        f"<th>{e(_(x))}</th>" for x in (N_("When"), N_("Step"), N_("Stage"), N_("Teams"))
    )
    summary = e(_("The steps as a table"))
    return (
        f'<details class="events"><summary>{summary}</summary>'
        f"<table><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></details>"
    )


CSS = """
@page { size: landscape; margin: 8mm; }
body { margin: 0; font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #000;
  -webkit-print-color-adjust: exact; }
h1 { font-size: 13pt; margin: 0 0 1mm; }
p.meta { font-size: 8pt; margin: 0 0 2mm; color: #333; }
p.warn { font-size: 7.5pt; margin: 0 0 1.5mm; color: #8a1c00; }
svg.chart { display: block; width: 100%; height: auto; max-height: 168mm; }
svg text { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; }
.axis { font-size: 2.3px; fill: #333; } .dday { fill: #000; } .month { font-weight: bold; }
.lane { font-size: 1.9px; font-weight: bold; }
.step { font-size: 2.6px; } .bar { font-size: 2.3px; fill: #222; }
.today { font-size: 2.2px; fill: #e00000; } .note { font-size: 2.1px; fill: #444; }
details.events { font-size: 9pt; margin-top: 4mm; }
details.events table { border-collapse: collapse; }
details.events td, details.events th { border: 1px solid #ccc; padding: 1px 4px; text-align: left; }
@media print { details.events { display: none; } }
@media screen { body { margin: 12px; } svg.chart { max-width: 1400px; } }
"""


def _document(
    title: str, head: list[str], svg: str, table: str, plan: Plan, lang: str | None = None
) -> str:
    _ = words(lang)
    warning = e(_("Warning:"))
    warnings = "".join(f'<p class="warn">{warning} {e(w)}</p>' for w in facts.warnings(plan, lang))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(lang or "en")}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{e(title)}</h1>\n"
        f'<p class="meta">{e(" · ".join(head))}</p>\n'
        f"{warnings}\n{svg}\n{table}\n</body>\n</html>\n"
    )
