"""Ward sheets as one print-ready HTML booklet: exactly one A4 or Letter page per day when the
day fits, else as many pages as it needs, each repeating the header (patient, protocol, date,
D-day, page i/n of the day).

Pages are cut here, not by the browser, so the header can say "page 2/3" and a page never holds
only the sign-off. Heights are estimated from the text (characters per line of the column at its
font size, with the average character width of Arial / Liberation Sans taken a little wide) and
the fixed row heights of the stylesheet below; the tests print booklets through headless
Chromium and compare its page count with the one promised here, and its laid-out heights of the
record table and the escalation column with the estimates (never less, at most a little more).

Layout of a page: header with a box for the hospital label (or name, MRN and birth date with
--include-phi); the record table beside a column of escalation criteria and reminders; the shift
sign-off at the foot of the day's last page; the audit stamp at the foot of every page.
Self-contained: no scripts, no fonts or images fetched.

The record table has one row per occurrence: time, box, check, values, initials. The values an
item records sit side by side in one row, each in its own small labelled cell (label above, room
to write below), so a row of vital signs is one line of the table; an item with nothing to record
lets its text run across the value column, and a multi-row item's text spans its rows.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from cartplan.i18n import day as fmt_day
from cartplan.i18n import words
from cartplan.i18n.marker import N_
from cartplan.protocol.format import Shift
from cartplan.schedule.plan import Plan
from cartplan.views.checklist import (
    ADMINISTRATION,
    IDENTITY_CHECK,
    Block,
    DaySheet,
    Occurrence,
    Printout,
    _tick,
    cite,
    esc_text,
    header,
    identity,
    item_text,
    no_window_line,
    nursing_day,
    occurrences,
    stamp,
    time_label,
)
from cartplan.views.facts import ItemLine, frequency, shown_day

PAPER = {"a4": ("A4", 210.0, 297.0), "letter": ("letter", 215.9, 279.4)}
MARGIN = 8.0  # mm, all four sides
SAFETY = 3.0  # mm of every page left empty against estimation error
PT = 25.4 / 72  # mm per point
LEADING = 1.25  # line-height of every text in the stylesheet

# Sizes in mm and points, shared by the stylesheet and the height estimates.
SIDE = 58.0  # escalation column; wider (up to 74) on a day that would otherwise need two pages
SIDES = (58.0, 62.0, 66.0, 70.0, 74.0, 54.0, 50.0)
GAP = 3.0  # between record table and escalation column
LABEL_W, LABEL_H = 58.0, 20.0  # hospital label box
ROW = 6.0  # one occurrence row: room to write a value and initials
RULE = 0.4  # the borders a table row adds to its cells' height
COL_TIME, COL_DONE, COL_VALUE, COL_INIT = 14.0, 5.5, 58.0, 10.0
FIELD_MIN = 10.0  # narrowest value cell: room for a handwritten "120/80"
FIELD_PAD = 0.6  # left padding of a value cell's label (and as much again on its right)
PAD_Y, PAD_X = 0.5, 0.8  # cell padding
F_CHECK, F_HEAD, F_NOTE, F_SIDE, F_STAMP, F_FIELD = 7.5, 8.0, 6.5, 7.0, 6.0, 5.0
SIGN_H = 15.5  # shift sign-off block, with its top margin
FORM_LINE = 5.2  # one line of a form to fill in (name, signature)
THEAD_H = 5.2


def lh(pt: float) -> float:
    """Height of one line of text at `pt` points, mm."""
    return pt * LEADING * PT


# Advance widths of Arial / Liberation Sans (metric-compatible with Helvetica), 1/1000 em, for
# the printable ASCII characters from space (32) to tilde (126).
_WIDTHS = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 "
    "556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 "
    "722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 "
    "556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 "
    "260 334 584"
)
WIDTH = {chr(32 + i): int(w) for i, w in enumerate(_WIDTHS.split())}
WIDTH.update({"–": 556, "—": 1000, "·": 278, "≥": 549, "≤": 549, "×": 584, "°": 400, "µ": 556})
OTHER = 1000  # anything else (arrows, letters with accents set by a fallback font): one em


def text_width(text: str, pt: float, bold: bool = False) -> float:
    """Width of `text` on one line, mm (bold taken 10 % wider)."""
    units = sum(WIDTH.get(ch, OTHER) for ch in text)
    return units / 1000 * pt * PT * (1.1 if bold else 1.0)


def lines(text: str, width_mm: float, pt: float, bold: bool = False) -> int:
    """Lines `text` takes in a column `width_mm` wide at `pt` points: greedy breaks at spaces
    only (the browser may also break after hyphens, so this never counts too few)."""
    space = text_width(" ", pt, bold)
    count, used = 1, 0.0
    for word in text.split():
        w = text_width(word, pt, bold)
        if used and used + space + w > width_mm:
            count, used = count + 1, 0.0
        if w > width_mm:  # a word wider than the column: count the lines it would fill
            count += math.ceil(w / width_mm) - 1
            w = w % width_mm
        used += (space if used else 0.0) + w
    return count


class Geometry(NamedTuple):
    size: str  # CSS @page size
    width: float  # printable width, mm
    height: float  # printable height, mm
    side: float = SIDE  # width of the escalation column, mm

    @property
    def main(self) -> float:
        return self.width - self.side - GAP

    @property
    def check(self) -> float:
        """The check column beside a value column; an item without values also has the value
        column's width (its text spans both)."""
        return self.main - COL_TIME - COL_DONE - COL_VALUE - COL_INIT


