"""Plan -> JSON (a stable contract), Markdown, and a rich table for the terminal."""

from __future__ import annotations

from cartplan.i18n import cells, is_english, table_day, words
from cartplan.i18n import day as fmt_day
from cartplan.i18n.marker import N_
from cartplan.patient.privacy import phi_fields
from cartplan.schedule.plan import Event, Plan
from cartplan.views import facts


def day_label(day: int, origin: int = 0) -> str:
    """Day relative to infusion as clinicians write it: D-5, D0, D14 (with the protocol's
    day_origin 1: D1 for the first dose, facts.shown_day)."""
    from cartplan.views.facts import shown_day

    return f"D{shown_day(day, origin)}"


def span_label(e: Event, sep: str = "..", origin: int = 0) -> str:
    first, last = day_label(e.day, origin), day_label(e.day_end, origin)
    return first if e.day == e.day_end else f"{first}{sep}{last}"


def duration_text(minutes: int, lang: str | None = None) -> str:
    """90 -> '1 h 30 min', 240 -> '4 h', 45 -> '45 min'."""
    _ = words(lang)
    h, m = divmod(minutes, 60)
    parts = (_("{hours} h").format(hours=h) if h else "", _("{minutes} min").format(minutes=m))
    return " ".join(x for x in (parts[0], parts[1] if m else "") if x)


def time_text(e: Event, short: bool = False, lang: str | None = None) -> str:
    """'08:30–12:30 (4 h)' for a timed appointment ('… each day' over several days); '' all-day.
    `short` leaves out the length, for narrow columns."""
    if e.time is None:
        return ""
    _ = words(lang)
    hh, mm = map(int, e.time.split(":"))
    end = (hh * 60 + mm + e.minutes) % 1440
    text = f"{e.time}–{end // 60:02d}:{end % 60:02d}"
    if not short:
        text += f" ({duration_text(e.minutes, lang)})"
    if e.end > e.start:
        text += _(" daily") if short else _(" each day")
    return text


def regimen_lines(e: Event, plan: Plan, lang: str | None = None) -> list[str]:
    """Doses as protocol units, and as mg for this patient when a profile is given."""
    _ = words(lang)
    dosing = plan.dosing
    if dosing is None:
        from cartplan.views.facts import dose_lines

        out = []
        given = (*e.step.regimen, *e.step.premedication)
        for r, x in zip(given, dose_lines(e, plan, lang=lang), strict=True):
            days = ", ".join(day_label(day, plan.protocol.day_origin) for day in r.days)
            out.append(
                f"{x.text} ({days})"
                if x.standby or x.premedication
                else _("{dose} on {days}").format(dose=x.text.replace(":", ""), days=days)
            )
        return out
    lines = []
    for d in dosing.doses:
        if d.step != e.step.id:
            continue
        days = ", ".join(day_label(x, plan.protocol.day_origin) for x in d.days)
        if d.standby:
            lines.append(
                _("{agent} on site {days}: {mg} mg ({dose} {unit})").format(
                    agent=d.agent, days=days, mg=f"{d.amount_mg:g}", dose=f"{d.dose:g}", unit=d.unit
                )
                + (f" — {d.note}" if d.note else "")
            )
        else:
            text = _("{agent} {dose} {unit} = {mg} mg/day on {days} (total {total} mg)").format(
                agent=d.agent,
                dose=f"{d.dose:g}",
                unit=d.unit,
                mg=f"{d.amount_mg:g}",
                days=days,
                total=f"{d.total_mg:g}",
            )
            lines.append(_("premedication: {dose}").format(dose=text) if d.premedication else text)
        if d.adjustment is not None:
            lines.append(
                _("adjusted: {reason} ({rule})").format(
                    reason=facts.in_words(d.adjustment.reason, lang), rule=d.adjustment.rule
                )
            )
    return lines


def cells_of(plan: Plan) -> str:
    """The product's cells as the ward names them: CAR-NK for a CAR-NK protocol, else CAR-T."""
    return "CAR-NK" if plan.protocol.modality == "car-nk" else "CAR-T"


def cell_dose_line(e: Event, plan: Plan, lang: str | None = None) -> str | None:
    c = e.step.cell_dose
    if c is None:
        return None
    _ = words(lang)
    patient = plan.dosing.cell_dose if plan.dosing is not None else None
    nk = cells_of(plan) == "CAR-NK"
    if c.per_kg:
        per_kg = _("{cells} CAR-NK cells/kg") if nk else _("{cells} CAR-T cells/kg")
        line = per_kg.format(cells=cells(c.per_kg))
        if c.range_per_kg is not None:
            line += _(" (protocol range {low}–{high}/kg)").format(
                low=cells(c.range_per_kg[0]), high=cells(c.range_per_kg[1])
            )
        if patient is not None:
            line += _(" = {cells} cells").format(cells=cells(patient.cells))
        return line
    flat = _("{cells} CAR-NK cells (flat dose)") if nk else _("{cells} CAR-T cells (flat dose)")
    return flat.format(cells=cells(c.flat or 0))


