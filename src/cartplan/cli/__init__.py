"""Command line: parse, call the engine and adapters, render, map errors to exit codes.

Heavy modules (yaml, holidays, rich.table, icalendar) are imported inside the commands that use
them: start-up time is a feature.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, get_type_hints

import typer

from cartplan.cli import usage
from cartplan.errors import CartplanError, InputError
from cartplan.messages import Message
from cartplan.services.calendars import calendar_options, write_calendars
from cartplan.services.planning import (
    PlanArgs,
    check_teams,
    clock,
    for_reader,
    make_plan,
    sheet_days,
    today_in,
)
from cartplan.views import terminal

if TYPE_CHECKING:
    from cartplan.schedule.plan import Plan
    from cartplan.views.checklist import Printout

app = typer.Typer(
    name="cartplan",
    help="Plan CAR-T cell therapy for autoimmune disease: dated timelines, calendars, checklists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=usage.CONTEXT,
)
protocols_app = typer.Typer(
    help="List, show, validate protocols; print the protocol JSON Schema.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.callback()
def _cartplan(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            is_eager=True,
            callback=usage.print_version,
        ),
    ] = False,
) -> None:
    pass


app.add_typer(protocols_app, name="protocols")


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


def _opt(kind: object, help: str, *names: str, **kw: Any) -> object:
    return Annotated[kind, typer.Option(*names, help=help, **kw)]


# The planning options every command that builds a plan accepts (schedule, checklist, …): one
# declaration, added to each command by @planning_command and handed to it as PlanArgs.
PLAN_OPTIONS: dict[str, tuple[object, object]] = {
    "protocol": (
        _opt(
            str,
            "Protocol id (see `cartplan protocols list`) or a .yaml path.",
            "--protocol",
            "-p",
            metavar="ID|FILE",
        ),
        inspect.Parameter.empty,
    ),
    "start": (
        _opt(str | None, "First washout day, YYYY-MM-DD (plan forward).", metavar="DATE"),
        None,
    ),
    "infusion": (
        _opt(str | None, "Target infusion day D0, YYYY-MM-DD (plan backward).", metavar="DATE"),
        None,
    ),
    "sets": (
        _opt(
            list[str] | None,
            "Set a protocol parameter (repeatable).",
            "--set",
            metavar="NAME=VALUE",
        ),
        None,
    ),
    "country": (
        _opt(str | None, "Country for public holidays (ISO code, e.g. DE).", metavar="CODE"),
        None,
    ),
    "subdiv": (
        _opt(str | None, "Subdivision for holidays (e.g. BY for Bavaria).", metavar="CODE"),
        None,
    ),
    "closures": (
        _opt(
            Path | None,
            "Site closures: one 'YYYY-MM-DD[..YYYY-MM-DD] reason' a line.",
            metavar="FILE",
        ),
        None,
    ),
    "tz": (
        _opt(str | None, "Time zone of the site (IANA name, e.g. Europe/Berlin).", metavar="ZONE"),
        None,
    ),
    "patient": (
        _opt(Path | None, "Patient profile, YAML or JSON (keys: see README).", metavar="FILE"),
        None,
    ),
    "label": (
        _opt(
            str | None,
            "Pseudonymous patient label (the only identifier exported).",
            metavar="LABEL",
        ),
        None,
    ),
    "sex": (_opt(str | None, "Sex: F or M.", metavar="F|M"), None),
    "age": (_opt(int | None, "Age in years.", metavar="YEARS"), None),
    "birth_date": (_opt(str | None, "Date of birth, YYYY-MM-DD (PHI).", metavar="DATE"), None),
    "weight_kg": (_opt(float | None, "Weight in kg.", metavar="KG"), None),
    "height_cm": (_opt(float | None, "Height in cm.", metavar="CM"), None),
    "creatinine": (
        _opt(
            str | None,
            "Serum creatinine with its unit: '1.2 mg/dL' or '106 umol/L' (µmol/L too).",
            metavar="'VALUE UNIT'",
        ),
        None,
    ),
    "crcl_ml_min": (
        _opt(float | None, "Measured creatinine clearance, mL/min.", metavar="ML/MIN"),
        None,
    ),
    "disease": (_opt(str | None, "Disease being treated.", metavar="TEXT"), None),
    "cns_involvement": (
        _opt(
            bool,
            "The patient has CNS involvement (e.g. neuropsychiatric SLE).",
            "--cns-involvement",
        ),
        False,
    ),
    "medication": (
        _opt(
            list[str] | None,
            "DRUG[=CLASS]:LAST_DOSE[:DOSE], e.g. 'rituximab:2025-03-10' "
            "or 'prednisone:2025-04-30:15 mg/day' (repeatable).",
            metavar="MED",
        ),
        None,
    ),
    "name": (
        _opt(str | None, "Patient name (PHI; exported only with --include-phi).", metavar="NAME"),
        None,
    ),
    "mrn": (_opt(str | None, "Medical record number (PHI).", metavar="MRN"), None),
    "bsa_formula": (
        _opt(
            str | None,
            "BSA formula for this plan: mosteller or dubois (default: the protocol's).",
            metavar="mosteller|dubois",
        ),
        None,
    ),
    "crcl_weight": (
        _opt(
            str | None,
            "Cockcroft-Gault weight: auto, actual, ideal or adjusted (default: the protocol's).",
            metavar="auto|actual|ideal|adjusted",
        ),
        None,
    ),
    "include_phi": (
        _opt(bool, "Put name, birth date and record number into outputs.", "--include-phi"),
        False,
    ),
    "site": (
        _opt(
            Path | None,
            "Site file (default: $CARTPLAN_SITE, else site.yaml in ~/.config/cartplan): "
            "country, closures, time zone, CalDAV, resources; options override it.",
            metavar="FILE",
        ),
        None,
    ),
    "today": (
        _opt(str | None, "Override today's date (tests).", hidden=True, metavar="DATE"),
        None,
    ),
    "lang": (
        _opt(
            str | None,
            "Language of the output: en or zh-CN (default: $CARTPLAN_LANG, else the locale, "
            "else en).",
            metavar="LANG",
        ),
        None,
    ),
}


# Calendar commands whose --team the site file's `teams:` fills by default.
SITE_TEAMS = ("schedule", "publish")


def planning_command(func: Callable[..., None]) -> Callable[..., None]:
    """Give a command every planning option; it receives them as `args: PlanArgs`."""
    hints = get_type_hints(func, include_extras=True)  # resolve postponed annotations
    own = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in inspect.signature(func).parameters.values()
        if p.name != "args"
    ]
    shared = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, (kind, default) in PLAN_OPTIONS.items()
    ]

    @functools.wraps(func)
    def command(**kwargs: Any) -> None:
        from cartplan.i18n.lang import resolve
        from cartplan.services import site

        values = {name: kwargs.pop(name) for name in PLAN_OPTIONS}
        values["lang"] = resolve(values["lang"])
        args = PlanArgs(**values)
        # the site file fills what the options leave open: one place for every such command
        settings = site.apply(
            args.site,
            args,
            kwargs.get("team") if func.__name__ in SITE_TEAMS else None,
            kwargs.get("caldav_url"),
            kwargs.get("caldav_user"),
        )
        if func.__name__ in SITE_TEAMS:
            kwargs["team"] = settings.teams
        for key in ("caldav_url", "caldav_user"):
            if key in kwargs:
                kwargs[key] = getattr(settings, key)
        assert settings.args is not None  # noqa: S101 - given above
        func(args=settings.args, **kwargs)

    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + shared
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    del command.__wrapped__  # typer must read the new signature, not the wrapped one
    return command


TeamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--team", metavar="TEAM", help="Only this team's events in calendars (repeatable)."
    ),
]
PlanIdOpt = Annotated[
    str | None,
    typer.Option(
        metavar="ID",
        help="Stable plan id for calendar UIDs (default: patient label + protocol id).",
    ),
]
NowOpt = Annotated[
    str | None, typer.Option(hidden=True, metavar="TIME", help="DTSTAMP clock (tests).")
]


@app.command()
@planning_command
def schedule(
    args: PlanArgs,
    fmt: Annotated[
        Format, typer.Option("--format", metavar="|".join(Format), help="Output format.")
    ] = Format.table,
    ics: Annotated[
        str | None,
        typer.Option(
            "--ics", metavar="FILE", help="Write the plan as an .ics calendar ('-' for stdout)."
        ),
    ] = None,
    ics_dir: Annotated[
        Path | None,
        typer.Option(
            "--ics-dir",
            metavar="DIR",
            help="Write one .ics per team plus all.ics into this folder.",
        ),
    ] = None,
    team: TeamOpt = None,
    plan_id: PlanIdOpt = None,
    now: NowOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Write the timeline (any --format) to this file instead of stdout.",
        ),
    ] = None,
) -> None:
    """Print the dated timeline of a protocol for one patient (table, JSON, Markdown, or an HTML
    page with the plan as a picture); optionally write calendars."""
    plan = make_plan(args)
    from cartplan.exports import json as json_contract
    from cartplan.views import timeline

    shown = for_reader(plan, args)  # JSON, a contract for programs, stays as planned
    if ics is not None or ics_dir is not None:
        write_calendars(shown, args, ics, ics_dir, team, plan_id, now)
        if ics == "-":
            return
    if fmt is Format.json:
        text = json_contract.to_json(plan, args.include_phi)
    elif fmt is Format.markdown:
        text = timeline.to_markdown(shown, args.include_phi, args.lang)
    elif fmt is Format.html:
        from cartplan.views import checklist, timeline_svg

        printed = checklist.stamp(shown, checklist.Printout(clock(now), lang=args.lang))
        text = timeline_svg.page(shown, today_in(args.tz, args.today), printed, args.lang)
    else:
        import shutil

        width = shutil.get_terminal_size((80, 24)).columns
        to_stdout = out is None or str(out) == "-"
        encoding = terminal.encoding() if to_stdout else None
        text = timeline.to_table(shown, width, args.include_phi, encoding, args.lang)
    if out is not None and str(out) != "-":
        from cartplan.sources.files import write_atomic

        write_atomic({out: text.encode("utf-8")})
    else:
        terminal.out(text)


@app.command()
@planning_command
def publish(
    args: PlanArgs,
    caldav_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="URL of the CalDAV calendar (it must exist on the server; default: the site "
            "file's caldav.url).",
        ),
    ] = None,
    caldav_user: Annotated[
        str | None,
        typer.Option(metavar="USER", help="CalDAV user name (default: the site file's)."),
    ] = None,
    caldav_password_file: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="File holding the password (else $CARTPLAN_CALDAV_PASSWORD)."
        ),
    ] = None,
    team: TeamOpt = None,
    plan_id: PlanIdOpt = None,
    now: NowOpt = None,
    timeout: Annotated[
        float,
        typer.Option(
            metavar="SECONDS",
            help="Seconds to wait for the CalDAV server at each step (at most 600).",
        ),
    ] = 30.0,
) -> None:
    """Upload the plan's events to a CalDAV calendar, one resource per event; updates in place."""
    from cartplan.exports import caldav as caldav_export
    from cartplan.services.site import caldav_target, load
    from cartplan.sources.files import SECRET_LIMIT, read_text

    caldav_url, caldav_user = caldav_target(caldav_url, caldav_user, load(args.site))
    if not 0 < timeout <= caldav_export.MAX_TIMEOUT:
        raise InputError(
            f"--timeout {timeout:g}: give seconds above 0 and at most {caldav_export.MAX_TIMEOUT}"
        )
    kept_in = "CARTPLAN_CALDAV_PASSWORD"
    if caldav_password_file is not None:
        kept_in = f"--caldav-password-file {caldav_password_file}"
        password = read_text(caldav_password_file, SECRET_LIMIT, kept_in).strip()
    else:
        password = os.environ.get("CARTPLAN_CALDAV_PASSWORD", "")
        if not password:
            raise InputError(
                "no CalDAV password: set CARTPLAN_CALDAV_PASSWORD or give "
                "--caldav-password-file (never on the command line)"
            )
    plan = for_reader(make_plan(args), args)
    check_teams(plan, team)
    opts = calendar_options(plan, args, plan_id, now)
    report = caldav_export.publish(
        plan, opts, team, caldav_url, caldav_user, password, timeout, kept_in
    )
    terminal.out(report + "\n")


class SheetFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


SheetTeamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--team", metavar="TEAM", help="Only the steps of this team on the sheets (repeatable)."
    ),
]
# The options of `checklist` and `plan checklist` (one set: the same sheets, made the same way).
SheetDayOpt = Annotated[
    str | None, typer.Option(help="Day relative to D0 (e.g. 5 or -2).", metavar="N")
]
SheetDateOpt = Annotated[
    str | None, typer.Option("--date", metavar="DATE", help="Calendar date, YYYY-MM-DD.")
]
SheetFromOpt = Annotated[
    str | None,
    typer.Option("--from", metavar="N|DATE", help="Booklet start: day (e.g. -5) or date."),
]
SheetToOpt = Annotated[
    str | None,
    typer.Option("--to", metavar="N|DATE", help="Booklet end: day (e.g. 14) or date."),
]
SheetFormatOpt = Annotated[
    SheetFormat, typer.Option("--format", metavar="|".join(SheetFormat), help="Output format.")
]
PaperOpt = Annotated[
    Paper, typer.Option(metavar="|".join(Paper), help="Paper size of the HTML booklet.")
]
SheetOutOpt = Annotated[
    Path | None, typer.Option(metavar="FILE", help="Write to this file instead of stdout.")
]


@app.command()
@planning_command
def checklist(
    args: PlanArgs,
    day: SheetDayOpt = None,
    on: SheetDateOpt = None,
    first: SheetFromOpt = None,
    last: SheetToOpt = None,
    team: SheetTeamOpt = None,
    fmt: SheetFormatOpt = SheetFormat.text,
    paper: PaperOpt = Paper.a4,
    out: SheetOutOpt = None,
    now: Annotated[
        str | None, typer.Option(hidden=True, metavar="TIME", help="Audit-stamp clock (tests).")
    ] = None,
) -> None:
    """Print daily ward sheets: one row per occurrence with its time, value fields, escalation
    criteria, shift sign-off and an audit stamp."""
    plan = for_reader(make_plan(args), args)
    from cartplan.views import checklist as sheets

    days = sheet_days(plan, day, on, first, last, args.tz, args.today)
    check_teams(plan, team)
    tz = args.tz or (plan.patient.timezone if plan.patient is not None else None)
    printout = sheets.Printout(
        clock(now), args.include_phi, paper.value, tuple(team or ()), tz, args.lang
    )
    print_sheets(plan, days, team, printout, fmt, out)