def geometry(paper: str) -> Geometry:
    size, w, h = PAPER[paper]
    return Geometry(size, w - 2 * MARGIN, h - 2 * MARGIN)


class Unit(NamedTuple):
    """A piece of a column that is never split across pages."""

    html: str
    height: float


e = html.escape


def _field_basis(item: ItemLine) -> float:
    """Width every value cell of the item starts from, mm: at least FIELD_MIN, and its widest
    label on one line (a label wider than the column is cut); the cells of a line then share
    what is left of the column."""
    widest = max(text_width(f, F_FIELD) for f in item.record)
    return min(COL_VALUE - 1.0, max(FIELD_MIN, math.ceil((widest + 2 * FIELD_PAD) * 2) / 2))


def _field_lines(item: ItemLine) -> int:
    """Lines of value cells in one row of the item: one when they fit across the column."""
    per_line = max(1, int((COL_VALUE - RULE) / _field_basis(item)))
    return math.ceil(len(item.record) / per_line)


def _fields(item: ItemLine) -> str:
    basis = _field_basis(item)
    style = f' style="flex-basis:{basis:g}mm"' if basis > FIELD_MIN else ""
    cells = "".join(f'<span class="f"{style}><span>{e(f)}</span></span>' for f in item.record)
    wrap = " wrap" if _field_lines(item) > 1 else ""  # rules between the lines of cells
    return f'<div class="fs{wrap}">{cells}</div>'


def _value_height(item: ItemLine) -> float:
    """Height of one occurrence row of the item (without its rule), mm."""
    return _field_lines(item) * ROW if item.record else ROW


def _time_cell(o: Occurrence, day: date, lang: str | None = None) -> str:
    label = time_label(o, day, lang)
    if o.next_day:
        clock, _, weekday = label.partition(" ")
        return f'{clock} <span class="nd">{e(weekday)}</span>'
    return e(label)


