"""Use case: write a plan's calendars (.ics per team, all.ics), keeping UIDs and SEQUENCE."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cartplan.services.planning import PlanArgs, check_teams, clock
from cartplan.views import terminal

if TYPE_CHECKING:
    from cartplan.schedule.plan import Plan


def calendar_options(plan: Plan, args: PlanArgs, plan_id: str | None, now: str | None) -> Any:
    from cartplan.exports import ics

    stamp = clock(now)
    tz = args.tz or (plan.patient.timezone if plan.patient is not None else None)
    return ics.Options(ics.plan_id_for(plan, plan_id), stamp, tz, args.include_phi, args.lang)


def write_calendars(
    plan: Plan,
    args: PlanArgs,
    target: str | None,
    folder: Path | None,
    teams: list[str] | None,
    plan_id: str | None,
    now: str | None,
) -> None:
    from cartplan.exports import ics

    check_teams(plan, teams)
    wanted = teams
    opts = calendar_options(plan, args, plan_id, now)
    files: dict[Path, bytes] = {}
    if target is not None:
        path = Path(target)
        previous = ics.read_previous(path) if target != "-" else {}
        data = ics.calendar(
            ics.build(plan, opts, wanted, previous),
            plan,
            opts,
            None if not wanted else "+".join(wanted),
        )
        if target == "-":
            terminal.out_bytes(data)
        else:
            files[path] = data
    if folder is not None:
        for t in [t.id for t in plan.protocol.teams if wanted is None or t.id in wanted]:
            events = ics.build(plan, opts, [t], ics.read_previous(folder / f"{t}.ics"))
            if events:
                files[folder / f"{t}.ics"] = ics.calendar(events, plan, opts, t)
        everything = ics.build(plan, opts, wanted, ics.read_previous(folder / "all.ics"))
        files[folder / "all.ics"] = ics.calendar(everything, plan, opts, None)
    from cartplan.sources.files import write_atomic

    write_atomic(files)
