"""A time on a step that lasts several days applies to each of its days: one timed event per day,
each with its own stable UID (plan id + step id + date), read the same by icalendar and vobject;
an appointment lasts its protocol minutes or --set STEP.duration."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from cartplan.exports import ics

from tests.calendar_readers import with_icalendar, with_vobject
from tests.conftest import TODAY, Run

NOW = "2025-04-01T08:00:00Z"


def export(
    run: Run, tmp_path: Path, *args: str, start: str = "2025-05-01", tz: str = "Europe/Berlin"
) -> tuple[dict, bytes]:  # type: ignore[type-arg]
    path = tmp_path / "plan.ics"
    result = run(
        "schedule", "-p", "lupus-flucy", "--start", start, "--today", TODAY,
        "--label", "P-TIME", "--tz", tz, *args,
        "--format", "json", "--ics", str(path), "--now", NOW,
    )  # fmt: skip
    assert result.code == 0, result.err
    return json.loads(result.out), path.read_bytes()


def readers(data: bytes) -> list[dict[str, tuple[str, str]]]:
    return [with_icalendar(data), with_vobject(data)]


def summaries(data: bytes) -> dict[str, str]:
    import icalendar

    cal = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): str(e["summary"]) for e in cal.walk("VEVENT")}


def test_three_day_lymphodepletion_at_0800_is_three_timed_events(run: Run, tmp_path: Path) -> None:
    plan, data = export(run, tmp_path, "--set", "lymphodepletion.time=08:00")
    ld = next(e for e in plan["events"] if e["id"] == "lymphodepletion")
    assert (ld["time"], ld["minutes"], ld["day"], ld["day_end"]) == ("08:00", 60, -5, -3)
    first = date.fromisoformat(ld["start"])
    days = [first + timedelta(days=i) for i in range(3)]
    uids = [ics.event_uid("P-TIME:lupus-flucy", "lymphodepletion", d) for d in days]
    assert len(set(uids)) == 3
    # Berlin in June is UTC+2: 08:00-09:00 local is 06:00Z-07:00Z on each of the three days
    expected = {
        uid: (f"{d.isoformat()}T06:00:00Z", f"{d.isoformat()}T07:00:00Z")
        for uid, d in zip(uids, days, strict=True)
    }
    for reader in readers(data):
        assert {uid: reader[uid] for uid in uids} == expected
        assert ics.event_uid("P-TIME:lupus-flucy", "lymphodepletion") not in reader
    titles = summaries(data)
    assert [titles[u] for u in uids] == [
        "P-TIME · Lymphodepletion D-5 (day 1 of 3)",
        "P-TIME · Lymphodepletion D-4 (day 2 of 3)",
        "P-TIME · Lymphodepletion D-3 (day 3 of 3)",
    ]


def test_per_day_uids_are_stable_across_reexports(run: Run, tmp_path: Path) -> None:
    _, once = export(run, tmp_path, "--set", "lymphodepletion.time=08:00")
    _, again = export(run, tmp_path, "--set", "lymphodepletion.time=08:00")
    assert with_icalendar(once) == with_icalendar(again)
    assert b"SEQUENCE:1" not in again  # nothing changed: nothing re-sent


def test_crs_watch_at_0800_is_one_event_per_day_of_the_watch(run: Run, tmp_path: Path) -> None:
    plan, data = export(run, tmp_path, "--set", "crs-watch.time=08:00")
    crs = next(e for e in plan["events"] if e["id"] == "crs-watch")
    n = crs["day_end"] - crs["day"] + 1
    assert n == 15
    titles = [t for t in summaries(data).values() if "CRS watch" in t]
    assert len(titles) == 15 and titles[0].endswith("D0 (day 1 of 15)")
    assert titles[-1].endswith("D14 (day 15 of 15)")


def test_each_day_keeps_its_local_time_across_a_dst_change(run: Run, tmp_path: Path) -> None:
    # From 2025-02-06 the CRS watch runs Mon 24 Mar - Mon 7 Apr; Vienna moves to CEST on 30 Mar.
    # (Not Berlin: icalendar and vobject keep the first VTIMEZONE of a TZID they read in a
    # process, and other tests export Berlin zones cut to other windows.)
    plan, data = export(
        run, tmp_path, "--set", "crs-watch.time=08:00", start="2025-02-06", tz="Europe/Vienna"
    )
    crs = next(e for e in plan["events"] if e["id"] == "crs-watch")
    assert (crs["start"], crs["end"]) == ("2025-03-24", "2025-04-07")
    by_day = {
        (date(2025, 3, 24) + timedelta(days=i)): ics.event_uid(
            "P-TIME:lupus-flucy", "crs-watch", date(2025, 3, 24) + timedelta(days=i)
        )
        for i in range(15)
    }
    for reader in readers(data):
        assert reader[by_day[date(2025, 3, 29)]][0] == "2025-03-29T07:00:00Z"  # CET
        assert reader[by_day[date(2025, 3, 30)]][0] == "2025-03-30T06:00:00Z"  # CEST
        assert reader[by_day[date(2025, 4, 7)]] == ("2025-04-07T06:00:00Z", "2025-04-07T07:00:00Z")


def test_apheresis_lasts_its_protocol_four_hours_or_the_set_duration(
    run: Run, tmp_path: Path
) -> None:
    plan, data = export(run, tmp_path, "--set", "apheresis.time=08:30")
    aph = next(e for e in plan["events"] if e["id"] == "apheresis")
    assert (aph["time"], aph["minutes"]) == ("08:30", 240)
    uid = ics.event_uid("P-TIME:lupus-flucy", "apheresis")
    day = aph["start"]
    for reader in readers(data):  # CEST: 08:30-12:30 local
        assert reader[uid] == (f"{day}T06:30:00Z", f"{day}T10:30:00Z")
    plan, data = export(
        run, tmp_path, "--set", "apheresis.time=08:30", "--set", "apheresis.duration=1h30m"
    )
    assert next(e for e in plan["events"] if e["id"] == "apheresis")["minutes"] == 90
    for reader in readers(data):
        assert reader[uid] == (f"{day}T06:30:00Z", f"{day}T08:00:00Z")


def test_the_timeline_shows_the_time(run: Run) -> None:
    base = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
    sets = ("--set", "apheresis.time=08:30", "--set", "lymphodepletion.time=08:00")
    table = run(*base, *sets).out
    assert "08:30–12:30" in table and "08:00–09:00" in table
    md = run(*base, *sets, "--format", "markdown").out
    assert "Thu 22 May 2025, 08:30–12:30 (4 h) |" in md
    assert "Fri 13 Jun 2025, 08:00–09:00 (1 h) each day |" in md


def test_bad_durations_are_refused(run: Run) -> None:
    base = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
    for bad, message in (
        ("apheresis.duration=3", "not an appointment length; write 3h, 90m or 1h30m"),
        ("apheresis.duration=26h", "an appointment lasts 5 min to 24 h"),
        ("nosuch.duration=2h", "has no step 'nosuch'"),
    ):
        result = run(*base, "--set", bad)
        assert result.code == 2 and message in result.err, (bad, result.err)