def _item_unit(
    item: ItemLine, day: date, shifts: Sequence[Shift], g: Geometry, lang: str | None = None
) -> Unit:
    _ = words(lang)
    rows = occurrences(item, shifts)
    what = (
        f'{e(item_text(item))} <span class="freq">— {e(frequency(item.times, lang))}</span>'
        if len(rows) > 1 or item.clock
        else e(item_text(item))
    )
    text = f"{item_text(item)} — {frequency(item.times, lang)}"
    width = g.check if item.record else g.check + COL_VALUE
    text_h = lines(text, width - 2 * PAD_X, F_CHECK) * lh(F_CHECK) + 2 * PAD_Y + RULE
    row_h = _value_height(item) + RULE
    span = f' rowspan="{len(rows)}"' if len(rows) > 1 else ""
    span += "" if item.record else ' colspan="2"'
    values = f'<td class="val">{_fields(item)}</td>' if item.record else ""
    out = []
    for i, o in enumerate(rows):
        first = f'<td class="chk"{span}>{what}</td>' if i == 0 else ""
        label = (
            e(_("{text} at {clock}").format(text=item.text, clock=o.clock))
            if o.clock
            else e(item.text)
        )
        out.append(
            f'<tr class="occ" data-shift="{e(o.shift)}">'
            f'<td class="t{" blank" if not o.clock else ""}">{_time_cell(o, day, lang)}</td>'
            f'<td class="box"><input type="checkbox" aria-label="{label}"></td>'
            f'{first}{values}<td class="ini"></td></tr>'
        )
    html_rows = f'<tbody class="item" data-times="{len(rows)}">' + "".join(out) + "</tbody>"
    return Unit(html_rows, max(len(rows) * row_h, text_h))


def _block_units(
    b: Block, day: date, shifts: Sequence[Shift], g: Geometry, lang: str | None = None
) -> list[Unit]:
    title = e(b.title) + (f' <span class="pos">— {e(b.position)}</span>' if b.position else "")
    notes = "".join(f'<div class="note">{e(n)}</div>' for n in b.notes)
    head_h = (
        lines(f"{b.title} — {b.position}", g.main - 2 * PAD_X, F_HEAD, bold=True) * lh(F_HEAD)
        + sum(lines(n, g.main - 2 * PAD_X, F_NOTE) * lh(F_NOTE) for n in b.notes)
        + 2 * PAD_Y
        + RULE
    )
    head = (
        f'<tbody class="blk"><tr><th colspan="5" scope="rowgroup">{title}{notes}</th></tr></tbody>'
    )
    units = [_item_unit(it, day, shifts, g, lang) for it in b.items]
    for x in b.doses:
        h = lines(x.text, g.check - 2 * PAD_X, F_CHECK) * lh(F_CHECK) + 2 * PAD_Y + RULE
        tick = e(_tick(x, lang))
        units.append(
            Unit(
                f'<tbody class="dose"><tr class="occ">'
                f'<td class="t{"" if b.time else " blank"}">{e(b.time or "__:__")}</td>'
                f'<td class="box"><input type="checkbox" aria-label="{e(x.text)}: '
                f'{tick}"></td><td class="chk">{e(x.text)}</td>'
                f'<td class="val tick">{tick}</td><td class="ini"></td></tr></tbody>',
                max(ROW + RULE, h),
            )
        )
    if b.administration:
        units.append(_administration(g, lang))
    if not units:
        return [Unit(head, head_h)]
    first = units[0]
    return [Unit(head + first.html, head_h + first.height), *units[1:]]


def _administration(g: Geometry, lang: str | None = None) -> Unit:
    _ = words(lang)
    blank = '<span class="ln"></span>'
    short = '<span class="ln s"></span>'
    check = _(IDENTITY_CHECK)
    height = (
        lh(7.5) * 1.1
        + 3 * FORM_LINE
        + lines(check, g.main - 2 * PAD_X, 6.5) * lh(6.5)
        + 2 * PAD_Y
        + RULE
    )
    labels = [e(_(x)) for x in ADMINISTRATION]
    name, signature = e(_("name")), e(_("signature"))
    record, first, second = (
        e(_("Product administration record")),
        e(_("1st person:")),
        e(_("2nd person:")),
    )
    return Unit(
        '<tbody class="adm"><tr><td colspan="5">'
        f"<b>{record}</b>"
        f'<div class="fl">{labels[0]} {blank} {labels[1]} {short} '
        f"{labels[2]} {short}</div>"
        f'<div class="idc">{e(check)}</div>'
        f'<div class="fl">{first} {name} {blank} {signature} {blank}</div>'
        f'<div class="fl">{second} {name} {blank} {signature} {blank}</div>'
        "</td></tr></tbody>",
        height,
    )


