"""Plan -> iCalendar (RFC 5545) per team, as real clients (Thunderbird, Outlook, Apple) read it.

- Day-granular steps are all-day events: DTSTART;VALUE=DATE and an exclusive DTEND.
- Timed appointments carry the plan's zone with a VTIMEZONE limited to the plan's window
  (icalendar's default 1970-2038 range is read an hour off by some clients).
- A timed step that lasts several days (three days of lymphodepletion at 08:00) is one timed
  event per day, each with its own UID from the plan id, the step id and the date; all-day steps
  stay one event however long they last.
- UIDs derive from the plan id and the step id, so re-exports update instead of duplicating;
  DTSTAMP comes from the caller's clock; SEQUENCE rises when an event's content changes, judged
  against the previous export (X-CARTPLAN-DIGEST holds a digest of the content).
- The patient appears by pseudonymous label unless the caller asks for identifying data.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cartplan import __version__
from cartplan.errors import InputError

if TYPE_CHECKING:
    import icalendar

    from cartplan.schedule.plan import Event, Plan

PRODID = f"-//cartplan//cartplan {__version__}//EN"
NAMESPACE = uuid.UUID("6f1f3c1e-8c1a-4c55-9a55-2f0c7c0a7a11")  # cartplan's own UUID namespace
DIGEST = "X-CARTPLAN-DIGEST"


class Options(NamedTuple):
    plan_id: str
    now: datetime  # DTSTAMP, UTC
    tz: str | None  # zone of timed appointments
    include_phi: bool = False
    lang: str = "en"  # the reader's language: SUMMARY, DESCRIPTION and reminders


class Exported(NamedTuple):
    uid: str
    sequence: int
    component: icalendar.Event


def plan_id_for(plan: Plan, given: str | None) -> str:
    if given:
        return given
    label = plan.patient.label if plan.patient is not None else "unlabelled"
    return f"{label}:{plan.protocol.id}"


def event_uid(plan_id: str, step_id: str, on: date | None = None) -> str:
    """Stable UID of a step's event; `on` for one day of a timed step that lasts several days."""
    key = f"{plan_id}/{step_id}" if on is None else f"{plan_id}/{step_id}/{on.isoformat()}"
    return f"{uuid.uuid5(NAMESPACE, key)}@cartplan"


def per_day(e: Event) -> bool:
    """A timed step over several days becomes one timed event per day."""
    return e.time is not None and e.end > e.start


def _day_of(e: Event, on: date, lang: str | None = None, origin: int = 0) -> str:
    from cartplan.i18n import words
    from cartplan.views.timeline import day_label

    n = (e.end - e.start).days + 1
    _ = words(lang)
    return _("{day} (day {n} of {total})").format(
        day=day_label(e.day + (on - e.start).days, origin), n=(on - e.start).days + 1, total=n
    )


def summary(e: Event, plan: Plan, on: date | None = None, lang: str | None = None) -> str:
    who = plan.patient.label if plan.patient is not None else None
    from cartplan.views.facts import title
    from cartplan.views.timeline import span_label

    origin = plan.protocol.day_origin
    when = span_label(e, "–", origin) if on is None else _day_of(e, on, lang, origin)
    text = f"{title(e.step, lang)} {when}"
    return f"{who} · {text}" if who else text


def description(
    e: Event, plan: Plan, include_phi: bool, on: date | None = None, lang: str | None = None
) -> str:
    from cartplan.i18n import day, words
    from cartplan.patient.privacy import phi_fields
    from cartplan.views.timeline import event_notes, teams_text

    _ = words(lang)
    p = plan.protocol
    lines = [e.step.description] if e.step.description else []
    if on is not None:
        lines.append(
            _("{time} on each day, {start} – {end}: this is {day_of}").format(
                time=e.time,
                start=day(e.start, lang),
                end=day(e.end, lang),
                day_of=_day_of(e, on, lang, p.day_origin),
            )
        )
    lines += event_notes(e, plan, lang)
    from cartplan.views import facts

    if items := facts.items(e, plan, lang=lang):
        lines.append(_("Checklist:"))
        lines += [
            f"- {facts.with_condition(x.text, x.condition)} ({facts.frequency(x.times, lang)})"
            for x in items
        ]
    if escalations := facts.escalations(e, plan, lang):
        lines.append(_("Escalate:"))
        lines += [
            _("- IF {criterion} -> {action}").format(
                criterion=facts.with_condition(x.criterion, x.condition), action=x.action
            )
            for x in escalations
        ]
    lines.append(_("Teams: {teams}").format(teams=teams_text(e, plan, lang)))
    lines.append(
        _("Protocol: {id} v{version} — {title}").format(id=p.id, version=p.version, title=p.title)
    )
    if plan.patient is not None:
        lines.append(_("Patient: {label}").format(label=plan.patient.label))
        if include_phi:
            lines += [f"{k}: {v}" for k, v in phi_fields(plan.patient).items() if v]
    if e.step.assumption:
        lines.append(_("Assumption: {text}").format(text=e.step.assumption))
    return "\n".join(lines)


def _zone(tz: str | None) -> object:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if tz is None:
        raise InputError(
            "a step has an appointment time: give --tz (e.g. Europe/Berlin) so the "
            "calendar knows which local time is meant"
        )
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise InputError(
            f"--tz {tz}: unknown time zone; use an IANA name such as Europe/Berlin"
        ) from None