def has_assumption(e: Event) -> bool:
    s = e.step
    from cartplan.protocol.expand import ExpandedStep

    of = s.from_series if isinstance(s, ExpandedStep) else s.series
    series = of is not None and of.assumption is not None
    return bool(s.assumption or series or any(d.assumption for d in (*s.regimen, *s.premedication)))


def step_label(e: Event, lang: str | None = None) -> str:
    """The step's title, marked † when its timing or content rests on an assumption."""
    from cartplan.views.facts import title

    return title(e.step, lang) + (" †" if has_assumption(e) else "")


ASSUMPTION_NOTE = N_(
    "† rests on an assumption the literature does not confirm: cartplan protocols show {}"
)


def assumption_note(protocol_id: str, lang: str | None = None) -> str:
    return words(lang)(ASSUMPTION_NOTE).format(protocol_id)


def event_notes(e: Event, plan: Plan, lang: str | None = None) -> list[str]:
    """What a reader needs beside the title: why it moved, and doses."""
    from cartplan.views.facts import age_lines

    lines = [*facts.notes(e, lang), *regimen_lines(e, plan, lang)]
    if (dose := cell_dose_line(e, plan, lang)) is not None:
        lines.append(dose)
    return lines + age_lines(e, plan, lang)


def changed_parameters(plan: Plan, lang: str | None = None) -> list[str]:
    _ = words(lang)
    return [
        _("{name}={value} (default {default})").format(
            name=x.name, value=plan.parameters[x.name], default=x.default
        )
        for x in plan.protocol.parameters
        if plan.parameters[x.name] != x.default
    ]


def teams_text(e: Event, plan: Plan, lang: str | None = None) -> str:
    """Who acts on the step: the team ids in English (what --team takes), the protocol's team
    names in another language."""
    if is_english(lang):
        return ", ".join(e.step.teams)
    from cartplan.i18n import join

    names = {t.id: t.name for t in plan.protocol.teams}
    return join([names.get(t, t) for t in e.step.teams], lang)


def patient_lines(plan: Plan, include_phi: bool, lang: str | None = None) -> list[str]:
    """Who the plan is for (pseudonymous unless asked) and each computed number with its formula."""
    pt, d = plan.patient, plan.dosing
    if pt is None or d is None:
        return []
    _ = words(lang)
    who = [_("patient {label}").format(label=pt.label)]
    who += [
        x
        for x in (
            pt.sex,
            _("{age} y").format(age=d.age) if d.age is not None else None,
            f"{pt.weight_kg:g} kg" if pt.weight_kg else None,
            f"{pt.height_cm:g} cm" if pt.height_cm else None,
        )
        if x
    ]
    lines = [" · ".join(who)]
    if include_phi:
        phi = phi_fields(plan.patient)
        lines.append(" · ".join(f"{k}: {v}" for k, v in phi.items() if v))
    lines += [
        f"{c.name} {c.value:.3f} {c.unit} = {facts.in_words(c.formula, lang)}"
        if c.unit == "m²"
        else f"{c.name} {c.value:.1f} {c.unit} = {facts.in_words(c.formula, lang)}"
        for c in d.calcs
    ]
    return lines


def header_lines(plan: Plan, include_phi: bool = False, lang: str | None = None) -> list[str]:
    _ = words(lang)
    p = plan.protocol
    lines = [
        f"{p.title}",
        _("{id} v{version} · start {start} · {d0} infusion {day0}").format(
            d0=day_label(0, p.day_origin),
            id=p.id,
            version=p.version,
            start=fmt_day(plan.start, lang),
            day0=fmt_day(plan.day0, lang),
        ),
    ]
    if changed := changed_parameters(plan, lang):
        lines.append(_("parameters: ") + ", ".join(changed))
    return lines + patient_lines(plan, include_phi, lang)


def md_escape(text: str) -> str:
    """Text that Markdown shows literally (labels and notes come from users and files)."""
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def to_markdown(plan: Plan, include_phi: bool = False, lang: str | None = None) -> str:
    _ = words(lang)
    head = header_lines(plan, include_phi, lang)
    out = [f"# {md_escape(head[0])}", "", *(md_escape(x) + "  " for x in head[1:]), ""]
    titles = (_("Date"), _("Day"), _("Step"), _("Teams"), _("Notes"))
    out += ["| " + " | ".join(titles) + " |", "|---|---|---|---|---|"]
    origin = plan.protocol.day_origin
    for e in plan.events:
        teams = teams_text(e, plan, lang)
        start, end = fmt_day(e.start, lang), fmt_day(e.end, lang)
        date = start if e.start == e.end else f"{start} – {end}"
        if e.time is not None:
            date += f", {time_text(e, lang=lang)}"
        out.append(
            f"| {date} | {span_label(e, origin=origin)} | {md_escape(step_label(e, lang))} | "
            f"{teams if is_english(lang) else md_escape(teams)} | "
            f"{'<br>'.join(md_escape(n) for n in event_notes(e, plan, lang))} |"
        )
    out += ["", md_escape(assumption_note(plan.protocol.id, lang))]
    if warnings := facts.warnings(plan, lang):
        out += ["", *(_("> **Warning:** {text}").format(text=md_escape(w)) for w in warnings)]
    return "\n".join(out) + "\n"