def _recorded(b: Block) -> bool:
    """A block with rows in the record table; the others are listed beside it."""
    return bool(b.items or b.doses or b.administration)


def _main_units(
    page: DaySheet, shifts: Sequence[Shift], g: Geometry, lang: str | None = None
) -> list[Unit]:
    units: list[Unit] = []
    for b in (*page.windows, *page.today):
        if _recorded(b):
            units += _block_units(b, page.date, shifts, g, lang)
    if not page.windows:
        text = no_window_line(page, lang)
        units.append(
            Unit(
                f'<tbody class="none"><tr><td colspan="5">{e(text)}</td></tr></tbody>',
                lines(text, g.main - 2 * PAD_X, F_CHECK) * lh(F_CHECK) + 2 * PAD_Y + RULE + 0.3,
            )
        )
    return units


def _side_units(page: DaySheet, g: Geometry, lang: str | None = None) -> list[Unit]:
    _ = words(lang)
    width = g.side - 2.5
    units: list[Unit] = []
    if_ = _("If")
    for b in (*page.windows, *page.today):
        if not b.escalation:
            continue
        items = []
        for x in b.escalation:
            text = f"{if_} {esc_text(x)} → {x.action}{cite(x)}"
            items.append(
                Unit(
                    f"<li><b>{e(if_)}</b> {e(esc_text(x))} → <b>{e(x.action)}</b>{e(cite(x))}</li>",
                    lines(text, width, F_SIDE) * lh(F_SIDE) + 0.8,
                )
            )
        title_h = lines(b.title, g.side, F_SIDE, bold=True) * lh(F_SIDE) + 0.8
        units.append(
            Unit(
                f'<h3>{e(b.title)}</h3><ul class="esc">{items[0].html}</ul>',
                title_h + items[0].height,
            )
        )
        units += [Unit(f'<ul class="esc">{x.html}</ul>', x.height) for x in items[1:]]
    if not units:
        text = _("No escalation criteria for today's steps.")
        units.append(
            Unit(
                f'<p class="quiet">{e(text, quote=False)}</p>',
                lines(text, g.side, F_SIDE) * lh(F_SIDE),
            )
        )
    starting = [b for b in page.today if not _recorded(b)]
    if starting:
        names = [b.title + (f" ({b.position})" if b.position else "") for b in starting]
        notes = [n for b in starting for n in b.notes]
        today = _("Today:")
        text = f"{today} " + "; ".join(names) + "".join(f" {n}" for n in notes)
        units.append(
            Unit(
                f'<p class="rem"><b>{e(today)}</b> {e("; ".join(names))}'
                + "".join(f'<span class="note"> {e(n)}</span>' for n in notes)
                + "</p>",
                lines(text, g.side, F_SIDE) * lh(F_SIDE) + 2.0,
            )
        )
    if page.reminders:
        reminders = _("Reminders:")
        text = f"{reminders} " + "; ".join(page.reminders)
        units.append(
            Unit(
                f'<p class="rem"><b>{e(reminders)}</b> {e("; ".join(page.reminders))}</p>',
                lines(text, g.side, F_SIDE) * lh(F_SIDE) + 2.0,
            )
        )
    return units


SIDE_HEAD_H = lh(F_HEAD) + 1.2


def _fill(units: Sequence[Unit], capacity: float) -> list[list[Unit]]:
    """Greedy: as many whole units on each page as fit (at least one)."""
    pages: list[list[Unit]] = [[]]
    used = 0.0
    for u in units:
        if pages[-1] and used + u.height > capacity:
            pages.append([])
            used = 0.0
        pages[-1].append(u)
        used += u.height
    return pages


