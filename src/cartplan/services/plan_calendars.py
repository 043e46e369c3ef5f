"""Use cases: a stored plan's calendars (files, CalDAV) and ward sheets.

Calendars are a view of the latest revision: cancelled steps leave them, UIDs come from the
plan id, SEQUENCE from what the target holds and what the store's publish log says was sent
there, and each export or publish is logged in the store (what was sent where)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cartplan.errors import InputError
from cartplan.services.planning import check_teams, sheet_days

if TYPE_CHECKING:
    from datetime import date

    from cartplan.exports.follow import Sync
    from cartplan.schedule.plan import Plan
    from cartplan.services.plans import Loaded
    from cartplan.store.db import Db


def _logged(db: Db, plan_id: str, kind: str, target: str) -> dict[str, tuple[int, str]]:
    """What the store last sent to `target`: uid -> (SEQUENCE, digest)."""
    from cartplan.store import repo

    state: dict[str, tuple[int, str]] = {}
    for row in repo.publish_log(db, plan_id):
        if row.kind == kind and row.target == target:
            state = {uid: (int(v[0]), str(v[1])) for uid, v in json.loads(row.sent).items()}
    return state


def _log(db: Db, loaded: Loaded, kind: str, sync: Sync, by: str, now: datetime) -> None:
    from cartplan.services.plans import stamp
    from cartplan.store import repo

    repo.log_publish(
        db,
        loaded.row.plan_id,
        loaded.revision,
        stamp(now),
        by,
        kind,
        sync.target,
        json.dumps({k: list(v) for k, v in sorted(sync.sent.items())}, separators=(",", ":")),
        json.dumps(sync.removed),
    )


def export(
    db: Db,
    loaded: Loaded,
    file: Path | None,
    folder: Path | None,
    teams: list[str] | None,
    include_phi: bool,
    by: str,
    now: datetime,
) -> list[str]:
    """Write the calendar files (all together or none); one report line per file."""
    from cartplan.exports import follow
    from cartplan.services.plans import calendar_options, in_calendars
    from cartplan.sources.files import write_atomic

    plan = in_calendars(loaded)
    check_teams(plan, teams)
    opts = calendar_options(loaded, now, include_phi)
    files: dict[Path, bytes] = {}
    syncs: list[Sync] = []
    pid = loaded.row.plan_id
    if file is not None and str(file) == "-":  # stdout: nothing to compare with or log
        from cartplan.exports import ics
        from cartplan.views import terminal

        name = None if not teams else "+".join(teams)
        terminal.out_bytes(ics.calendar(follow.build(plan, opts, teams, {}), plan, opts, name))
        file = None
    if file is not None:
        target = os.path.abspath(file)
        name = None if not teams else "+".join(teams)
        data, sync = follow.calendar_file(
            plan, opts, teams, name, file, _logged(db, pid, "ics", target)
        )
        if data is not None:
            files[file] = data
        syncs.append(sync._replace(target=target))
    if folder is not None:
        for t in [t.id for t in plan.protocol.teams if teams is None or t.id in teams]:
            path = folder / f"{t}.ics"
            target = os.path.abspath(path)
            data, sync = follow.calendar_file(
                plan, opts, [t], t, path, _logged(db, pid, "ics", target), always=False
            )
            if data is not None:
                files[path] = data
                syncs.append(sync._replace(target=target))
        path = folder / "all.ics"
        target = os.path.abspath(path)
        data, sync = follow.calendar_file(
            plan, opts, teams, None, path, _logged(db, pid, "ics", target)
        )
        if data is not None:
            files[path] = data
        syncs.append(sync._replace(target=target))
    write_atomic(files)
    for sync in syncs:
        _log(db, loaded, "ics", sync, by, now)
    return [s.report for s in syncs]


def password(file: Path | None) -> str:
    from cartplan.sources.files import SECRET_LIMIT, read_text

    if file is not None:
        return read_text(file, SECRET_LIMIT, f"--caldav-password-file {file}").strip()
    secret = os.environ.get("CARTPLAN_CALDAV_PASSWORD", "")
    if not secret:
        raise InputError(
            "no CalDAV password: set CARTPLAN_CALDAV_PASSWORD or give "
            "--caldav-password-file (never on the command line)"
        )
    return secret


def publish(
    db: Db,
    loaded: Loaded,
    url: str,
    user: str,
    secret: str,
    teams: list[str] | None,
    include_phi: bool,
    timeout: float,
    by: str,
    now: datetime,
) -> str:
    from cartplan.exports import caldav as dav
    from cartplan.exports import follow
    from cartplan.services.plans import calendar_options, in_calendars

    if not 0 < timeout <= dav.MAX_TIMEOUT:
        raise InputError(
            f"--timeout {timeout:g}: give seconds above 0 and at most {dav.MAX_TIMEOUT}"
        )
    dav.check_url(url)
    plan = in_calendars(loaded)
    check_teams(plan, teams)
    opts = calendar_options(loaded, now, include_phi)
    logged = _logged(db, loaded.row.plan_id, "caldav", url)
    sync = follow.publish(plan, opts, teams, url, user, secret, timeout, logged)
    _log(db, loaded, "caldav", sync, by, now)
    return "published " + sync.report


def checklist_days(
    loaded: Loaded,
    day: str | None,
    on: str | None,
    first: str | None,
    last: str | None,
    teams: list[str] | None,
    today: str | None,
) -> tuple[Plan, list[date], str | None]:
    """The plan the ward sheets show (cancelled steps left out), the days asked for, and the
    site's zone (as `cartplan checklist` chooses them)."""
    from cartplan.services.plans import in_calendars, site_zone

    plan = in_calendars(loaded)
    tz = site_zone(loaded.request, loaded.patient)
    days = sheet_days(plan, day, on, first, last, tz, today)
    check_teams(plan, teams)
    return plan, days, tz
