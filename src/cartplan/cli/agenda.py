"""`cartplan agenda`: every active stored plan over some days, for the centre — per day what
happens to whom, each resource's load against the site file's capacity, and clashes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cartplan.cli import NowOpt
from cartplan.cli.plans import DbOpt
from cartplan.views import terminal

SiteOpt = Annotated[
    Path | None,
    typer.Option(
        "--site",
        metavar="FILE",
        help="Site file with the resources and their capacity (default: $CARTPLAN_SITE, else "
        "site.yaml in ~/.config/cartplan).",
    ),
]


class AgendaFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"
    ics = "ics"


def agenda(
    first: Annotated[str, typer.Option("--from", metavar="DATE", help="First day, YYYY-MM-DD.")],
    last: Annotated[
        str, typer.Option("--to", metavar="DATE", help="Last day, YYYY-MM-DD (inclusive).")
    ],
    team: Annotated[
        list[str] | None,
        typer.Option("--team", metavar="TEAM", help="Only this team's events (repeatable)."),
    ] = None,
    resource: Annotated[
        str | None,
        typer.Option(
            "--resource", metavar="NAME", help="Only this resource's load and the events using it."
        ),
    ] = None,
    clashes: Annotated[
        bool, typer.Option("--clashes", help="Only the days where a resource is over capacity.")
    ] = False,
    fmt: Annotated[
        AgendaFormat,
        typer.Option("--format", metavar="table|json|html|ics", help="Output format."),
    ] = AgendaFormat.table,
    out: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Write to this file instead of stdout."),
    ] = None,
    site: SiteOpt = None,
    db: DbOpt = None,
    now: NowOpt = None,
) -> None:
    """Every active stored plan over some days: per day what happens to whom (label, step,
    D-day, teams), each resource's load against its capacity, and clash warnings."""
    from cartplan.dates import parse_date
    from cartplan.services import agenda as use_case
    from cartplan.services import plans
    from cartplan.services import site as site_file
    from cartplan.services.planning import clock

    lo, hi = parse_date(first, "--from"), parse_date(last, "--to")
    found = site_file.load(site)
    with plans.store(db) as store:
        a = use_case.agenda(store, lo, hi, found, team, resource)
    if clashes:
        keep = {c.period for c in a.clashes}
        a = a._replace(
            spans=[s for s in a.spans if s.plan_id in _involved(a)],
            loads=[x for x in a.loads if x.period in keep],
        )
    name = found.site.name if found is not None else None
    data: bytes
    if fmt is AgendaFormat.json:
        from cartplan.exports import agenda as agenda_json

        data = agenda_json.to_json(a, name).encode("utf-8")
    elif fmt is AgendaFormat.ics:
        from cartplan.exports import agenda as agenda_ics
        from cartplan.exports.ics import read_previous

        previous = read_previous(out) if out is not None and str(out) != "-" else {}
        label = "+".join(team) if team else None
        data = agenda_ics.to_ics(a, clock(now), label, previous)
    else:
        from cartplan.agenda.load import per_day
        from cartplan.views import agenda as agenda_view

        view = agenda_view.View(
            a.first,
            a.last,
            per_day(a.spans, a.capacities, a.first, a.last),
            a.loads,
            a.clashes,
            a.labels,
            name,
            clashes,
        )
        text = (
            agenda_view.to_html(view, clock(now))
            if fmt is AgendaFormat.html
            else agenda_view.to_text(view)
        )
        data = text.encode("utf-8")
    if out is not None and str(out) != "-":
        from cartplan.sources.files import write_atomic

        write_atomic({out: data})
    else:
        terminal.out_bytes(data)


def _involved(a: object) -> set[str]:
    return {p for c in getattr(a, "clashes", []) for p in c.plans}