def print_sheets(
    plan: Plan,
    days: list[date],
    team: list[str] | None,
    printout: Printout,
    fmt: SheetFormat,
    out: Path | None,
) -> None:
    """The ward sheets of `days` in the asked format, to `out` (whole or not at all) or stdout:
    `checklist` and `plan checklist` print through this, after a check of their size."""
    from cartplan.views import checklist as sheets

    if (size := booklet_size(plan, days, team)) > MAX_BOOKLET:
        raise InputError(
            f"the checklists would hold about {size // 1_000_000} million characters (at most "
            f"{MAX_BOOKLET // 1_000_000} million): ask for fewer days or one --team"
        )
    pages = sheets.sheets(plan, days, team, printout.lang)
    if fmt is SheetFormat.html:
        text = sheets.to_html(plan, pages, printout)
    elif fmt is SheetFormat.markdown:
        text = sheets.to_markdown(plan, pages, printout)
    else:
        text = sheets.to_text(plan, pages, printout)
    if out is not None and str(out) != "-":
        from cartplan.sources.files import write_atomic

        write_atomic({out: text.encode("utf-8")})
    elif fmt is SheetFormat.text:
        terminal.out(text.rstrip("\n") + "\n")
    else:
        terminal.out(text)


MAX_BOOKLET = 32_000_000  # characters of checklist text in one command's output


