"""The calendar being replaced is read only for its SEQUENCE numbers; whatever it holds (a
malformed SEQUENCE, a 5000-digit one, not a calendar at all) counts as 0 instead of crashing."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from cartplan.exports.ics import event_uid

from tests.conftest import TODAY, Run

PLAN = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
UID = event_uid("unlabelled:lupus-flucy", "apheresis")


def previous(sequence: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
        f"UID:{UID}\r\nDTSTAMP:20250101T000000Z\r\nSEQUENCE:{sequence}\r\n"
        "X-CARTPLAN-DIGEST:0000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.mark.parametrize(
    "old",
    [
        previous("abc"),  # the repro
        previous("-5"),
        previous("1.5"),
        previous(""),
        previous("9" * 5000),
        previous("3\r\nSEQUENCE:4"),
        b"\x00\xff not a calendar",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
    ],
)
def test_a_malformed_previous_sequence_counts_as_zero(run: Run, tmp_path: Path, old: bytes) -> None:
    target = tmp_path / "plan.ics"
    target.write_bytes(old)
    result = run(*PLAN, "--ics", str(target))
    assert result.code == 0, result.err
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    sequences = {str(e["uid"]): int(e["sequence"]) for e in events}
    assert sequences[UID] in (0, 1)  # 1: the content differs from the digest written above
    assert all(0 <= s <= 1 for s in sequences.values())
