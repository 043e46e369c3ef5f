"""Calendars follow the stored plan: re-exporting keeps UIDs (the plan id is their namespace),
raises SEQUENCE only for events that changed, and removes events that left the plan — only this
plan's events, never anything else in the file, the folder or the CalDAV calendar. The store's
publish log says what was sent where."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import icalendar

from tests.conftest import Run
from tests.exports.test_caldav_publish_against_radicale import make_calendar, radicale  # noqa: F401
from tests.store.conftest import Store, new_plan, ok

FOREIGN = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//someone else//EN\r
BEGIN:VEVENT\r
UID:team-meeting@example.org\r
DTSTAMP:20250401T090000Z\r
DTSTART;VALUE=DATE:20250602\r
DTEND;VALUE=DATE:20250603\r
SUMMARY:Team meeting\r
END:VEVENT\r
END:VCALENDAR\r
"""


def state(data: bytes) -> dict[str, tuple[int, str, str]]:
    """UID -> (SEQUENCE, DTSTART, SUMMARY)."""
    cal = icalendar.Calendar.from_ical(data)
    return {
        str(e["uid"]): (
            int(e.get("sequence", 0)),
            e["dtstart"].to_ical().decode(),
            str(e["summary"]),
        )
        for e in cal.walk("VEVENT")
    }


def uid_of(events: dict[str, tuple[int, str, str]], title: str) -> str:
    return next(uid for uid, (_, _, summary) in events.items() if title in summary)


def test_files_follow_the_plan(run: Run, store: Store, tmp_path: Path) -> None:
    plan = new_plan(run)
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "notes.txt").write_text("not cartplan's")
    single = tmp_path / "mine.ics"
    single.write_bytes(FOREIGN)  # someone else's calendar file, exported into
    now = ("--now", "2025-04-01T09:00:00Z")
    ok(run("plan", "export", plan, "--ics-dir", str(folder), "--ics", str(single), *now))
    first = state((folder / "all.ics").read_bytes())
    assert all(uid.endswith("@cartplan") for uid in first)
    d7 = uid_of(first, "Follow-up D7")
    m3 = uid_of(first, "Follow-up M3")
    infusion = uid_of(first, "CAR-T infusion")
    assert "team-meeting@example.org" in state(single.read_bytes())

    ok(run("plan", "record", plan, "fu-d7", "--status", "cancelled", "--reason", "n/a"))
    ok(
        run(
            "plan",
            "record",
            plan,
            "fu-m3",
            "--status",
            "deferred",
            "--date",
            "2025-09-18",
            "--reason",
            "patient away",
        )
    )
    report = ok(
        run(
            "plan",
            "export",
            plan,
            "--ics-dir",
            str(folder),
            "--ics",
            str(single),
            "--now",
            "2025-04-02T09:00:00Z",
        )
    )
    again = state((folder / "all.ics").read_bytes())
    assert d7 not in again  # cancelled: gone
    assert again[m3][0] == first[m3][0] + 1  # moved: same UID, higher SEQUENCE
    assert again[m3][1] == "20250918"
    assert again[infusion][0] == first[infusion][0]  # unchanged: same SEQUENCE
    assert set(again) == set(first) - {d7}
    assert "1 removed" in report.err
    kept = state(single.read_bytes())
    assert kept["team-meeting@example.org"] == (0, "20250602", "Team meeting")
    assert d7 not in kept and m3 in kept
    assert (folder / "notes.txt").read_text() == "not cartplan's"

    # the store says what was sent where
    log = store.sql("SELECT kind, target, revision, removed FROM publish_log ORDER BY entry")
    assert ("ics", str(single.resolve()), 1, "[]") in [tuple(r) for r in log]
    assert ("ics", str(single.resolve()), 3, json.dumps([d7])) in [tuple(r) for r in log]


def test_two_plans_never_share_a_uid(run: Run, store: Store, tmp_path: Path) -> None:
    a, b = new_plan(run, label="P-1"), new_plan(run, label="P-2")
    ok(run("plan", "export", a, "--ics", str(tmp_path / "a.ics")))
    ok(run("plan", "export", b, "--ics", str(tmp_path / "b.ics")))
    ua, ub = state((tmp_path / "a.ics").read_bytes()), state((tmp_path / "b.ics").read_bytes())
    assert not set(ua) & set(ub)


def server_events(calendar: Any) -> dict[str, tuple[int, str, str]]:
    out: dict[str, tuple[int, str, str]] = {}
    for obj in calendar.events():
        out.update(state(obj.data.encode()))
    return out


def test_publish_follows_the_plan_on_radicale(
    run: Run,
    store: Store,
    radicale: str,  # noqa: F811 - the fixture, imported
    monkeypatch: Any,
) -> None:
    calendar = make_calendar(radicale)
    calendar.add_event(ical=FOREIGN.decode())
    url = f"{radicale}coordinator/cart/"
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "secret")
    plan = new_plan(run)
    publish = ("plan", "publish", plan, "--caldav-url", url, "--caldav-user", "coordinator")
    ok(run(*publish, "--now", "2025-04-01T09:00:00Z"))
    first = server_events(calendar)
    d7 = uid_of(first, "Follow-up D7")
    m3 = uid_of(first, "Follow-up M3")
    infusion = uid_of(first, "CAR-T infusion")

    ok(run("plan", "record", plan, "fu-d7", "--status", "cancelled", "--reason", "n/a"))
    ok(
        run(
            "plan",
            "record",
            plan,
            "fu-m3",
            "--status",
            "deferred",
            "--date",
            "2025-09-18",
            "--reason",
            "patient away",
        )
    )
    report = ok(run(*publish, "--now", "2025-04-02T09:00:00Z"))
    assert "1 removed" in report.out
    again = server_events(calendar)
    assert d7 not in again
    assert again["team-meeting@example.org"] == (0, "20250602", "Team meeting")
    assert again[m3][0] == first[m3][0] + 1 and again[m3][1] == "20250918"
    assert again[infusion][0] == first[infusion][0]
    assert len(again) == len(first) - 1  # updated in place, nothing duplicated
    log = store.sql("SELECT kind, target, removed FROM publish_log ORDER BY entry")
    assert [tuple(r) for r in log] == [("caldav", url, "[]"), ("caldav", url, json.dumps([d7]))]