def booklet_size(plan: Plan, days: list[date], teams: list[str] | None) -> int:
    """About how many characters the checklists for `days` hold (a little more): a protocol that
    validates may still have so many long items open at once that a 400-day booklet would not
    fit in memory, and this is known before anything is built."""
    if not days:
        return 0
    lo, hi = min(days), max(days)
    total = 2000 * len(days)  # headings, reminders and sign-off lines of each day
    for e in plan.events:
        if teams and not set(teams) & set(e.step.teams):
            continue
        open_days = (min(e.end, hi) - max(e.start, lo)).days + 1
        if open_days <= 0:
            continue
        s = e.step
        per_day = 400 + sum(len(c.text) * 2 + 8 * c.times_per_day + 60 for c in s.checklist)
        per_day += sum(len(x.criterion) + len(x.action) + 100 for x in s.escalation)
        total += open_days * per_day
    return total


export_app = typer.Typer(
    help="Export a plan for other systems (FHIR R4).", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(export_app, name="export")


@export_app.command("fhir")
@planning_command
def export_fhir(
    args: PlanArgs,
    out: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Write the bundle to this file instead of stdout."),
    ] = None,
    plan_id: PlanIdOpt = None,
    now: NowOpt = None,
) -> None:
    """Write the plan as one FHIR R4 Bundle (JSON): PlanDefinition, CarePlan and Patient."""
    plan = make_plan(args)
    from cartplan.exports import fhir as fhir_export
    from cartplan.sources import catalogue

    opts = calendar_options(plan, args, plan_id, now)
    protocol = catalogue.load(args.protocol)  # the whole protocol, for the PlanDefinition
    text = fhir_export.to_json(fhir_export.bundle(plan, opts, protocol=protocol))
    if out is None:
        sys.stdout.write(text)
    else:
        from cartplan.sources.files import write_atomic

        write_atomic({out: text.encode("utf-8")})


