"""Timed appointments across a DST change are read at the same UTC instants by all three parsers,
with a VTIMEZONE limited to the plan's window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.calendar_readers import icaljs_instants, with_icalendar, with_icaljs, with_vobject
from tests.conftest import TODAY, Run

CASES = {
    # Berlin: DST starts Sun 30 Mar 2025 (CET +1 -> CEST +2)
    "Europe/Berlin": (
        "2025-02-20",
        {"apheresis": "2025-03-13T07:30:00Z", "infusion": "2025-04-07T08:00:00Z"},
    ),
    # New York: DST starts Sun 9 Mar 2025 (EST -5 -> EDT -4)
    "America/New_York": (
        "2025-01-30",
        {"apheresis": "2025-02-20T13:30:00Z", "infusion": "2025-03-17T14:00:00Z"},
    ),
}


@pytest.mark.parametrize("tz", sorted(CASES))
def test_same_instants_in_every_parser(run: Run, tmp_path: Path, tz: str) -> None:
    start, expected = CASES[tz]
    path = tmp_path / "timed.ics"
    result = run(
        "schedule",
        "-p",
        "lupus-flucy",
        "--start",
        start,
        "--today",
        TODAY,
        "--tz",
        tz,
        "--set",
        "apheresis.time=08:30",
        "--set",
        "infusion.time=10:00",
        "--format",
        "json",
        "--ics",
        str(path),
        "--now",
        "2025-01-01T00:00:00Z",
    )
    assert result.code == 0, result.err
    plan = json.loads(result.out)
    uid_of = {e["id"]: e for e in plan["events"]}
    assert uid_of["apheresis"]["time"] == "08:30" and uid_of["infusion"]["time"] == "10:00"
    data = path.read_bytes()
    ical = with_icaljs(path)
    assert ical["timezones"] == [tz]
    readers = [with_icalendar(data), with_vobject(data), icaljs_instants(ical)]
    for step, utc in expected.items():
        starts = {
            r for reader in readers for uid, (r, _) in reader.items() if uid in _uids(ical, step)
        }
        assert starts == {utc}, (step, starts)
    # The zone covers the plan's window only: a handful of transitions, not 1970-2038.
    assert data.count(b"BEGIN:DAYLIGHT") + data.count(b"BEGIN:STANDARD") <= 8
    assert b"RDATE" not in data or data.count(b"RDATE") <= 8


def _uids(ical: dict, step: str) -> set[str]:  # type: ignore[type-arg]
    title = {"apheresis": "Leukapheresis", "infusion": "CAR-T infusion"}[step]
    return {i["uid"] for i in ical["items"] if i["summary"].startswith(title)}


def test_a_time_without_a_zone_is_refused(run: Run, tmp_path: Path) -> None:
    result = run(
        "schedule",
        "-p",
        "lupus-flucy",
        "--start",
        "2025-05-01",
        "--set",
        "apheresis.time=08:30",
        "--ics",
        str(tmp_path / "x.ics"),
    )
    assert result.code == 2 and "give --tz" in result.err
    assert not (tmp_path / "x.ics").exists()


def test_bad_time_is_refused(run: Run) -> None:
    result = run(
        "schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--set", "apheresis.time=25:00"
    )
    assert result.code == 2 and "is not a time; write HH:MM" in result.err
