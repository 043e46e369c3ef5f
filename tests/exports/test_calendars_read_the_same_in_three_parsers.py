"""Every shipped protocol's calendar parses cleanly in icalendar, vobject (strict) and ical.js, and
every event's start and end as those parsers read them equal the plan's JSON dates."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from cartplan.sources import catalogue

from tests.calendar_readers import icaljs_instants, with_icalendar, with_icaljs, with_vobject
from tests.conftest import FIXTURES, TODAY, Run

PROTOCOLS = [s.id for s in catalogue.available() if s.shipped]
NOW = "2025-04-01T08:00:00+00:00"


def export(run: Run, tmp_path: Path, pid: str, *extra: str) -> tuple[Path, dict]:  # type: ignore[type-arg]
    args = (
        "schedule",
        "-p",
        pid,
        "--start",
        "2025-05-01",
        "--today",
        TODAY,
        "--patient",
        str(FIXTURES / "patients" / "standard.yaml"),
        *extra,
    )
    path = tmp_path / f"{pid}.ics"
    result = run(*args, "--format", "json", "--ics", str(path), "--now", NOW)
    assert result.code == 0, result.err
    return path, json.loads(result.out)


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_all_three_parsers_agree_with_the_plan(run: Run, tmp_path: Path, pid: str) -> None:
    path, plan = export(run, tmp_path, pid)
    data = path.read_bytes()
    from cartplan.exports.ics import event_uid

    expected = {
        event_uid(f"P-STD:{pid}", e["id"]): (
            e["start"],
            (date.fromisoformat(e["end"]) + timedelta(days=1)).isoformat(),
        )
        for e in plan["events"]
    }
    readers = {
        "icalendar": with_icalendar(data),
        "vobject": with_vobject(data),
        "ical.js": icaljs_instants(with_icaljs(path)),
    }
    for name, events in readers.items():
        assert events == expected, name  # each event, by UID, at the plan's dates
    assert b"\r\n" in data and data.startswith(b"BEGIN:VCALENDAR")


def test_alarm_the_day_before_apheresis_at_nine(run: Run, tmp_path: Path) -> None:
    path, _ = export(run, tmp_path, "lupus-flucy")
    result = with_icaljs(path)
    aph = next(i for i in result["items"] if i["summary"].startswith("P-STD · Leukapheresis"))
    assert aph["alarms"] == [{"action": "DISPLAY", "trigger": "-PT15H"}]  # 00:00 - 15 h = 09:00


def test_summary_categories_and_description(run: Run, tmp_path: Path) -> None:
    path, _ = export(run, tmp_path, "lupus-flucy")
    items = with_icaljs(path)["items"]
    iec = next(i for i in items if "IEC-HS" in i["summary"])
    assert iec["summary"] == "P-STD · IEC-HS watch D4–D32"
    assert iec["categories"] == ["ward", "physicians", "monitoring"]
    ld = next(i for i in items if "Lymphodepletion" in i["summary"])
    assert "fludarabine 25 mg/m2 = 45.5 mg/day" in ld["description"]
    name = with_icaljs(path)["name"]
    assert name == "cartplan · lupus-flucy · P-STD"
