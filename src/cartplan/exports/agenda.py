"""The agenda as JSON (a contract other programs read) and as one calendar across patients.

`cartplan schema agenda` prints the models' JSON Schema (committed as
schemas/agenda.schema.json). Patients appear by their pseudonymous label only: the store
keeps no more in its agenda index. Imported only by the code that prints them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from datetime import datetime

    from cartplan.agenda.load import Agenda

SCHEMA_TITLE = "cartplan agenda"


class Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class PlanRef(Contract):
    plan_id: str = Field(description="The stored plan's id.")
    label: str = Field(description="The patient's pseudonymous label.")


class AgendaEvent(Contract):
    """One step of one plan that happens on some day of the agenda."""

    date: dt.date = Field(
        description="Its first day in the agenda: the step's first day, or the agenda's "
        "first day for a step that began before it."
    )
    plan_id: str = Field(description="The stored plan's id.")
    label: str = Field(description="The patient's pseudonymous label.")
    step: str = Field(description="The protocol step id.")
    title: str = Field(description="The step's title.")
    stage: str = Field(description="The step's pathway stage (apheresis, infusion, …).")
    day: int = Field(description="`date` relative to the plan's D0 (infusion): D-5 is -5.")
    teams: list[str] = Field(description="Ids of the teams acting on the step.")
    start: dt.date = Field(description="The step's first day.")
    end: dt.date = Field(description="The step's last day (inclusive).")
    day_end: int = Field(description="The step's last day relative to D0.")
    resources: list[str] = Field(
        description="Site resources the step takes on some day (or week) of the agenda."
    )


class ResourceLoad(Contract):
    """How many patients use a resource in one day (or week), against its capacity."""

    resource: str = Field(description="Resource name from the site file.")
    date: dt.date = Field(description="The day, or the Monday of the week for weekly resources.")
    per: Literal["day", "week"] = Field(description="Whether the capacity counts per day or week.")
    week: str | None = Field(description="ISO week (2025-W21) for weekly resources, else null.")
    load: int = Field(description="Patients using the resource then.")
    capacity: int = Field(description="Patients the resource takes then (site file).")
    plans: list[PlanRef] = Field(description="The plans using it.")


class ClashJson(Contract):
    """More patients need a resource than it takes."""

    date: dt.date = Field(description="The day, or the Monday of the week for weekly resources.")
    per: Literal["day", "week"] = Field(description="Whether the capacity counts per day or week.")
    resource: str = Field(description="Resource name from the site file.")
    capacity: int = Field(description="Patients the resource takes.")
    demand: int = Field(description="Patients who need it.")
    plans: list[PlanRef] = Field(description="The plans involved.")


class AgendaJson(Contract):
    """`cartplan agenda --format json`: every active stored plan's events over some days."""

    from_: dt.date = Field(alias="from", description="First day of the agenda.")
    to: dt.date = Field(description="Last day of the agenda (inclusive).")
    site: str | None = Field(description="The site file's name of the centre, if one was read.")
    events: list[AgendaEvent] = Field(
        description="Every event of an active plan overlapping the agenda, by date then label."
    )
    resources: list[ResourceLoad] = Field(description="Each resource's load, by day/week.")
    clashes: list[ClashJson] = Field(description="Where demand exceeds capacity.")

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, populate_by_name=True)


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _refs(plans: tuple[str, ...], labels: dict[str, str]) -> list[PlanRef]:
    """The plans by label (then id), as people look for them."""
    found = sorted((labels.get(p, p), p) for p in plans)
    return [PlanRef(plan_id=p, label=label) for label, p in found]


