"""`cartplan plan …`: living plans kept in a store (SQLite by default, PostgreSQL for a centre).

Each command parses, calls one use case in cartplan.services.plans, prints through
cartplan.views.terminal. The store's libraries load inside the commands that need them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cartplan.cli import (
    NowOpt,
    Paper,
    PaperOpt,
    SheetDateOpt,
    SheetDayOpt,
    SheetFormat,
    SheetFormatOpt,
    SheetFromOpt,
    SheetOutOpt,
    SheetTeamOpt,
    SheetToOpt,
    TeamOpt,
    planning_command,
)
from cartplan.errors import InputError
from cartplan.services.planning import PlanArgs
from cartplan.views import terminal

if TYPE_CHECKING:
    from cartplan.services.plans import Loaded, Preview

plan_app: typer.Typer = typer.Typer(
    help="Living plans kept in a store: make, show, record what happened, re-plan, audit.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Plan store: sqlite:///path/plans.db or postgresql://user@host:port/db "
        "(default: $CARTPLAN_DB, else plans.db in your data folder).",
    ),
]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who makes the change (default: $CARTPLAN_USER, else your login).",
    ),
]
IfRevisionOpt = Annotated[
    int | None,
    typer.Option(
        "--if-revision",
        metavar="N",
        help="Save only if the plan is still at revision N (e.g. the one a --dry-run showed).",
    ),
]
TodayOpt = Annotated[
    str | None, typer.Option(hidden=True, metavar="DATE", help="Override today (tests).")
]
PlanRef = Annotated[str, typer.Argument(metavar="PLAN", help="Plan id, or an active plan's label.")]


class Status(StrEnum):
    done = "done"
    deferred = "deferred"
    cancelled = "cancelled"
    failed = "failed"


class CascadeOpt(StrEnum):
    downstream = "downstream"
    none = "none"


class ListStatus(StrEnum):
    active = "active"
    completed = "completed"
    stopped = "stopped"
    all = "all"


class CloseStatus(StrEnum):
    completed = "completed"
    stopped = "stopped"


class ShowFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


class ChangeFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    json = "json"
    markdown = "markdown"
    fhir = "fhir"


def _now(now: str | None) -> datetime:
    from cartplan.services.planning import clock

    return clock(now)


@plan_app.command("new")
@planning_command
def plan_new(
    args: PlanArgs,
    db: DbOpt = None,
    by: ByOpt = None,
    reason: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Why the plan is made (optional).")
    ] = None,
    after: Annotated[
        str | None,
        typer.Option(
            metavar="PLAN",
            help="Re-treatment: the earlier plan (id or active label) whose stored product lot "
            "this plan thaws; required by a re-treatment protocol, refused by any other.",
        ),
    ] = None,
    now: NowOpt = None,
    fit: Annotated[
        bool,
        typer.Option(
            "--fit",
            help="Take the earliest start on or after the one given where the plan fits every "
            "resource of the site file beside the stored plans (and say why it moved).",
        ),
    ] = False,
) -> None:
    """Plan a protocol for one patient and keep the plan in the store; prints the plan id."""
    from cartplan.services import plans

    with plans.store(db) as store:
        if fit:
            from cartplan.i18n import render
            from cartplan.services import agenda, site

            found = site.load(args.site)
            plan_id, _, result = agenda.new_fitted(
                store, args, found, plans.who(by), reason, _now(now), after
            )
            terminal.err(render(result.why) + "\n")
        else:
            plan_id, _ = plans.new(store, args, plans.who(by), reason, _now(now), after)
    terminal.out(plan_id + "\n")


@plan_app.command("import")
def plan_import(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="Spreadsheet saved as CSV: a header row (label, protocol, start or infusion, "
            "patient fields, set:NAME), one plan per row (see the README).",
        ),
    ],
    skip_bad: Annotated[
        bool,
        typer.Option(
            "--skip-bad",
            help="Import the good rows and list the bad ones (default: one bad row, nothing "
            "imported).",
        ),
    ] = False,
    fmt: Annotated[
        ChangeFormat, typer.Option("--format", metavar="text|json", help="Output format.")
    ] = ChangeFormat.text,
    country: Annotated[
        str | None,
        typer.Option(metavar="CODE", help="Country for public holidays, for every row."),
    ] = None,
    subdiv: Annotated[
        str | None, typer.Option(metavar="CODE", help="Subdivision for holidays (e.g. BY).")
    ] = None,
    closures: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Site closures file, for every row (as plan new)."),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(metavar="ZONE", help="Time zone of the site (IANA name), for every row."),
    ] = None,
    site: Annotated[
        Path | None,
        typer.Option(
            "--site",
            metavar="FILE",
            help="Site file: country, subdivision, closures and zone for every row where the "
            "options give none (default: $CARTPLAN_SITE, else site.yaml in ~/.config/cartplan).",
        ),
    ] = None,
    by: ByOpt = None,
    reason: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Why the plans are made (kept with each plan)."),
    ] = None,
    db: DbOpt = None,
    now: NowOpt = None,
    today: TodayOpt = None,
) -> None:
    """Make one stored plan per row of a CSV file, all in one transaction; exit 0 only when
    every row was imported (bad rows: one line each on stderr, exit 2)."""
    from cartplan.cli import words
    from cartplan.services import plan_import, plans
    from cartplan.services import site as site_file

    shared = plan_import.Site(*site_file.calendar(site, country, subdiv, closures, tz), today)
    planned = plan_import.plan_rows(file, shared, plans.who(by), reason, _now(now))
    with plans.store(db) as store:
        report = plan_import.save(store, planned, skip_bad)
    reasons = [words(b.error).replace("\n", "; ") for b in report.bad]
    if fmt is ChangeFormat.json:
        from cartplan.exports import plans as plans_json

        terminal.out(plans_json.import_report(report, reasons))
    else:
        from cartplan.views import plans as plans_view

        terminal.out(plans_view.import_report(report))
    if not report.bad:
        return
    lines = [
        f"{report.file} line {b.line}{f' ({b.label})' if b.label else ''}: {why}"
        for b, why in zip(report.bad, reasons, strict=True)
    ]
    n, total = len(report.bad), report.rows
    if report.saved:
        lines.append(
            f"{n} of {total} rows skipped (lines {', '.join(str(b.line) for b in report.bad)}); "
            f"the other {len(report.imported)} imported"
        )
    else:
        lines.append(
            f"{n} of {total} rows are bad: nothing was imported; fix them, or give --skip-bad "
            "to import the others"
        )
    raise InputError("\n".join(lines))


@plan_app.command("list")
def plan_list(
    status: Annotated[
        ListStatus, typer.Option(metavar="active|completed|stopped|all", help="Which plans.")
    ] = ListStatus.active,
    fmt: Annotated[
        TableOrJson, typer.Option("--format", metavar="table|json", help="Output format.")
    ] = (TableOrJson.table),
    db: DbOpt = None,
) -> None:
    """List stored plans."""
    from cartplan.services import plans

    with plans.store(db) as store:
        rows = plans.plans(store, status.value)
    if fmt is TableOrJson.json:
        from cartplan.exports import plans as plans_json

        terminal.out(plans_json.plan_list(rows))
    else:
        from cartplan.views import plans as plans_view

        terminal.out(plans_view.plan_list(rows))


def _header(loaded: Loaded) -> str:
    r = loaded.row
    head = f"plan {r.plan_id} · {r.label} · revision {loaded.revision}"
    if loaded.revision != r.revision:
        head += f" of {r.revision}"
    before = loaded.previous
    after = f" · after plan {before.plan_id} ({before.label})" if before is not None else ""
    return head + f" · {loaded.stored.status}{after}\n"


@plan_app.command("show")
def plan_show(
    plan: PlanRef,
    revision: Annotated[
        int | None, typer.Option(metavar="N", help="An earlier revision (default: the latest).")
    ] = None,
    fmt: Annotated[
        ShowFormat, typer.Option("--format", metavar="table|json|markdown", help="Output format.")
    ] = ShowFormat.table,
    include_phi: Annotated[
        bool, typer.Option(help="Put name, birth date and record number into the output.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Show a stored plan (a revision) with each step's status and recorded days."""
    from cartplan.services import plans

    with plans.store(db) as store:
        loaded = plans.load(store, plan, revision)
    if fmt is ShowFormat.json:
        import json

        body = plans.plan_json(loaded, include_phi)
        terminal.out(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return
    from cartplan.views import timeline

    shown = plans.shown_plan(loaded)
    if fmt is ShowFormat.markdown:
        terminal.out(
            f"<!-- {_header(loaded).strip()} -->\n" + timeline.to_markdown(shown, include_phi)
        )
        return
    import shutil

    width = min(shutil.get_terminal_size((80, 24)).columns, 120)
    terminal.out(_header(loaded) + timeline.to_table(shown, width, include_phi))


def _print_change(preview: Preview, fmt: ChangeFormat) -> None:
    from cartplan.i18n import render
    from cartplan.services.plans import change_record

    changes = [change_record(c) for c in preview.outcome.changes]
    notices = [render(n) for n in preview.outcome.notices]
    pid = preview.loaded.row.plan_id
    if fmt is ChangeFormat.json:
        from cartplan.exports import plans as plans_json

        terminal.out(plans_json.change_set(pid, preview.base, preview.saved, changes, notices))
        return
    from cartplan.views import plans as plans_view

    text = plans_view.change_set(changes, notices)
    if preview.saved is None:
        text += (
            f"dry run: nothing saved (computed from revision {preview.base}; to save exactly "
            f"this, repeat without --dry-run and with --if-revision {preview.base})\n"
        )
    else:
        text += f"saved: plan {pid} revision {preview.saved}\n"
    terminal.out(text)


@plan_app.command("record")
def plan_record(
    plan: PlanRef,
    step: Annotated[
        str, typer.Argument(metavar="STEP", help="The protocol step id (see plan show).")
    ],
    status: Annotated[
        Status, typer.Option(metavar="done|deferred|cancelled|failed", help="What happened.")
    ],
    reason: Annotated[str, typer.Option(metavar="TEXT", help="Why (kept in the audit trail).")],
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="The day it happened (done, failed; default today) or the new day (deferred).",
        ),
    ] = None,
    by: ByOpt = None,
    cascade: Annotated[
        CascadeOpt,
        typer.Option(
            metavar="downstream|none",
            help="downstream: re-plan the steps that follow; none: only this step.",
        ),
    ] = CascadeOpt.downstream,
    dry_run: Annotated[bool, typer.Option(help="Show the change set; save nothing.")] = False,
    if_revision: IfRevisionOpt = None,
    fmt: Annotated[
        ChangeFormat, typer.Option("--format", metavar="text|json", help="Output format.")
    ] = (ChangeFormat.text),
    db: DbOpt = None,
    now: NowOpt = None,
    today: TodayOpt = None,
) -> None:
    """Record what happened to a step; re-plan what follows; print the change set and save it
    as a new revision (unless --dry-run)."""
    from cartplan.lifecycle.states import Cascade
    from cartplan.services import plans

    with plans.store(db) as store:
        preview = plans.record(
            store,
            plan,
            step,
            status.value,
            on,
            reason,
            plans.who(by),
            Cascade(cascade.value),
            dry_run,
            if_revision,
            _now(now),
            today,
        )
    _print_change(preview, fmt)


