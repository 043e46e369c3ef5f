"""Calendars that follow a stored plan: files and CalDAV calendars updated in place.

- UIDs come from the plan id (the UID namespace) and the step: re-exports and re-publishing
  update events, and two plans can never overwrite each other's.
- Each event carries X-CARTPLAN-PLAN with the plan id: that is how cartplan knows which events
  in a calendar are this plan's. Only those are ever replaced or removed; other events in the
  same file or calendar, and other files in the same folder, are left as they are.
- SEQUENCE rises only for events whose content changed, judged against what the target holds
  and, where it lost an event, against what the store's publish log says was sent there.
- An event that left the plan (a cancelled step, a step a new protocol version dropped) is
  removed: dropped from the file, deleted from the CalDAV calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan.errors import PublishError
from cartplan.exports import ics

if TYPE_CHECKING:
    from cartplan.schedule.plan import Plan

OWNER = "X-CARTPLAN-PLAN"

State = dict[str, tuple[int, str]]  # uid -> (SEQUENCE, content digest)


class Sync(NamedTuple):
    """What one target now holds of the plan, and what was taken out of it."""

    target: str
    sent: State
    removed: list[str]
    report: str


def build(
    plan: Plan, opts: ics.Options, teams: Iterable[str] | None, previous: Mapping[str, Any]
) -> list[ics.Exported]:
    """The plan's events, each marked as this plan's own."""
    out = ics.build(plan, opts, teams, previous)
    for x in out:
        x.component.add(OWNER, opts.plan_id)
    return out


def owned(component: Any, plan_id: str) -> bool:
    return str(component.get(OWNER, "")) == plan_id


def _merge(target: State, logged: Mapping[str, tuple[int, str]]) -> State:
    """What the target holds, and for events it lacks, what the store last sent there."""
    out = dict(logged)
    for uid, (seq, digest) in target.items():
        if uid not in out or seq >= out[uid][0]:
            out[uid] = (seq, digest)
    return out


def _read_file(path: Path) -> tuple[list[Any], list[Any]]:
    """(events, time zones) of an earlier calendar file; empty when there is none or it is
    unreadable (as for SEQUENCE numbers, ics.read_previous)."""
    from cartplan.errors import InputError
    from cartplan.sources.files import PREVIOUS_LIMIT, read_input

    try:
        data = read_input(path, PREVIOUS_LIMIT)
    except InputError:
        return [], []
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
        return list(cal.walk("VEVENT")), list(cal.walk("VTIMEZONE"))
    except Exception:  # noqa: BLE001 - an unreadable earlier export is replaced
        return [], []


def calendar_file(
    plan: Plan,
    opts: ics.Options,
    teams: list[str] | None,
    team_name: str | None,
    path: Path,
    logged: Mapping[str, tuple[int, str]],
    always: bool = True,
) -> tuple[bytes | None, Sync]:
    """The new content of `path`: this plan's events (for `teams`), and every event of the old
    file that is not this plan's, kept as it was. None when there is nothing to write (no
    events and no earlier file of this plan)."""
    import icalendar

    old_events, old_zones = _read_file(path)
    mine = [e for e in old_events if owned(e, opts.plan_id)]
    foreign = [e for e in old_events if not owned(e, opts.plan_id)]
    target = {
        str(e.get("uid", "")): (ics._sequence(e.get("sequence", 0)), str(e.get(ics.DIGEST, "")))
        for e in mine
    }
    events = build(plan, opts, teams, _merge(target, logged))
    new_uids = {x.uid for x in events}
    removed = sorted(uid for uid in target if uid not in new_uids)
    sent = {x.uid: (x.sequence, str(x.component[ics.DIGEST])) for x in events}
    sync = Sync(str(path), sent, removed, _report(str(path), events, target, removed))
    if not events and not mine and not always:
        return None, sync
    data = ics.calendar(events, plan, opts, team_name)
    if foreign:
        cal = icalendar.Calendar.from_ical(data)
        ours = {str(z.get("tzid")) for z in cal.walk("VTIMEZONE")}
        for z in old_zones:
            if str(z.get("tzid")) not in ours:
                cal.add_component(z)
        for e in foreign:
            cal.add_component(e)
        data = cal.to_ical()
    return data, sync


def _report(target: str, events: list[ics.Exported], before: State, removed: list[str]) -> str:
    new = sum(1 for x in events if x.uid not in before)
    changed = sum(1 for x in events if x.uid in before and before[x.uid][0] != x.sequence)
    same = len(events) - new - changed
    return (
        f"{target}: {len(events)} events ({new} new, {changed} updated, {same} unchanged), "
        f"{len(removed)} removed"
    )


def publish(
    plan: Plan,
    opts: ics.Options,
    teams: list[str] | None,
    url: str,
    user: str,
    password: str,
    timeout: float,
    logged: Mapping[str, tuple[int, str]],
) -> Sync:
    """Bring a CalDAV calendar in line with the plan: new and changed events put, unchanged ones
    left, this plan's events that left the plan deleted; nothing else touched."""
    from cartplan.exports import caldav as dav

    dav.check_url(url)
    try:
        return _publish(plan, opts, teams, url, user, password, timeout, logged)
    except PublishError as e:
        raise PublishError(dav._scrub(str(e), password)) from None