def build_event(
    e: Event,
    plan: Plan,
    opts: Options,
    previous: Mapping[str, tuple[int, str]],
    utc: bool = False,
    on: date | None = None,
) -> Exported:
    """The VEVENT of `e`; with `on`, the timed event of that one day of a multi-day step."""
    import icalendar

    ev = icalendar.Event()
    if e.time is None:
        ev.add("dtstart", e.start)
        ev.add("dtend", e.end + timedelta(days=1))  # exclusive
        first = datetime.combine(e.start, time(0, 0))
    else:
        zone = _zone(opts.tz)
        hh, mm = map(int, e.time.split(":"))
        day = on or e.start
        first = datetime.combine(day, time(hh, mm), tzinfo=zone)  # type: ignore[arg-type]
        start = first.astimezone(UTC) if utc else first
        ev.add("dtstart", start)
        # Wall-clock length: the zone decides the UTC end (a DST night keeps 08:00-09:00).
        end = datetime.combine(day, time(hh, mm)) + timedelta(minutes=e.minutes)
        end_local = end.replace(tzinfo=zone)  # type: ignore[arg-type]
        ev.add("dtend", end_local.astimezone(UTC) if utc else end_local)
    ev.add("summary", summary(e, plan, on, opts.lang))
    ev.add("description", description(e, plan, opts.include_phi, on, opts.lang))
    ev.add("categories", [*e.step.teams, e.step.stage.value])
    ev.add("transp", "TRANSPARENT" if e.time is None else "OPAQUE")
    for a in e.step.alarms if on is None or on == e.start else ():
        hh, mm = map(int, a.time.split(":"))
        at = datetime.combine(e.start - timedelta(days=a.days_before), time(hh, mm))
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        from cartplan.i18n import words

        _ = words(opts.lang)
        reminder = _("Reminder: {summary}")
        alarm.add("description", reminder.format(summary=summary(e, plan, lang=opts.lang)))
        alarm.add("trigger", at - first.replace(tzinfo=None))  # local time, before the start
        ev.add_component(alarm)
    # What the team sees; the stamp and sequence are not content.
    digest = hashlib.sha256(ev.to_ical()).hexdigest()[:16]
    uid = event_uid(opts.plan_id, e.step.id, on)
    seq, old = previous.get(uid, (0, digest))
    sequence = seq if old == digest else seq + 1
    ev.add("uid", uid)
    ev.add("dtstamp", opts.now)
    ev.add("sequence", sequence)
    ev.add(DIGEST, digest)
    return Exported(uid, sequence, ev)


def build(
    plan: Plan,
    opts: Options,
    teams: Iterable[str] | None = None,
    previous: Mapping[str, tuple[int, str]] | None = None,
) -> list[Exported]:
    """The plan's events for `teams` (all when None), in plan order."""
    wanted = set(teams) if teams is not None else None
    out = []
    for e in plan.events:
        if wanted is not None and not wanted & set(e.step.teams):
            continue
        if per_day(e):
            days = range((e.end - e.start).days + 1)
            out += [
                build_event(e, plan, opts, previous or {}, on=e.start + timedelta(days=i))
                for i in days
            ]
        else:
            out.append(build_event(e, plan, opts, previous or {}))
    return out


def calendar(events: list[Exported], plan: Plan, opts: Options, team: str | None) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    who = plan.patient.label if plan.patient is not None else "unlabelled"
    if (
        opts.include_phi
        and plan.patient is not None
        and plan.patient.phi is not None
        and plan.patient.phi.name
    ):
        who = f"{who} ({plan.patient.phi.name})"
    name = f"cartplan · {plan.protocol.id} · {who}" + (f" · {team}" if team else "")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    if (tz := timezone(plan, opts)) is not None:
        cal.add_component(tz)
    for x in events:
        cal.add_component(x.component)
    data: bytes = cal.to_ical()
    return data


def timezone(plan: Plan, opts: Options) -> icalendar.Timezone | None:
    """The zone's VTIMEZONE, limited to the days of the timed appointments (plus margins).

    A longer range makes icalendar write RDATE lists, which ical.js (Thunderbird) reads an hour
    off after a DST change. When the appointments span so long that RDATEs appear anyway, None:
    the timed events are then written in UTC, which every client reads right.
    """
    import icalendar

    timed = [e for e in plan.events if e.time is not None]
    if not timed:
        return None
    _zone(opts.tz)
    assert opts.tz is not None  # noqa: S101 - checked by _zone
    first = min(e.start for e in timed) - timedelta(days=1)
    last = max(e.end for e in timed) + timedelta(days=2)
    tz = icalendar.Timezone.from_tzid(opts.tz, first_date=first, last_date=last)
    return None if any("RDATE" in c for c in tz.subcomponents) else tz


def previous_state(data: bytes) -> dict[str, tuple[int, str]]:
    """UID -> (SEQUENCE, digest) of an earlier export, so unchanged events keep their SEQUENCE."""
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
        events = cal.walk("VEVENT")
    except Exception:  # noqa: BLE001 - an unreadable earlier export only restarts SEQUENCE
        return {}
    out = {}
    for ev in events:
        uid, digest = str(ev.get("uid", "")), str(ev.get(DIGEST, ""))
        out[uid] = (_sequence(ev.get("sequence", 0)), digest)
    return out


def _sequence(value: object) -> int:
    """SEQUENCE as a number; a malformed one (text, negative, absurdly long) counts as 0."""
    try:
        n = int(str(value).strip())
    except ValueError:
        return 0
    return n if 0 <= n < 2**31 else 0


def read_previous(path: Path) -> dict[str, tuple[int, str]]:
    """The earlier export at `path`, when it is a regular file cartplan can read."""
    from cartplan.sources.files import PREVIOUS_LIMIT, read_input

    try:
        return previous_state(read_input(path, PREVIOUS_LIMIT))
    except InputError:
        return {}


def single(x: Exported, plan: Plan, opts: Options) -> bytes:
    """One event as its own VCALENDAR, as a CalDAV resource must be."""
    return calendar([x], plan, opts, None)