def columns(rows: list[list[str]], widths: list[int], gap: str = "  ") -> list[str]:
    """Rows of cells laid out in fixed-width columns, each cell wrapped to its column.

    rich.table lays out the same table about ten times slower, and the timeline is the first
    thing users run: start-up time is a feature. Widths count terminal cells (wide characters).
    """
    from rich.cells import set_cell_size

    from cartplan.views.wrap import wrap

    out = []
    for row in rows:
        cells = [
            [
                w
                for part in cell.split("\n")
                for w in wrap(part, width, break_on_hyphens=False) or [""]
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


MIN_W = (16, 12, 16)  # step, teams, notes: narrower, a column is more wrap than text


def _words(line: str) -> list[str]:
    """The pieces of `line` a wrap cannot break: runs of letters other than CJK."""
    import re

    return re.findall(r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+", line)


def share(room: int, natural: list[int], floor: tuple[int, ...] = MIN_W) -> list[int]:
    """Widths for the step, teams and notes columns out of `room` cells, none wider than it
    needs. Teams come first (a short list of names, hard to read broken), up to a third of
    the room; step and notes share the rest evenly, and what one does not need goes to the
    other (on a wide terminal the notes take what the steps leave)."""
    spare = room - floor[0] - floor[2]
    teams = min(natural[1], max(floor[1], min(room // 3, spare)))
    step, notes = even(room - teams, [natural[0], natural[2]], [floor[0], floor[2]])
    return [step, teams, notes]


def even(room: int, natural: list[int], floor: list[int]) -> list[int]:
    """Each column its floor, then the rest of `room` in equal parts, a column never wider
    than it needs; what it leaves goes to the others."""
    widths = [min(m, n) for m, n in zip(floor, natural, strict=True)]
    extra = room - sum(widths)
    open_ = [i for i in range(len(widths)) if natural[i] > widths[i]]
    while open_ and extra > 0:
        each = extra // len(open_)
        done = [i for i in open_ if natural[i] - widths[i] <= each]
        if not done:
            for i in open_:
                widths[i] += each
            widths[open_[-1]] += extra - each * len(open_)
            break
        for i in done:
            extra -= natural[i] - widths[i]
            widths[i] = natural[i]
            open_.remove(i)
    return widths


def to_table(
    plan: Plan,
    width: int = 80,
    include_phi: bool = False,
    encoding: str | None = None,
    lang: str | None = None,
) -> str:
    """The timeline as plain text fitted to `width` cells (the terminal's full width): the first
    thing users run prints without loading rich (start-up time is a feature); no line is wider
    than `width`. With the terminal's `encoding` the table is laid out in the characters it can
    show ('->' for '→'), so the columns stay straight on cp1252 or ASCII."""
    from cartplan.views.terminal import encodable
    from cartplan.views.wrap import cell_len, wrap

    def shown(text: str) -> str:
        return encodable(text, encoding) if encoding is not None else text

    _ = words(lang)
    head = [shown(x) for x in header_lines(plan, include_phi, lang)]
    rows = []
    origin = plan.protocol.day_origin
    for e in plan.events:
        short = table_day(e.start, lang)
        date = short if e.start == e.end else f"{short}\n→ {table_day(e.end, lang)}"
        if e.time is not None:
            date += f"\n{time_text(e, short=True, lang=lang)}"
        cells = [date, span_label(e, origin=origin), step_label(e, lang), teams_text(e, plan, lang)]
        rows.append([shown(x) for x in [*cells, "\n".join(event_notes(e, plan, lang))]])
    lines_of = [[line for r in rows for line in r[i].split("\n")] for i in range(5)]
    natural = [max(4, *map(cell_len, column)) for column in lines_of]
    # No column narrower than its longest word ('Immunosuppressant'), up to 24 cells; Chinese
    # breaks between any two characters, so only runs of other letters count as words there.
    floor = tuple(
        max(m, min(24, max(cell_len(w) for line in lines_of[i] for w in _words(line) or [""])))
        for m, i in zip(MIN_W, (2, 3, 4), strict=True)
    )
    date_w, day_w = natural[0], natural[1]
    room = width - date_w - day_w - 8  # 4 gaps of 2 cells between 5 columns
    if sum(floor) > room:  # a narrow terminal: the floors give way before the width does
        floor = tuple(max(8, f * room // sum(floor)) for f in floor)
        room = max(room, sum(floor))
    widths = [date_w, day_w, *share(room, natural[2:], floor)]
    titles = [shown(_(t)) for t in ("Date", "Day", "Step", "Teams", "Notes")]
    lines = [w for line in head for w in wrap(line, width, subsequent_indent="  ")]
    lines += ["", *columns([titles], widths)]
    lines += [shown("─") * min(width, sum(widths) + 8), *columns(rows, widths), ""]
    notes = [
        assumption_note(plan.protocol.id, lang),
        *(_("warning: {text}").format(text=w) for w in facts.warnings(plan, lang)),
    ]
    lines += [w for line in notes for w in wrap(shown(line), width, subsequent_indent="  ")]
    return "\n".join(lines) + "\n"
