"""Re-exports update instead of duplicating: stable UIDs, SEQUENCE raised only for changed events."""

from __future__ import annotations

from pathlib import Path

import icalendar

from tests.conftest import FIXTURES, TODAY, Run

BASE = (
    "schedule",
    "-p",
    "lupus-flucy",
    "--start",
    "2025-05-01",
    "--today",
    TODAY,
    "--patient",
    str(FIXTURES / "patients" / "standard.yaml"),
    "--format",
    "json",
)


def events(path: Path) -> dict[str, tuple[str, int, str]]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {
        str(e["summary"]).split(" · ")[1].rsplit(" D", 1)[0]: (
            str(e["uid"]),
            int(e["sequence"]),
            e["dtstamp"].to_ical().decode(),
        )
        for e in cal.walk("VEVENT")
    }


def test_exports_on_different_days_have_identical_uids(run: Run, tmp_path: Path) -> None:
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run(*BASE, "--ics", str(a), "--now", "2025-04-01T08:00:00Z").code == 0
    assert run(*BASE, "--ics", str(b), "--now", "2025-04-09T17:30:00Z").code == 0
    ea, eb = events(a), events(b)
    assert {k: v[0] for k, v in ea.items()} == {k: v[0] for k, v in eb.items()}
    assert ea["Leukapheresis"][2] == "20250401T080000Z"
    assert eb["Leukapheresis"][2] == "20250409T173000Z"


def test_changed_step_keeps_uid_with_higher_sequence(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "plan.ics"
    assert run(*BASE, "--ics", str(path), "--now", "2025-04-01T08:00:00Z").code == 0
    first = events(path)
    # the same export again: nothing changed, nothing raised
    assert run(*BASE, "--ics", str(path), "--now", "2025-04-02T08:00:00Z").code == 0
    assert {k: v[1] for k, v in events(path).items()} == {k: 0 for k in first}
    # the IEC-HS watch ends two days earlier: only that event changes
    assert (
        run(
            *BASE,
            "--set",
            "iec_hs_until_day=30",
            "--ics",
            str(path),
            "--now",
            "2025-04-03T08:00:00Z",
        ).code
        == 0
    )
    second = events(path)
    assert {k: v[0] for k, v in second.items()} == {k: v[0] for k, v in first.items()}
    assert second["IEC-HS watch"][1] == 1
    assert {k for k, v in second.items() if v[1] != 0} == {"IEC-HS watch"}
    # a later change raises it again; moving D0 changes every event's D-day label
    assert (
        run(
            *BASE,
            "--set",
            "iec_hs_until_day=30",
            "--set",
            "manufacturing_days=14",
            "--ics",
            str(path),
            "--now",
            "2025-04-04T08:00:00Z",
        ).code
        == 0
    )
    third = events(path)
    assert third["IEC-HS watch"][1] == 2 and third["CAR-T infusion"][1] == 1