class ListFormat(StrEnum):
    text = "text"
    json = "json"


@protocols_app.command("list", cls=usage.Command)
def protocols_list(
    fmt: Annotated[
        ListFormat,
        typer.Option("--format", metavar="|".join(ListFormat), help="Output format."),
    ] = ListFormat.text,
) -> None:
    """List the protocols --protocol accepts."""
    import json

    from cartplan.sources import catalogue

    rows: list[dict[str, str | bool | None]] = []
    for source in catalogue.available():
        row: dict[str, str | bool | None] = {"id": source.id}
        try:
            p = catalogue.parse(source.path)
            row |= {"version": p.version, "modality": p.modality.value, "title": p.title}
            line = f"{p.id}\tv{p.version}\t{p.modality.value}\t{p.title}"
        except CartplanError as e:
            row |= {"invalid": str(e)}
            line = f"{source.id}\tINVALID\t{e}"
        row |= {"shipped": source.shipped, "path": None if source.shipped else str(source.path)}
        rows.append(row)
        where = "" if source.shipped else f"\t({source.path})"
        if fmt is ListFormat.text:
            terminal.out(line + where + "\n")
    if fmt is ListFormat.json:
        terminal.out(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")


@protocols_app.command("show", cls=usage.Command)
def protocols_show(
    protocol: Annotated[str, typer.Argument(metavar="ID|FILE", help="Protocol id or .yaml path.")],
) -> None:
    """Show a protocol: parameters with ranges, steps with timing, references, assumptions."""
    from cartplan.sources import catalogue
    from cartplan.views.protocol_summary import describe

    terminal.out(describe(catalogue.load(protocol)) + "\n")


@protocols_app.command("validate", cls=usage.Command)
def protocols_validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="FILE", help="Protocol files; all known if omitted."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            metavar="LANG",
            help="Also check the protocol's translation into this language (e.g. zh-CN): "
            "every text must have one (default: $CARTPLAN_LANG, else the locale, else en; "
            "then a protocol without a translation file only gets a note).",
        ),
    ] = None,
) -> None:
    """Check protocol files against the format and every validation rule (and, for a language
    other than English, that every text of the protocol has a translation)."""
    from cartplan.i18n import is_english, render
    from cartplan.i18n.lang import resolve
    from cartplan.sources import catalogue

    language = resolve(lang)
    paths = files or [s.path for s in catalogue.available()]
    failed = 0
    for path in paths:
        try:
            protocol = catalogue.parse(path)
            problems = (
                []
                if is_english(language)
                else translation_problems(path, protocol, language, required=lang is not None)
            )
        except InputError as e:
            failed += 1
            for problem in getattr(e, "problems", None) or [e.message]:
                terminal.err(render(problem, language) + "\n")
        else:
            for problem in problems:
                terminal.err(problem + "\n")
            failed += any(not p.startswith("note: ") for p in problems)
            if all(p.startswith("note: ") for p in problems):
                terminal.out(f"ok: {path}\n")
    if failed:
        raise InputError(f"{failed} of {len(paths)} protocol files have problems (listed above)")