@plan_app.command("history")
def plan_history(
    plan: PlanRef,
    fmt: Annotated[
        TableOrJson, typer.Option("--format", metavar="table|json", help="Output format.")
    ] = (TableOrJson.table),
    db: DbOpt = None,
) -> None:
    """Every revision and fact: who, when (UTC and site time), what (old → new), why."""
    from cartplan.services import plans

    with plans.store(db) as store:
        loaded, entries = plans.history(store, plan)
    if fmt is TableOrJson.json:
        from cartplan.exports import plans as plans_json

        terminal.out(plans_json.history(entries))
        return
    from cartplan.views import plans as plans_view

    terminal.out(_header(loaded) + plans_view.history(entries))


@plan_app.command("verify")
def plan_verify(
    plan: Annotated[
        str | None, typer.Argument(metavar="[PLAN]", help="One plan (default: every plan).")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Check the audit trail: exit 0 when intact, else exit 8 naming the first broken entry."""
    from cartplan.services import plans

    with plans.store(db) as store:
        checked = plans.verify(store, plan)
    total = sum(n for _, n in checked)
    terminal.out(f"audit trail intact: {len(checked)} plans, {total} entries\n")


@plan_app.command("migrate")
def plan_migrate(
    plan: PlanRef,
    to_version: Annotated[
        str, typer.Option(metavar="VERSION", help="The protocol version to move to.")
    ],
    reason: Annotated[str, typer.Option(metavar="TEXT", help="Why (kept in the audit trail).")],
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="The new version's protocol file (default: the catalogue's).",
        ),
    ] = None,
    by: ByOpt = None,
    dry_run: Annotated[bool, typer.Option(help="Show the change set; save nothing.")] = False,
    if_revision: IfRevisionOpt = None,
    fmt: Annotated[
        ChangeFormat, typer.Option("--format", metavar="text|json", help="Output format.")
    ] = (ChangeFormat.text),
    db: DbOpt = None,
    now: NowOpt = None,
    today: TodayOpt = None,
) -> None:
    """Move a live plan to a new version of its protocol, keeping recorded facts and the
    calendar UIDs of steps that still exist; prints the change set."""
    from cartplan.services import plans

    with plans.store(db) as store:
        preview = plans.migrate(
            store,
            plan,
            to_version,
            source,
            plans.who(by),
            reason,
            dry_run,
            if_revision,
            _now(now),
            today,
        )
    _print_change(preview, fmt)


@plan_app.command("close")
def plan_close(
    plan: PlanRef,
    status: Annotated[
        CloseStatus, typer.Option(metavar="completed|stopped", help="completed or stopped.")
    ],
    reason: Annotated[str, typer.Option(metavar="TEXT", help="Why (kept in the audit trail).")],
    by: ByOpt = None,
    if_revision: IfRevisionOpt = None,
    db: DbOpt = None,
    now: NowOpt = None,
) -> None:
    """Close a plan as completed or stopped (its label is free again)."""
    from cartplan.services import plans

    with plans.store(db) as store:
        preview = plans.close(
            store, plan, status.value, reason, plans.who(by), if_revision, _now(now)
        )
    terminal.out(
        f"closed: plan {preview.loaded.row.plan_id} {status.value} (revision {preview.saved})\n"
    )


@plan_app.command("export")
def plan_export(
    plan: PlanRef,
    ics: Annotated[
        Path | None,
        typer.Option("--ics", metavar="FILE", help="Write one .ics calendar ('-' for stdout)."),
    ] = None,
    ics_dir: Annotated[
        Path | None,
        typer.Option(
            "--ics-dir",
            metavar="DIR",
            help="Write one .ics per team plus all.ics into this folder.",
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            help="json, markdown or fhir (an R4 Bundle with the actuals; to --out or stdout).",
            metavar="json|markdown|fhir",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(metavar="FILE", help="File for --format (default stdout).")
    ] = None,
    team: TeamOpt = None,
    include_phi: Annotated[
        bool, typer.Option(help="Put name, birth date and record number into the output.")
    ] = False,
    by: ByOpt = None,
    db: DbOpt = None,
    now: NowOpt = None,
) -> None:
    """Write the stored plan's calendars (they follow the plan: events that left it are
    removed, only changed events get a higher SEQUENCE) or its JSON / Markdown."""
    from cartplan.services import plans

    if ics is None and ics_dir is None and fmt is None:
        raise InputError("give --ics FILE, --ics-dir DIR or --format json|markdown|fhir")
    with plans.store(db) as store:
        loaded = plans.load(store, plan)
        if ics is not None or ics_dir is not None:
            from cartplan.services import plan_calendars

            reports = plan_calendars.export(
                store, loaded, ics, ics_dir, team, include_phi, plans.who(by), _now(now)
            )
            for line in reports:
                terminal.err(line + "\n")
    if fmt is None:
        return
    if fmt is ExportFormat.fhir:
        from cartplan.exports import fhir

        with plans.store(db) as store:
            text = fhir.to_json(plans.fhir_bundle(store, plan, include_phi, _now(now)))
    elif fmt is ExportFormat.json:
        import json

        text = json.dumps(plans.plan_json(loaded, include_phi), indent=2, ensure_ascii=False)
        text += "\n"
    else:
        from cartplan.views import timeline

        text = timeline.to_markdown(plans.shown_plan(loaded), include_phi)
    if out is not None and str(out) != "-":
        from cartplan.sources.files import write_atomic

        write_atomic({out: text.encode("utf-8")})
    else:
        terminal.out(text)


@plan_app.command("publish")
def plan_publish(
    plan: PlanRef,
    caldav_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="CalDAV calendar collection URL (default: the site file's caldav.url).",
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
    include_phi: Annotated[
        bool, typer.Option(help="Put name, birth date and record number into the events.")
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(
            metavar="SECONDS",
            help="Seconds to wait for the CalDAV server at each step (at most 600).",
        ),
    ] = 30.0,
    by: ByOpt = None,
    db: DbOpt = None,
    now: NowOpt = None,
    site: Annotated[
        Path | None,
        typer.Option(
            "--site",
            metavar="FILE",
            help="Site file with the CalDAV target and default teams (default: "
            "$CARTPLAN_SITE, else site.yaml in ~/.config/cartplan).",
        ),
    ] = None,
) -> None:
    """Bring a CalDAV calendar in line with the stored plan: the plan id is the UID namespace;
    events that left the plan are deleted; other events are never touched."""
    from cartplan.services import plan_calendars, plans
    from cartplan.services import site as site_file

    settings = site_file.apply(site, None, team, caldav_url, caldav_user)
    caldav_url, caldav_user = site_file.caldav_target(
        settings.caldav_url, settings.caldav_user, settings.found
    )
    team = settings.teams
    password = plan_calendars.password(caldav_password_file)
    with plans.store(db) as store:
        loaded = plans.load(store, plan)
        report = plan_calendars.publish(
            store,
            loaded,
            caldav_url,
            caldav_user,
            password,
            team,
            include_phi,
            timeout,
            plans.who(by),
            _now(now),
        )
    terminal.out(report + "\n")


@plan_app.command("checklist")
def plan_checklist(
    plan: PlanRef,
    day: SheetDayOpt = None,
    on: SheetDateOpt = None,
    first: SheetFromOpt = None,
    last: SheetToOpt = None,
    team: SheetTeamOpt = None,
    fmt: SheetFormatOpt = SheetFormat.text,
    paper: PaperOpt = Paper.a4,
    out: SheetOutOpt = None,
    include_phi: Annotated[
        bool, typer.Option(help="Put name, birth date and record number on the sheets.")
    ] = False,
    db: DbOpt = None,
    now: NowOpt = None,
    today: TodayOpt = None,
) -> None:
    """Print the daily ward sheets of the stored plan (cancelled steps left out)."""
    from cartplan.cli import print_sheets
    from cartplan.services import plan_calendars, plans
    from cartplan.views import checklist as sheets

    with plans.store(db) as store:
        loaded = plans.load(store, plan)
    shown, days, tz = plan_calendars.checklist_days(loaded, day, on, first, last, team, today)
    printout = sheets.Printout(_now(now), include_phi, paper.value, tuple(team or ()), tz)
    print_sheets(shown, days, team, printout, fmt, out)


@plan_app.command("check")
def plan_check(
    plan: PlanRef,
    site: Annotated[
        Path | None,
        typer.Option(
            "--site",
            metavar="FILE",
            help="Site file with the resources (default: $CARTPLAN_SITE, else site.yaml in "
            "~/.config/cartplan).",
        ),
    ] = None,
    db: DbOpt = None,
) -> None:
    """List the resource clashes the stored plan takes part in (site file capacities)."""
    from cartplan.services import agenda
    from cartplan.services import site as site_file
    from cartplan.views.agenda import clash_line

    found = site_file.load(site)
    with plans_store(db) as store:
        plan_id, label, clashes, labels = agenda.plan_clashes(store, plan, found)
    if not clashes:
        terminal.out(f"plan {plan_id} ({label}): no clashes\n")
        return
    terminal.out("".join(clash_line(c, labels) + "\n" for c in clashes))


def plans_store(db: str | None) -> Any:
    from cartplan.services import plans

    return plans.store(db)


COMMANDS: dict[str, Any] = {
    "new": plan_new,
    "import": plan_import,
    "list": plan_list,
    "show": plan_show,
    "record": plan_record,
    "history": plan_history,
    "verify": plan_verify,
    "migrate": plan_migrate,
    "close": plan_close,
    "export": plan_export,
    "publish": plan_publish,
    "checklist": plan_checklist,
    "check": plan_check,
}


def single(args: list[str]) -> tuple[typer.Typer, list[str], str] | None:
    """For `plan COMMAND …`: an app holding only that command (typer builds every command's
    options before parsing; `plan show` should not pay for `plan new`'s thirty)."""
    if len(args) < 2 or args[0] != "plan" or args[1] not in COMMANDS:
        return None
    one = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    one.command(name=args[1])(COMMANDS[args[1]])
    return one, args[2:], f"cartplan plan {args[1]}"
