"""The ical.js check (tests/icaljs) skips, with its reason, where node is missing, fails instead
when CI is set, and reports RFC 5545 problems rather than passing every file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.calendar_readers import icaljs_inspect, with_icaljs

GOOD = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTAMP:20250101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20250501\r\nDTEND;VALUE=DATE:20250502\r\nSUMMARY:x\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.parametrize("ci", [None, "", "0", "false"])
def test_without_node_the_check_skips_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no node, no npm
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="need node and npm; not found on PATH: node"):
        with_icaljs(tmp_path / "any.ics")


@pytest.mark.parametrize("ci", ["true", "1"])
def test_without_node_the_check_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI is set: this check must run, not skip"):
        with_icaljs(tmp_path / "any.ics")


def test_a_clean_file_has_no_problems(tmp_path: Path) -> None:
    path = tmp_path / "good.ics"
    path.write_bytes(GOOD.encode())
    result = with_icaljs(path)
    assert result["items"][0]["start"] == {
        "value": "2025-05-01",
        "isDate": True,
        "tzid": None,
        "zone": "floating",
        "utc": None,
    }


def test_rfc_5545_problems_are_reported(tmp_path: Path) -> None:
    bad = (
        GOOD.replace("\r\n", "\n")  # bare LF line ends
        .replace("DTSTAMP:20250101T000000Z\n", "")  # DTSTAMP is required
        .replace("DTEND;VALUE=DATE:20250502", "DTEND;TZID=Europe/Berlin:20250502T100000")
    )
    path = tmp_path / "bad.ics"
    path.write_bytes(bad.encode())
    assert icaljs_inspect(path)["problems"] == [
        "lines are not CRLF-terminated",
        "VEVENT a@test without DTSTAMP",
        "VEVENT a@test uses TZID Europe/Berlin with no VTIMEZONE",
        "VEVENT a@test mixes DATE and DATE-TIME",
    ]