def translation_problems(path: Path, protocol: Any, lang: str, required: bool = True) -> list[str]:
    """One line per text of the protocol without a translation into `lang` (it would show in
    English behind ‹EN›), and per translation of a text the protocol no longer has. Without a
    translation file: a problem when the language was asked for (--lang), else a note (a
    protocol of one's own in a Chinese locale is not wrong for lacking Chinese)."""
    from cartplan.i18n import protocols as protocol_texts

    po = protocol_texts.path_for(path, protocol.id, lang)
    strings = protocol_texts.read(po)
    if strings is None:
        if not required:
            return [f"note: {path}: no {lang} translation file {po}: its texts print in English"]
        return [f"{path}: {lang}: no translation file {po}"]
    out = [
        f"{po}: {t.where}: no translation: {t.text!r}"
        for t in protocol_texts.missing(protocol, strings)
    ]
    out += [
        f"{po}: translation of a text the protocol does not have (changed?): {k!r}"
        for k in protocol_texts.unused(protocol, strings)
    ]
    return out


@protocols_app.command("schema")
def protocols_schema() -> None:
    """Print the JSON Schema of the protocol format (for editors and reviewers)."""
    from cartplan.protocol.schema import schema_json

    terminal.out(schema_json())


schema_app = typer.Typer(
    help="Print the JSON Schemas of cartplan's formats: the plan output and the protocol file.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(schema_app, name="schema")


@schema_app.command("plan")
def schema_plan() -> None:
    """Print the JSON Schema of `schedule --format json` (also schemas/plan.schema.json)."""
    from cartplan.exports.contract import schema_json

    terminal.out(schema_json())


@schema_app.command("agenda")
def schema_agenda() -> None:
    """Print the JSON Schema of `agenda --format json` (also schemas/agenda.schema.json)."""
    from cartplan.exports.agenda import schema_json

    terminal.out(schema_json())


@schema_app.command("site")
def schema_site() -> None:
    """Print the JSON Schema of the site file, site.yaml (also schemas/site.schema.json)."""
    from cartplan.sources.site import schema_json

    terminal.out(schema_json())


@schema_app.command("protocol")
def schema_protocol() -> None:
    """Print the JSON Schema of the protocol format (as `cartplan protocols schema` does)."""
    protocols_schema()


# The core names no command-line flags: for an error about a value a flag gave, the CLI says
# which flag (message code -> prefix over the message's parameters) ...
FLAG_OF = {
    "parameter.unknown": "--set {name}: ",
    "parameter.out_of_range": "--set ",
    "set.unknown_step": "--set {step}.{what}: ",
}
# ... and, where a flag is the way out, which one and how (code -> suffix).
FIX_WITH = {
    "dose.crcl_weight_needs_devine": ": use --crcl-weight actual",
    "washout.unknown_drug": "; name its class as DRUG=CLASS, e.g. '{drug}=anti-cytokine-antibody' "
    "(drug_class: in a patient file)",
    "backward.drug_suggest": " (--infusion {suggestion})",
}
FIX_WITH["washout.unknown_class"] = FIX_WITH["washout.unknown_drug"]


def words(e: CartplanError, lang: str | None = None) -> str:
    """The error as the user reads it: in words (in `lang`), with the flag it is about."""
    from cartplan.errors import PatientError, ProtocolError, SiteError
    from cartplan.i18n import is_english, render
    from cartplan.i18n import words as translate

    if is_english(lang):
        text = str(e)
    elif isinstance(e, PatientError | SiteError):
        text = "\n".join(render(p, lang) for p in e.problems)
    elif isinstance(e, ProtocolError) and len(e.problems) > 1:
        _ = translate(lang)
        more = _(" (+{n} more problems)").format(n=len(e.problems) - 1)
        text = render(e.message, lang) + more
    else:
        text = render(e.message, lang)
    message = e.message
    if isinstance(message, Message):
        prefix, suffix = FLAG_OF.get(message.code, ""), FIX_WITH.get(message.code, "")
        text = prefix.format(**message.params) + text + suffix.format(**message.params)
    return text


def fail(message: str, code: int, lang: str | None = None) -> NoReturn:
    """One line per problem on stderr, then the exit code."""
    from cartplan.errors import OutputError
    from cartplan.i18n import words as translate

    lines = terminal.visible(message).split("\n")
    _ = translate(lang)
    prefix = _("cartplan: error: ")
    try:
        terminal.err("".join(f"{prefix}{line}\n" for line in lines if line))
    except OutputError:
        pass  # no stderr to complain on: the exit code has to say it
    raise SystemExit(code)


PLANNING = {"schedule": schedule, "checklist": checklist, "publish": publish}


from cartplan.cli import plans as _plans  # noqa: E402 - it uses the options declared above

app.add_typer(_plans.plan_app, name="plan")

from cartplan.cli import agenda as _agenda  # noqa: E402 - it uses the options declared above

app.command("agenda")(_agenda.agenda)


def runner(args: list[str]) -> typer.Typer:
    """The app to run: for a planning command, an app holding only that command.

    Typer builds every command's options before parsing; the planning commands have thirty
    each, so building only the one asked for is a tenth of the start-up budget.
    """
    if not args or args[0] not in PLANNING:
        return app
    single = typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings=usage.CONTEXT,
    )
    single.command(name=args[0])(PLANNING[args[0]])
    return single


