"""Daily ward sheets that are the record: what the ward measures on a day, when, and when to call.

`sheets()` is pure (plan -> one DaySheet a day). Each checklist item gets one row per occurrence
with its clock time (facts.py decides the times: explicit protocol times, the step's appointment,
or the ward schedule from the first shift's start), a box, labelled fields for the values the
protocol says to record, and the initials of who did it; the rows of a day run through one
nursing day, from the first shift's start to the same time the next morning. Doses name the drug
and its amount; the infusion day has a product administration record (bag / lot number, start and
end, a two-person identity check); each shift signs the day off. Every printout carries an audit
stamp: cartplan version, protocol id@version, print time and what the plan changed from the
protocol defaults.

The renderers turn sheets into plain text (for the terminal), Markdown, or one print-ready HTML
booklet (sheet_html.py: exactly one page a day when the day fits, else pages that repeat the
header with "page i/n"). Every item, time, box count and escalation criterion comes from the
protocol file through facts.py, never from this code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from cartplan import __version__
from cartplan.i18n import day as fmt_day
from cartplan.i18n import day_month, weekday, words
from cartplan.i18n.marker import N_
from cartplan.protocol.format import Shift, Stage
from cartplan.schedule.plan import Event, Plan
from cartplan.views import facts
from cartplan.views.facts import DoseText, EscalationLine, ItemLine, frequency, with_condition
from cartplan.views.timeline import md_escape


class Block(NamedTuple):
    """One step open on the day: a monitoring window, or a step that happens that day."""

    title: str
    position: str  # "day 6 of 15" for windows, "" for single-day steps
    items: tuple[ItemLine, ...]
    doses: tuple[DoseText, ...]
    escalation: tuple[EscalationLine, ...]
    references: tuple[str, ...]
    notes: tuple[str, ...] = ()  # why it moved, tasks due (on the step's first day)
    time: str | None = None  # the step's appointment time: when its doses are due
    administration: bool = False  # the infusion: product bag / lot, start, end, identity check


class DaySheet(NamedTuple):
    date: date
    day: int
    windows: tuple[Block, ...]  # monitoring steps open on the day
    today: tuple[Block, ...]  # other steps with something to do on the day
    reminders: tuple[str, ...]  # spans without a checklist (washout, proximity, …)


def _doses(e: Event, plan: Plan, day: int, lang: str | None = None) -> tuple[DoseText, ...]:
    """Drugs due on `day` (relative to D0), in mg when the patient's numbers are known."""
    lines = facts.dose_lines(e, plan, day, lang)
    if e.step.cell_dose is not None:
        from cartplan.views.timeline import cell_dose_line, cells_of

        lines.append(DoseText(f"{cells_of(plan)}: {cell_dose_line(e, plan, lang)}", False))
    return tuple(lines)


def item_text(it: ItemLine) -> str:
    return with_condition(it.text, it.condition)


def esc_text(esc: EscalationLine) -> str:
    return with_condition(esc.criterion, esc.condition)


def sheets(
    plan: Plan,
    days: Iterable[date],
    teams: Iterable[str] | None = None,
    lang: str | None = None,
) -> list[DaySheet]:
    _ = words(lang)
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
            position = (
                _("day {n} of {total}").format(n=(d - e.start).days + 1, total=length)
                if length > 1
                else ""
            )
            block = Block(
                facts.title(s, lang),
                position,
                tuple(facts.items(e, plan, rel, lang)),
                _doses(e, plan, rel, lang),
                tuple(facts.escalations(e, plan, lang)),
                tuple(s.references),
                tuple(facts.notes(e, lang)) if d == e.start else (),
                e.time,
                s.cell_dose is not None and d == e.start,
            )
            if s.stage is Stage.monitoring:
                windows.append(block)
            elif block.items or block.doses or d == e.start or block.escalation:
                today.append(block)
            else:
                name = facts.title(s, lang)
                reminders.append(f"{name} ({position})" if position else name)
        out.append(DaySheet(d, rel, tuple(windows), tuple(today), tuple(reminders)))
    return out


class Printout(NamedTuple):
    """How a booklet is printed: the clock of the audit stamp, identifying data, paper."""

    now: datetime
    include_phi: bool = False
    paper: str = "a4"  # a4 | letter (HTML)
    teams: tuple[str, ...] = ()  # the --team filter, named in the stamp
    tz: str | None = None  # the site's zone, named beside the times
    lang: str = "en"  # the reader's language (words, dates; protocol texts come translated)