def _publish(
    plan: Plan,
    opts: ics.Options,
    teams: list[str] | None,
    url: str,
    user: str,
    password: str,
    timeout: float,
    logged: Mapping[str, tuple[int, str]],
) -> Sync:
    from urllib.parse import urlsplit

    import icalendar
    from caldav.davclient import DAVClient

    from cartplan.exports import caldav as dav

    dav._quiet_client_logs()
    plain = urlsplit(url).scheme == "http"
    objects: dict[str, Any] = {}
    target: State = {}
    try:
        client = DAVClient(
            url=url,
            username=user,
            password=password,
            enable_rfc6764=False,
            require_tls=not plain,
            timeout=timeout,  # type: ignore[arg-type]
        )
        calendar: Any = client.calendar(url=url)  # type: ignore[no-untyped-call]
        for obj in calendar.events():
            for e in icalendar.Calendar.from_ical(obj.data).walk("VEVENT"):
                uid = str(e.get("uid", ""))
                if owned(e, opts.plan_id) or uid in logged:
                    objects[uid] = obj
                    target[uid] = (
                        ics._sequence(e.get("sequence", 0)),
                        str(e.get(ics.DIGEST, "")),
                    )
    except Exception as e:  # noqa: BLE001 - every client or network failure is the same to users
        raise PublishError(
            f"cannot read the CalDAV calendar {url}: {dav._reason(e)}; nothing was written"
        ) from None
    previous = _merge(target, logged)
    events = build(plan, opts, teams, previous)
    everything = {x.uid for x in build(plan, opts, None, previous)}
    written: list[str] = []
    for x in events:
        if x.uid in target and target[x.uid][0] == x.sequence:
            continue
        try:
            calendar.add_event(ical=ics.single(x, plan, opts).decode(), increase_seqno=False)
        except Exception as e:  # noqa: BLE001
            raise PublishError(
                f"upload to {url} failed at '{x.component['summary']}' ({dav._reason(e)}); "
                f"written: {', '.join(written) or 'none'}; nothing was removed"
            ) from None
        written.append(str(x.component["summary"]))
    removed: list[str] = []
    for uid in sorted(set(objects) - everything):
        try:
            objects[uid].delete()
        except Exception as e:  # noqa: BLE001
            raise PublishError(
                f"removing an event that left the plan from {url} failed ({dav._reason(e)}); "
                f"written: {', '.join(written) or 'none'}; removed: {len(removed)}"
            ) from None
        removed.append(uid)
    sent = {x.uid: (x.sequence, str(x.component[ics.DIGEST])) for x in events}
    return Sync(url, sent, removed, _report(url, events, target, removed))