def _stop_on_signals() -> Callable[[], None]:
    """SIGINT and SIGTERM raise Interrupted (cleaned up, one line, exit 130/143); returns the
    function that puts the previous handlers back."""
    import signal
    import threading

    from cartplan.errors import Interrupted

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for s, handler in previous.items():
            if handler is not None:
                signal.signal(s, handler)

    return restore


def main(argv: list[str] | None = None) -> None:
    """Entry point: one handler turns every error into one line on stderr and an exit code."""
    from typer.exceptions import TyperException

    from cartplan.errors import Interrupted

    debug = os.environ.get("CARTPLAN_DEBUG") == "1"
    # We use no pydantic plugins; finding them scans every installed package (as typer does).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    args = sys.argv[1:] if argv is None else argv
    restore = _stop_on_signals()
    try:
        try:
            one, rest, prog = _plans.single(args) or (
                runner(args),
                args[1:] if args and args[0] in PLANNING else args,
                f"cartplan {args[0]}" if args and args[0] in PLANNING else "cartplan",
            )
            from cartplan.i18n.lang import guess

            if (lang := guess(args)) != "en":  # help in the reader's language
                from cartplan.cli.help_texts import localized
                from cartplan.i18n import words as translator

                one = localized(one, translator(lang))
            code = one(args=rest, standalone_mode=False, prog_name=prog)
            terminal.flush()
        finally:
            restore()
    except CartplanError as e:
        if debug:
            raise
        from cartplan.i18n.lang import guess

        lang = guess(args)
        fail(words(e, lang), e.exit_code, lang)
    except TyperException as e:
        if usage.is_help_request(e):  # `cartplan` alone: help, as asked
            terminal.out(usage.help_text(e))
            raise SystemExit(0) from None
        fail(e.format_message(), getattr(e, "exit_code", 2))
    except typer.Abort:
        fail("aborted", 1)
    except Interrupted as e:
        fail(str(e), e.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        terminal.discard_stdout()
        raise SystemExit(0) from None
    except Exception as e:
        if debug:
            raise
        fail(f"internal error: {e.__class__.__name__}: {e} (set CARTPLAN_DEBUG=1 for details)", 70)
    raise SystemExit(code if isinstance(code, int) else 0)