def paginate(
    main: Sequence[Unit], side: Sequence[Unit], body: float
) -> list[tuple[list[Unit], list[Unit]]]:
    """Cut a day into pages of `body` mm: the record table and the escalation column fill their
    own pages; the sign-off goes on the last page under at least one unit of content, so the last
    unit of a column moves to a new page when it and the sign-off do not fit together."""
    cols = [_fill(main, body - THEAD_H), _fill(side, body - SIDE_HEAD_H)]
    extra = (THEAD_H, SIDE_HEAD_H)

    def height(k: int, units: list[Unit]) -> float:
        return sum(u.height for u in units) + (extra[k] if units else 0.0)

    while True:
        n = max(len(c) for c in cols)
        for c in cols:
            c += [[] for _ in range(n - len(c))]
        over = [
            k for k, c in enumerate(cols) if len(c[-1]) > 1 and height(k, c[-1]) + SIGN_H > body
        ]
        if not over:
            break
        for k in over:
            cols[k].append([cols[k][-1].pop()])
    return list(zip(cols[0], cols[1], strict=True))


def _header(plan: Plan, page: DaySheet, i: int, n: int, pr: Printout, g: Geometry) -> Unit:
    lang = pr.lang
    _ = words(lang)
    shifts = plan.protocol.shifts
    zone = f" ({pr.tz})" if pr.tz else ""
    l1 = f"D{shown_day(page.day, plan.protocol.day_origin)} · {fmt_day(page.date, lang)}"
    l2 = header(plan, lang)
    l3 = (
        _("Ward record · nursing day {nursing_day}").format(
            nursing_day=nursing_day(page.date, shifts, lang)
        )
        + zone
    )
    width = g.width - LABEL_W - 3.0
    text_h = (
        lh(11)
        + lines(l2, width, 8.5) * lh(8.5)
        + lines(l3, width, 7.5) * lh(7.5)
        + lines(plan.protocol.title, width, 7.0) * lh(7.0)
    )
    who = identity(plan, pr.include_phi, lang)
    if who:
        box = '<div class="label phi">' + "".join(f"<div>{e(x)}</div>" for x in who) + "</div>"
        box_h = max(LABEL_H, len(who) * lh(9) * 2 + 2)
    else:
        label = e(_("Hospital label"))
        box = f'<div class="label">{label}</div>'
        box_h = LABEL_H
    page_of = e(_("page {i}/{n} of the day").format(i=i, n=n))
    return Unit(
        '<header class="ph"><div class="who">'
        f'<div class="l1"><b>{e(l1)}</b><span class="pg">{page_of}</span></div>'
        f'<div class="l2">{e(l2)}</div><div class="l3">{e(l3)}</div>'
        f'<div class="l4">{e(plan.protocol.title)}</div></div>{box}</header>',
        max(text_h, box_h) + 3.0,
    )


def _sign_off(shifts: Sequence[Shift], lang: str | None = None) -> str:
    _ = words(lang)
    name, signature = e(_("Name")), e(_("Signature"))
    cells = "".join(
        f"<td><b>{e(x.name)}</b> {x.start}–{x.end}"
        f'<div class="fl">{name} <span class="ln"></span> {signature} <span class="ln"></span>'
        "</div></td>"
        for x in shifts
    )
    title, each = e(_("Shift sign-off")), e(_(" — each shift signs for its rows"))
    return f'<div class="sign"><b>{title}</b>{each}<table><tr>{cells}</tr></table></div>'


