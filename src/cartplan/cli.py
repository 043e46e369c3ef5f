"""Command line: parse, call the engine and adapters, render, map errors to exit codes.

Heavy modules (yaml, holidays, rich.table, icalendar) are imported inside the commands that use
them: start-up time is a feature.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cartplan.errors import CartplanError, InputError

if TYPE_CHECKING:
    from cartplan.engine import Plan, WorkCalendar

app = typer.Typer(
    name="cartplan",
    help="Plan CAR-T cell therapy for autoimmune disease: dated timelines, calendars, checklists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
protocols_app = typer.Typer(
    help="List, show, validate protocols; print the protocol JSON Schema.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(protocols_app, name="protocols")


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


ProtocolOpt = Annotated[
    str,
    typer.Option(
        "--protocol", "-p", help="Protocol id (see `cartplan protocols list`) or a .yaml path."
    ),
]
StartOpt = Annotated[str | None, typer.Option(help="First washout day, YYYY-MM-DD (plan forward).")]
InfusionOpt = Annotated[
    str | None, typer.Option(help="Target infusion day D0, YYYY-MM-DD (plan backward).")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="NAME=VALUE", help="Set a protocol parameter (repeatable)."),
]
CountryOpt = Annotated[
    str | None, typer.Option(help="Country for public holidays (ISO code, e.g. DE).")
]
SubdivOpt = Annotated[
    str | None, typer.Option(help="Subdivision for holidays (e.g. BY for Bavaria).")
]
ClosuresOpt = Annotated[
    Path | None, typer.Option(help="Site closures: one 'YYYY-MM-DD[..YYYY-MM-DD] reason' a line.")
]
TzOpt = Annotated[
    str | None, typer.Option(help="Time zone of the site (IANA name, e.g. Europe/Berlin).")
]
TodayOpt = Annotated[str | None, typer.Option(hidden=True, help="Override today's date (tests).")]


def parse_overrides(items: list[str] | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for raw in items or []:
        name, sep, value = raw.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--set {raw}: write NAME=VALUE, e.g. --set washout_days=14")
        try:
            out[name.strip()] = int(value.strip())
        except ValueError:
            raise InputError(f"--set {raw}: '{value}' is not a whole number") from None
    return out


def today_in(tz: str | None, override: str | None) -> date:
    from cartplan.workdays import parse_date

    if override is not None:
        return parse_date(override, "--today")
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if tz is None:
        return datetime.now().astimezone().date()
    try:
        return datetime.now(ZoneInfo(tz)).date()
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"--tz {tz}: unknown time zone; use an IANA name such as Europe/Berlin"
        ) from None


def work_calendar(country: str | None, subdiv: str | None, closures: Path | None) -> WorkCalendar:
    if subdiv is not None and country is None:
        raise InputError(f"--subdiv {subdiv}: give --country as well")
    if country is None and closures is None:
        from cartplan.engine import MondayToFriday

        return MondayToFriday()
    from cartplan.workdays import SiteCalendar, read_closures

    return SiteCalendar(country, subdiv, read_closures(closures) if closures else None)


def make_plan(
    protocol: str,
    start: str | None,
    infusion: str | None,
    sets: list[str] | None,
    country: str | None,
    subdiv: str | None,
    closures: Path | None,
    tz: str | None,
    today: str | None,
) -> Plan:
    """The shared planning options of every command that needs a plan."""
    from cartplan import engine, library
    from cartplan.workdays import parse_date

    if (start is None) == (infusion is None):
        raise InputError("give exactly one of --start (first washout day) or --infusion (D0)")
    begin = parse_date(start, "--start") if start is not None else None
    d0 = parse_date(infusion, "--infusion") if infusion is not None else None
    overrides = parse_overrides(sets)
    now = today_in(tz, today)
    calendar = work_calendar(country, subdiv, closures)
    return engine.schedule(
        library.load(protocol),
        start=begin,
        infusion=d0,
        overrides=overrides,
        calendar=calendar,
        today=now,
    )


@app.command()
def schedule(
    protocol: ProtocolOpt,
    start: StartOpt = None,
    infusion: InfusionOpt = None,
    set_: SetOpt = None,
    country: CountryOpt = None,
    subdiv: SubdivOpt = None,
    closures: ClosuresOpt = None,
    tz: TzOpt = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    today: TodayOpt = None,
) -> None:
    """Print the dated timeline of a protocol for one patient."""
    plan = make_plan(protocol, start, infusion, set_, country, subdiv, closures, tz, today)
    from cartplan import render

    if fmt is Format.json:
        sys.stdout.write(render.to_json(plan))
    elif fmt is Format.markdown:
        sys.stdout.write(render.to_markdown(plan))
    else:
        out = console()
        out.print(render.to_table(plan, out.width))


def console() -> "Console":  # noqa: UP037 - rich is imported lazily
    from rich.console import Console

    return Console(highlight=False, emoji=False, markup=False)


if TYPE_CHECKING:
    from rich.console import Console


@protocols_app.command("list")
def protocols_list() -> None:
    """List the protocols --protocol accepts."""
    from cartplan import library

    for source in library.available():
        try:
            p = library.parse(source.path)
            line = f"{p.id}\tv{p.version}\t{p.title}"
        except CartplanError as e:
            line = f"{source.id}\tINVALID\t{e}"
        where = "" if source.shipped else f"\t({source.path})"
        typer.echo(line + where)


@protocols_app.command("show")
def protocols_show(
    protocol: Annotated[str, typer.Argument(help="Protocol id or .yaml path.")],
) -> None:
    """Show a protocol: parameters with ranges, steps with timing, references, assumptions."""
    from cartplan import library
    from cartplan.describe import describe

    typer.echo(describe(library.load(protocol)))


@protocols_app.command("validate")
def protocols_validate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Protocol files; all known if omitted.")
    ] = None,
) -> None:
    """Check protocol files against the format and every validation rule."""
    from cartplan import library
    from cartplan.errors import ProtocolError

    paths = files or [s.path for s in library.available()]
    failed = 0
    for path in paths:
        try:
            library.parse(path)
        except ProtocolError as e:
            failed += 1
            for problem in e.problems:
                typer.echo(problem, err=True)
        else:
            typer.echo(f"ok: {path}")
    if failed:
        raise InputError(f"{failed} of {len(paths)} protocol files have problems (listed above)")


@protocols_app.command("schema")
def protocols_schema() -> None:
    """Print the JSON Schema of the protocol format (for editors and reviewers)."""
    from cartplan.describe import schema_json

    sys.stdout.write(schema_json())


def fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"cartplan: error: {message}\n")
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one handler turns every error into one line on stderr and an exit code."""
    from typer.exceptions import TyperException

    debug = os.environ.get("CARTPLAN_DEBUG") == "1"
    # We use no pydantic plugins; finding them scans every installed package (as typer does).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    try:
        code = app(args=argv, standalone_mode=False, prog_name="cartplan")
    except CartplanError as e:
        if debug:
            raise
        fail(str(e), e.exit_code)
    except TyperException as e:
        fail(e.format_message(), getattr(e, "exit_code", 2))
    except typer.Abort:
        fail("aborted", 1)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        raise SystemExit(0) from None
    except Exception as e:
        if debug:
            raise
        fail(f"internal error: {e.__class__.__name__}: {e} (set CARTPLAN_DEBUG=1 for details)", 70)
    raise SystemExit(code if isinstance(code, int) else 0)
