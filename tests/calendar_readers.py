"""Read .ics files as three independent parsers do: icalendar, vobject, and Thunderbird's ical.js."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

INSPECT = Path(__file__).parents[2] / "shared" / "tools" / "icaljs" / "inspect"


def instant(value: date | datetime) -> str:
    """A DTSTART/DTEND as comparable text: the date for all-day, the UTC instant otherwise."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def with_icalendar(data: bytes) -> dict[str, tuple[str, str]]:
    import icalendar

    cal = icalendar.Calendar.from_ical(data)
    return {
        str(e["uid"]): (instant(e["dtstart"].dt), instant(e["dtend"].dt))
        for e in cal.walk("VEVENT")
    }


def with_vobject(data: bytes) -> dict[str, tuple[str, str]]:
    import vobject

    cal = vobject.readOne(data.decode(), validate=True)  # strict: raises on RFC violations
    return {
        e.uid.value: (instant(e.dtstart.value), instant(e.dtend.value)) for e in cal.vevent_list
    }


def with_icaljs(path: Path) -> dict[str, Any]:
    """One file's result from ical.js; fails the test on any RFC 5545 problem it reports."""
    if not INSPECT.exists():
        pytest.fail(f"Thunderbird's parser is missing: {INSPECT} (shared/tools)")
    if shutil.which("node") is None:
        pytest.fail("node is needed to run ical.js")
    proc = subprocess.run(
        [str(INSPECT), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.splitlines()[0])
    assert result["problems"] == []
    return result


def icaljs_instants(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    def one(t: dict[str, Any]) -> str:
        if t["isDate"]:
            return str(t["value"])
        return datetime.fromisoformat(t["utc"].replace("Z", "+00:00")).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )

    return {i["uid"]: (one(i["start"]), one(i["end"])) for i in result["items"]}