def _css(g: Geometry) -> str:
    return f"""
@page {{ size: {g.size}; margin: {MARGIN}mm; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-print-color-adjust: exact; }}
body {{ margin: 0; color: #000; line-height: {LEADING};
  font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: {F_CHECK}pt; }}
.page {{ width: {g.width}mm; }}
.brk {{ break-before: page; page-break-before: always; }}
header.ph {{ display: flex; justify-content: space-between; align-items: flex-start;
  border-bottom: 0.4mm solid #000; padding-bottom: 1mm; margin-bottom: 1.5mm; }}
.who {{ width: {g.width - LABEL_W - 3}mm; }}
.l1 {{ font-size: 11pt; display: flex; justify-content: space-between; }}
.l1 .pg {{ font-size: 8pt; font-weight: normal; }}
.l2 {{ font-size: 8.5pt; }} .l3 {{ font-size: 7.5pt; }} .l4 {{ font-size: 7pt; color: #333; }}
.label {{ width: {LABEL_W}mm; min-height: {LABEL_H}mm; border: 0.3mm dashed #555;
  font-size: 6.5pt; color: #555; padding: 1mm; }}
.label.phi {{ border-style: solid; color: #000; font-size: 9pt; }}
.body {{ display: flex; justify-content: space-between; align-items: flex-start; }}
table.rec {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
table.rec th, table.rec td {{ border: 0.2mm solid #777; padding: {PAD_Y}mm {PAD_X}mm;
  vertical-align: top; text-align: left; }}
table.rec thead th {{ font-size: 6.5pt; height: {THEAD_H}mm; background: #e8e8e8; }}
tr.occ td {{ height: {ROW}mm; }}
td.t {{ font-size: 8pt; font-variant-numeric: tabular-nums; white-space: nowrap; }}
td.t.blank {{ color: #888; }}
.nd {{ font-size: 6.5pt; }}
td.chk {{ font-size: {F_CHECK}pt; }}
.freq {{ color: #444; }}
table.rec td.box {{ text-align: center; padding-left: 0; padding-right: 0; }}
input[type=checkbox] {{ width: 3.4mm; height: 3.4mm; margin: 0.3mm 0 0; }}
table.rec td.val {{ padding: 0; }}
table.rec td.val.tick {{ padding: {PAD_Y}mm {PAD_X}mm; font-size: 6.5pt; color: #444; }}
.fs {{ display: flex; flex-wrap: wrap; }}
.f {{ flex: 1 0 {FIELD_MIN}mm; height: {ROW}mm; overflow: hidden;
  border-left: 0.2mm solid #999; padding: 0.3mm {FIELD_PAD}mm 0; }}
.fs.wrap {{ margin-top: -0.2mm; }}
.fs.wrap .f {{ border-top: 0.2mm solid #999; }}
.f:first-child {{ border-left: 0; }}
.f span {{ display: block; font-size: {F_FIELD}pt; line-height: 1; color: #555;
  white-space: nowrap; }}
tbody.blk th {{ font-size: {F_HEAD}pt; background: #f0f0f0; }}
.pos {{ font-weight: normal; }}
.note {{ font-size: {F_NOTE}pt; font-weight: normal; }}
tbody.adm td {{ font-size: 7.5pt; }}
.fl {{ height: {FORM_LINE}mm; padding-top: 1.2mm; }}
.idc {{ font-size: 6.5pt; }}
.ln {{ display: inline-block; width: 36mm; border-bottom: 0.2mm solid #000; }}
.ln.s {{ width: 16mm; }}
aside.side {{ font-size: {F_SIDE}pt; }}
aside h2 {{ font-size: {F_HEAD}pt; margin: 0 0 1.2mm; background: #e8e8e8; padding: 0 1mm; }}
aside h3 {{ font-size: {F_SIDE}pt; margin: 0.8mm 0 0; }}
ul.esc {{ margin: 0; padding: 0 0 0 2.5mm; }}
ul.esc li {{ margin: 0 0 0.8mm; }}
.rem {{ margin: 2mm 0 0; }} .quiet {{ margin: 0; color: #444; }}
.sign {{ margin-top: 1.5mm; height: {SIGN_H - 1.5}mm; font-size: 7.5pt; }}
.sign table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
.sign td {{ border: 0.2mm solid #777; padding: 0.5mm 1mm; vertical-align: top; }}
.sign .fl {{ display: flex; align-items: flex-end; gap: 1mm; }}
.sign .ln {{ flex: 1; width: auto; }}
footer.stamp {{ font-size: {F_STAMP}pt; color: #333; border-top: 0.2mm solid #999;
  margin-top: 1.5mm; }}
@media screen {{
  body {{ background: #ccc; }}
  .page {{ background: #fff; margin: 6mm auto; padding: {MARGIN}mm;
    width: {g.width + 2 * MARGIN}mm; min-height: {g.height + 2 * MARGIN}mm; }}
}}
"""


