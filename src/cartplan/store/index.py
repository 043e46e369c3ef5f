"""The agenda's index: each revision's event spans as rows, so that a month of every active
plan is one indexed query, never a load of every plan into Python.

Rows are derived from what the store keeps (the revision's JSON and its protocol snapshot),
append-only like the revisions they come from, and carry no site rule (no resource of the site
file): capacities can change in the site file without touching the store. The steps' own
`resources` (named by the protocol) are part of the snapshot and are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from cartplan.store.db import Db

COLUMNS = (
    "plan_id, revision, seq, step, stage, title, start_date, end_date, span, day, day_end, "
    "teams, resources, status"
)
INSERT = (
    f"INSERT INTO agenda_spans ({COLUMNS}) VALUES (:plan_id, :revision, :seq, :step, :stage, "
    ":title, :start_date, :end_date, :span, :day, :day_end, :teams, :resources, :status)"
)


class StepInfo(NamedTuple):
    stage: str
    title: str
    teams: str  # comma-separated team ids (ids have no commas)
    resources: str  # comma-separated resource ids named by the protocol's step


class Snapshot:
    """A protocol snapshot's steps as the index names them. Stored events name expanded steps
    (dose 2 of a series, a watch after each dose, cycle 2), so a snapshot that expands is read
    through the same expansion planning used (`protocol.expand`), once per parameter values."""

    def __init__(self, content: str) -> None:
        self.data: dict[str, Any] = json.loads(content)
        steps = self.data.get("steps", [])
        self.expands = self.data.get("cycles", 1) != 1 or any(
            s.get("series") or s.get("each_dose") for s in steps
        )
        self._by_values: dict[tuple[tuple[str, int], ...], dict[str, StepInfo]] = {}

    def steps(self, values: dict[str, int]) -> dict[str, StepInfo]:
        key = tuple(sorted(values.items())) if self.expands else ()
        found = self._by_values.get(key)
        if found is None:
            found = self._by_values[key] = self._read(values)
        return found

    def _read(self, values: dict[str, int]) -> dict[str, StepInfo]:
        if not self.expands:
            return {
                str(s["id"]): StepInfo(
                    str(s.get("stage", "other")),
                    str(s.get("title", s["id"])),
                    ",".join(s.get("teams", [])),
                    ",".join(s.get("resources", [])),
                )
                for s in self.data.get("steps", [])
            }
        from cartplan.protocol.expand import expand
        from cartplan.protocol.format import Protocol

        p = expand(Protocol.model_validate(self.data), values)
        return {
            s.id: StepInfo(s.stage.value, s.title, ",".join(s.teams), ",".join(s.resources))
            for s in p.steps
        }


_SNAPSHOTS: dict[str, Snapshot] = {}  # snapshot digest -> its steps (immutable)


def _snapshot(db: Db, digest: str) -> Snapshot:
    found = _SNAPSHOTS.get(digest)
    if found is None:
        row = db.one("SELECT content FROM snapshots WHERE digest = :d", d=digest)
        found = Snapshot(str(row[0]) if row is not None else "{}")
        if len(_SNAPSHOTS) > 1000:
            _SNAPSHOTS.clear()
        _SNAPSHOTS[digest] = found
    return found


def rows(plan_id: str, n: int, content: str, snapshot: Snapshot) -> list[dict[str, Any]]:
    """The index rows of revision n (its content is the revision's canonical JSON)."""
    data = json.loads(content)
    steps = snapshot.steps(data.get("parameters", {}))
    out = []
    for seq, e in enumerate(data.get("events", [])):
        info = steps.get(e["step"]) or StepInfo("other", e["step"], "", "")
        start, end = str(e["start"]), str(e["end"])
        out.append(
            {
                "plan_id": plan_id,
                "revision": n,
                "seq": seq,
                "step": e["step"],
                "stage": info.stage,
                "title": info.title,
                "start_date": start,
                "end_date": end,
                "span": (date.fromisoformat(end) - date.fromisoformat(start)).days,
                "day": int(e["day"]),
                "day_end": int(e["day_end"]),
                "teams": info.teams,
                "resources": info.resources,
                "status": str(e.get("status", "planned")),
            }
        )
    return out


def write(db: Db, plan_id: str, n: int, snapshot: str, content: str) -> None:
    """Index revision n of a plan (inside the transaction that writes the revision)."""
    db.many(INSERT, rows(plan_id, n, content, _snapshot(db, snapshot)))


class SpanRow(NamedTuple):
    plan_id: str
    label: str
    step: str
    stage: str
    title: str
    start: str
    end: str
    day: int
    day_end: int
    teams: str
    resources: str


def spans(
    db: Db, lo: date, hi: date, steps: Iterable[str] | None = None, any_resource: bool = False
) -> list[tuple[Any, ...]]:
    """The events of active plans at their current revision that overlap [lo, hi] (cancelled
    steps left out), by start day. With `steps`, only those steps (and, with `any_resource`,
    steps whose protocol names a resource)."""
    row = db.one("SELECT max(span) FROM agenda_spans")
    longest = int(row[0]) if row is not None and row[0] is not None else 0
    floor = date.fromordinal(max(1, lo.toordinal() - longest)).isoformat()
    only = ""
    params: dict[str, Any] = {"lo": lo.isoformat(), "hi": hi.isoformat(), "floor": floor}
    if steps is not None:
        names = sorted(set(steps))
        marks = [f":s{i}" for i in range(len(names))]
        params.update({f"s{i}": s for i, s in enumerate(names)})
        wanted = [f"s.step IN ({', '.join(marks)})"] if names else []
        if any_resource:
            wanted.append("s.resources <> ''")
        only = f" AND ({' OR '.join(wanted)})" if wanted else " AND 1 = 0"
    # CROSS JOIN: SQLite then reads the date range first and looks each plan up (it would
    # otherwise walk every plan); PostgreSQL plans it as the inner join it is.
    sql = (
        "SELECT s.plan_id, p.label, s.step, s.stage, s.title, s.start_date, s.end_date, s.day, "
        "s.day_end, s.teams, s.resources FROM agenda_spans s CROSS JOIN plans p WHERE "
        "p.plan_id = s.plan_id AND p.revision = s.revision AND p.status = 'active' AND "
        "s.status <> 'cancelled' AND s.start_date >= :floor AND s.start_date <= :hi AND "
        f"s.end_date >= :lo{only} ORDER BY s.start_date, p.label, s.plan_id, s.seq"
    )
    return db.rows(sql, **params)  # SpanRow's fields, as plain tuples (a month is many rows)


def plan_spans(db: Db, plan_id: str, revision: int) -> list[SpanRow]:
    """The events of one revision of a plan (cancelled steps left out), by start day."""
    sql = (
        "SELECT s.plan_id, p.label, s.step, s.stage, s.title, s.start_date, s.end_date, s.day, "
        "s.day_end, s.teams, s.resources FROM agenda_spans s JOIN plans p ON p.plan_id = "
        "s.plan_id WHERE s.plan_id = :p AND s.revision = :n AND s.status <> 'cancelled' "
        "ORDER BY s.start_date, s.seq"
    )
    return [SpanRow(*r) for r in db.rows(sql, p=plan_id, n=revision)]