def data(a: Agenda, site_name: str | None) -> dict[str, Any]:
    """The agenda as JSON-ready data, in the contract's key order (AgendaJson validates it;
    built directly because a month of ten thousand plans is tens of thousands of events)."""
    from cartplan.agenda.load import resources_in

    first, last = a.first, a.last
    events = []
    for s in a.spans:
        on = max(s.start, first)
        events.append(
            {
                "date": on.isoformat(),
                "plan_id": s.plan_id,
                "label": s.label,
                "step": s.step,
                "title": s.title,
                "stage": s.stage,
                "day": s.day + (on - s.start).days,
                "teams": list(s.teams),
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "day_end": s.day_end,
                "resources": resources_in(s, a.capacities, first, last),
            }
        )
    events.sort(key=lambda e: (e["date"], e["label"], e["start"], e["step"]))

    def refs(plans: tuple[str, ...]) -> list[dict[str, str]]:
        return [r.model_dump() for r in _refs(plans, a.labels)]

    loads = [
        {
            "resource": x.resource,
            "date": x.period.isoformat(),
            "per": x.per,
            "week": _week(x.period) if x.per == "week" else None,
            "load": x.load,
            "capacity": x.capacity,
            "plans": refs(x.plans),
        }
        for x in a.loads
    ]
    clashes = [
        {
            "date": c.period.isoformat(),
            "per": c.per,
            "resource": c.resource,
            "capacity": c.capacity,
            "demand": c.demand,
            "plans": refs(c.plans),
        }
        for c in a.clashes
    ]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "site": site_name,
        "events": events,
        "resources": loads,
        "clashes": clashes,
    }


def contract(a: Agenda, site_name: str | None) -> AgendaJson:
    """The agenda as the contract's model (what `data` must validate as)."""
    return AgendaJson.model_validate(data(a, site_name))


def to_json(a: Agenda, site_name: str | None) -> str:
    """The printed form: one line per key of the top level, one line per event, load and
    clash (compact inside), a final newline — readable, diffable, and fast for a month of
    ten thousand plans (an indented dump takes Python's slow encoder)."""
    body = data(a, site_name)
    lines = ["{"]
    keys = list(body)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        value = body[key]
        if isinstance(value, list) and value:
            lines.append(f"  {json.dumps(key)}: [")
            items = [json.dumps(x, ensure_ascii=False, separators=(", ", ": ")) for x in value]
            lines.append(",\n".join(f"    {x}" for x in items))
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def schema() -> dict[str, Any]:
    out = AgendaJson.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **out, "title": SCHEMA_TITLE}


def schema_json() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def to_ics(
    a: Agenda,
    now: datetime,
    team: str | None,
    previous: Mapping[str, tuple[int, str]] | None = None,
) -> bytes:
    """One calendar of every plan's events in the agenda (a team's, with --team): all-day
    events, patients by label only. UIDs come from the plan id and step id in the agenda's own
    namespace (a plan's own calendar keeps its events apart); SEQUENCE rises over `previous`
    (uid -> (sequence, digest) of the earlier export) when an event changed."""
    import hashlib

    import icalendar

    from cartplan.exports.ics import DIGEST, PRODID, event_uid
    from cartplan.views.timeline import day_label

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = "cartplan · agenda" + (f" · {team}" if team else "")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    seen: set[str] = set()
    for s in a.spans:
        uid = event_uid(f"agenda/{s.plan_id}", s.step)
        if uid in seen:
            continue
        seen.add(uid)
        days = day_label(s.day)
        if s.day_end != s.day:
            days += f"–{day_label(s.day_end)}"
        ev = icalendar.Event()
        ev.add("summary", f"{s.label} · {s.title} {days}")
        ev.add("dtstart", s.start)
        ev.add("dtend", date.fromordinal(s.end.toordinal() + 1))
        ev.add("description", f"Teams: {', '.join(s.teams)}\nPlan: {s.plan_id}")
        ev.add("categories", [s.stage])
        ev.add("transp", "TRANSPARENT")
        content = f"{s.label}|{s.title}|{s.start}|{s.end}|{','.join(s.teams)}"
        digest = hashlib.sha256(content.encode()).hexdigest()[:16]
        seq, old = (previous or {}).get(uid, (0, digest))
        ev.add("uid", uid)
        ev.add("dtstamp", now)
        ev.add("sequence", seq if old == digest else seq + 1)
        ev.add(DIGEST, digest)
        cal.add_component(ev)
    data: bytes = cal.to_ical()
    return data