class Occurrence(NamedTuple):
    clock: str  # HH:MM, or "" when the nurse writes the time
    next_day: bool  # after midnight: the next calendar date of this nursing day
    shift: str  # name of the shift that signs it ("" without a clock)


def shift_of(clock: str, shifts: Sequence[Shift]) -> str:
    t = facts.to_minutes(clock)
    for x in shifts:
        a, b = facts.to_minutes(x.start), facts.to_minutes(x.end)
        if (t - a) % 1440 < ((b - a) % 1440 or 1440):
            return x.name
    return ""


def occurrences(item: ItemLine, shifts: Sequence[Shift]) -> list[Occurrence]:
    """One row per occurrence, in nursing-day order; without clock times, times blank rows."""
    if not item.clock:
        return [Occurrence("", False, "") for _ in range(item.times)]
    start = facts.to_minutes(shifts[0].start)
    return [Occurrence(c, facts.to_minutes(c) < start, shift_of(c, shifts)) for c in item.clock]


def time_label(o: Occurrence, day: date, lang: str | None = None) -> str:
    """'06:00', '02:00 Wed' after midnight, '__:__' for the nurse to fill in."""
    if not o.clock:
        return "__:__"
    return f"{o.clock} {weekday(day + timedelta(days=1), lang)}" if o.next_day else o.clock


def nursing_day(day: date, shifts: Sequence[Shift], lang: str | None = None) -> str:
    start = shifts[0].start
    return f"{start} {day_month(day, lang)} → {start} {day_month(day + timedelta(days=1), lang)}"


def changes(plan: Plan, lang: str | None = None) -> list[str]:
    """What this plan changed from the protocol defaults: parameters, times, durations."""
    from cartplan.views.timeline import changed_parameters, duration_text

    _ = words(lang)
    out = changed_parameters(plan, lang)
    for e in plan.events:
        if e.time != e.step.time:
            out.append(
                _("{step}.time={value} (default {default})").format(
                    step=e.step.id, value=e.time, default=e.step.time or _("all day")
                )
            )
        if e.minutes != e.step.minutes:
            out.append(
                _("{step}.duration={value} (default {default})").format(
                    step=e.step.id,
                    value=duration_text(e.minutes, lang),
                    default=duration_text(e.step.minutes, lang),
                )
            )
    return out


def stamp(plan: Plan, pr: Printout) -> str:
    """The audit stamp every printout carries."""
    _ = words(pr.lang)
    p = plan.protocol
    when = pr.now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = _(
        "cartplan {version} · protocol {id}@{protocol_version} · printed {when} · "
        "changed from protocol defaults: {changes}"
    ).format(
        version=__version__,
        id=p.id,
        protocol_version=p.version,
        when=when,
        changes=", ".join(changes(plan, pr.lang)) or _("none"),
    )
    only = _(" · only steps of: {teams}").format(teams=", ".join(pr.teams))
    return text + (only if pr.teams else "")


PHI_LABELS = {"name": N_("Name"), "mrn": N_("MRN"), "birth_date": N_("Born")}


def identity(plan: Plan, include_phi: bool, lang: str | None = None) -> list[str]:
    """Name, record number and birth date with --include-phi; empty: a hospital label goes here."""
    if not include_phi:
        return []
    from cartplan.patient.privacy import phi_fields

    _ = words(lang)
    return [f"{_(PHI_LABELS[k])}: {v}" for k, v in phi_fields(plan.patient).items() if v]


def _tick(dose: DoseText, lang: str | None = None) -> str:
    """What the nurse confirms: a standby drug is on site, every other dose is given."""
    _ = words(lang)
    return _("on site") if dose.standby else _("given")