def thead(lang: str | None = None) -> str:
    _ = words(lang)
    marked = (N_("Time"), N_("Check"), N_("Values"), N_("Initials"))
    time, check, values, initials = (e(_(x)) for x in marked)
    return (
        f'<thead><tr><th class="t" style="width:{COL_TIME:g}mm">{time}</th>'
        f'<th class="box" style="width:{COL_DONE:g}mm">✓</th><th>{check}</th>'
        f'<th style="width:{COL_VALUE:g}mm">{values}</th>'
        f'<th style="width:{COL_INIT:g}mm">{initials}</th></tr></thead>'
    )


THEAD = thead()


def _layout(
    page: DaySheet, shifts: Sequence[Shift], g: Geometry, body: float, lang: str | None = None
) -> tuple[Geometry, list[tuple[list[Unit], list[Unit]]]]:
    """The day cut into pages, with the escalation column at its usual width unless another
    width saves a page (a long escalation column beside a short table, or the reverse)."""
    best: tuple[Geometry, list[tuple[list[Unit], list[Unit]]]] | None = None
    for side in SIDES:
        option = g._replace(side=side)
        cut = paginate(
            _main_units(page, shifts, option, lang), _side_units(page, option, lang), body
        )
        if best is None or len(cut) < len(best[1]):
            best = (option, cut)
    assert best is not None  # noqa: S101 - SIDES is not empty
    return best


def booklet(plan: Plan, pages: list[DaySheet], pr: Printout) -> str:
    lang = pr.lang
    _ = words(lang)
    g = geometry(pr.paper)
    shifts = plan.protocol.shifts
    audit = stamp(plan, pr)
    audit_h = lines(audit, g.width, F_STAMP) * lh(F_STAMP) + 1.8
    title = _("Ward sheets · {header}").format(header=header(plan, lang))
    head = thead(lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f"<style>{_css(g)}</style>",
        "</head>",
        "<body>",
    ]
    first = True
    for page in pages:
        probe = _header(plan, page, 1, 1, pr, g)
        body = g.height - SAFETY - probe.height - audit_h
        g, cut = _layout(page, shifts, g, body, lang)
        out.append(f'<section class="day" data-day="{page.day}" data-pages="{len(cut)}">')
        for i, (main, side) in enumerate(cut, start=1):
            cls = "page" if first else "page brk"
            first = False
            out.append(f'<div class="{cls}" data-page="{i}">')
            out.append(_header(plan, page, i, len(cut), pr, g).html)
            est_main = sum(u.height for u in main) + (THEAD_H if main else 0.0)
            est_side = sum(u.height for u in side) + (SIDE_HEAD_H if side else 0.0)
            out.append(
                f'<div class="body" data-mm="{max(est_main, est_side):.1f}" '
                f'data-main-mm="{est_main:.1f}" data-side-mm="{est_side:.1f}">'
                f'<div class="main" style="width:{g.main:g}mm">'
            )
            if main:
                out.append(f'<table class="rec">{head}{"".join(u.html for u in main)}</table>')
            out.append(f'</div><aside class="side" style="width:{g.side:g}mm">')
            if side:
                more = _(" (continued)") if i > 1 else ""
                call = _("Call if — escalation criteria")
                out.append(f"<h2>{e(call + more)}</h2>")
                out += [u.html for u in side]
            out.append("</aside></div>")
            if i == len(cut):
                out.append(_sign_off(shifts, lang))
            out.append(f'<footer class="stamp">{e(audit)}</footer>')
            out.append("</div>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