def day_range(plan: Plan, first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def header(plan: Plan, lang: str | None = None) -> str:
    _ = words(lang)
    label = plan.patient.label if plan.patient is not None else _("(no patient label)")
    p = plan.protocol
    d0 = f"D{facts.shown_day(0, p.day_origin)}"  # D1 when the protocol counts from day 1
    return _("Patient {label} · {id} v{version} · {d0} {day0}").format(
        label=label, id=p.id, version=p.version, d0=d0, day0=fmt_day(plan.day0, lang)
    )


ADMINISTRATION = (
    N_("Bag / lot number"),
    N_("Infusion start"),
    N_("Infusion end"),
)
IDENTITY_CHECK = N_(
    "Identity check, two people: patient (wristband) matches bag, carton and release certificate"
)


def cite(esc: EscalationLine) -> str:
    return f" [{', '.join(esc.references)}]" if esc.references else ""


def no_window_line(page: DaySheet, lang: str | None = None) -> str:
    _ = words(lang)
    return (
        _("No post-infusion monitoring window is open today.")
        if page.day < 0
        else _("No monitoring window is open today.")
    )


# ---- plain text (terminal and print) ----

BLANK = "______"


def _wrap(lines: list[str], width: int = 78) -> list[str]:
    """Wrap each line to `width`, continuing under its own indent (ward printers are narrow)."""
    from cartplan.views.wrap import wrap

    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        out += wrap(line, width, subsequent_indent=indent, break_on_hyphens=False) or [""]
    return out


def to_text(plan: Plan, pages: list[DaySheet], pr: Printout) -> str:
    return "\n".join(_wrap(_text_lines(plan, pages, pr))).rstrip() + "\n"


def _fields(item: ItemLine) -> str:
    return "  ".join(f"{f} {BLANK}" for f in item.record)


def _text_rows(
    item: ItemLine, day: date, shifts: Sequence[Shift], lang: str | None = None
) -> list[str]:
    _ = words(lang)
    initials = _("initials")
    rows = []
    for o in occurrences(item, shifts):
        values = f"{_fields(item)}  " if item.record else ""
        rows.append(f"      {time_label(o, day, lang):<9} [ ]  {values}{initials} {BLANK}")
    return rows


OPEN_WINDOWS, DUE_TODAY = N_("Open monitoring windows"), N_("Due today")


def _text_lines(plan: Plan, pages: list[DaySheet], pr: Printout) -> list[str]:
    lang = pr.lang
    _ = words(lang)
    out: list[str] = []
    shifts = plan.protocol.shifts
    who = identity(plan, pr.include_phi, lang)
    zone = f" ({pr.tz})" if pr.tz else ""
    name, signature = _("name"), _("signature")
    for page in pages:
        out += [
            header(plan, lang),
            _("{date} · D{day} · nursing day {nursing_day}").format(
                date=fmt_day(page.date, lang),
                day=facts.shown_day(page.day, plan.protocol.day_origin),
                nursing_day=nursing_day(page.date, shifts, lang),
            )
            + zone,
            " · ".join(who) if who else _("Hospital label:") + f" {BLANK * 5}",
            "=" * 78,
        ]
        for title, blocks in ((OPEN_WINDOWS, page.windows), (DUE_TODAY, page.today)):
            if not blocks:
                continue
            out += ["", _(title).upper()]
            for b in blocks:
                out.append(f"* {b.title}" + (f" — {b.position}" if b.position else ""))
                out += [_("    note: {text}").format(text=n) for n in b.notes]
                for it in b.items:
                    out.append(f"    {item_text(it)} — {frequency(it.times, lang)}")
                    out += _text_rows(it, page.date, shifts, lang)
                for x in b.doses:
                    when = b.time or "__:__"
                    out.append(
                        _("    dose: {text}  [ ] {tick}  {when}  initials {blank}").format(
                            text=x.text, tick=_tick(x, lang), when=when, blank=BLANK
                        )
                    )
                if b.administration:
                    out += [
                        "    " + _("PRODUCT ADMINISTRATION RECORD"),
                        f"      {_(ADMINISTRATION[0])}: {BLANK * 4}",
                        f"      {_(ADMINISTRATION[1])}: __:__   {_(ADMINISTRATION[2])}: __:__",
                        f"      {_(IDENTITY_CHECK)}:",
                        "        "
                        + _("1st person:")
                        + f" {name} {BLANK * 3}  {signature} {BLANK * 3}",
                        "        "
                        + _("2nd person:")
                        + f" {name} {BLANK * 3}  {signature} {BLANK * 3}",
                    ]
                for esc in b.escalation:
                    out.append(
                        "    "
                        + _("! IF {criterion} -> {action}").format(
                            criterion=esc_text(esc), action=esc.action
                        )
                        + cite(esc)
                    )
        if not page.windows:
            out += ["", no_window_line(page, lang)]
        if page.reminders:
            out += ["", _("Reminders: ") + "; ".join(page.reminders)]
        out += ["", _("SHIFT SIGN-OFF")]
        width = max(len(x.name) for x in shifts)
        out += [
            f"  {x.name:<{width}} {x.start}–{x.end}  {name} {BLANK * 3}  {signature} {BLANK * 3}"
            for x in shifts
        ]
        out += ["", stamp(plan, pr), "", ""]
    return out


# ---- Markdown ----


def _md_row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def to_markdown(plan: Plan, pages: list[DaySheet], pr: Printout) -> str:
    lang = pr.lang
    _ = words(lang)
    out: list[str] = []
    shifts = plan.protocol.shifts
    who = identity(plan, pr.include_phi, lang)
    zone = f" ({md_escape(pr.tz)})" if pr.tz else ""
    for page in pages:
        out += [
            f"## {md_escape(fmt_day(page.date, lang))} · "
            f"D{facts.shown_day(page.day, plan.protocol.day_origin)}",
            "",
            md_escape(header(plan, lang)) + "  ",
            _("Nursing day {nursing_day}").format(nursing_day=nursing_day(page.date, shifts, lang))
            + f"{zone}  ",
            (
                md_escape(" · ".join(who))
                if who
                else _("Hospital label:") + f" {md_escape(BLANK * 5)}"
            ),
            "",
        ]
        for title, blocks in ((OPEN_WINDOWS, page.windows), (DUE_TODAY, page.today)):
            if not blocks:
                continue
            out += [f"### {_(title)}", ""]
            for b in blocks:
                out.append(f"**{md_escape(b.title)}**" + (f" — {b.position}" if b.position else ""))
                out.append("")
                out += [_("- note: {text}").format(text=md_escape(n)) for n in b.notes]
                if b.notes:
                    out.append("")
                if b.items or b.doses:
                    out += [_md_row(_("Time"), _("Check"), _("Done"), _("Value"), _("Initials"))]
                    out += ["|---|---|---|---|---|"]
                for it in b.items:
                    what = f"{md_escape(item_text(it))} — {frequency(it.times, lang)}"
                    values = " ".join(f"{md_escape(f)} \\_\\_\\_\\_" for f in it.record)
                    for o in occurrences(it, shifts):
                        out.append(
                            _md_row(
                                md_escape(time_label(o, page.date, lang)), what, "☐", values, ""
                            )
                        )
                for x in b.doses:
                    out.append(
                        _md_row(
                            b.time or md_escape("__:__"),
                            _("dose: {text}").format(text=md_escape(x.text)),
                            f"☐ {_tick(x, lang)}",
                            "",
                            "",
                        )
                    )
                if b.items or b.doses:
                    out.append("")
                if b.administration:
                    blank = md_escape(BLANK * 3)
                    out += [
                        _("Product administration record:"),
                        "",
                        *(f"- {_(label)}: {blank}" for label in ADMINISTRATION),
                        f"- {_(IDENTITY_CHECK)}: "
                        + _(
                            "1st person (name, signature) {blank}; "
                            "2nd person (name, signature) {blank}"
                        ).format(blank=blank),
                        "",
                    ]
                out += [
                    _("- ⚠ **If** {criterion} → {action}").format(
                        criterion=md_escape(esc_text(x)), action=md_escape(x.action)
                    )
                    + md_escape(cite(x))
                    for x in b.escalation
                ]
                if b.escalation:
                    out.append("")
        if not page.windows:
            out += [no_window_line(page, lang), ""]
        if page.reminders:
            out += [_("Reminders: ") + "; ".join(md_escape(r) for r in page.reminders), ""]
        out += [
            "### " + _("Shift sign-off"),
            "",
            _md_row(_("Shift"), _("Hours"), _("Name"), _("Signature")),
        ]
        out += ["|---|---|---|---|"]
        out += [_md_row(md_escape(x.name), f"{x.start}–{x.end}", "", "") for x in shifts]
        out += ["", f"_{md_escape(stamp(plan, pr))}_", "", "---", ""]
    return "\n".join(out).rstrip("-\n") + "\n"


def to_html(plan: Plan, pages: list[DaySheet], pr: Printout) -> str:
    from cartplan.views.sheet_html import booklet

    return booklet(plan, pages, pr)
