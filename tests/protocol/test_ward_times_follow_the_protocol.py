"""Occurrence times: the documented ward schedule from the first shift's start, explicit protocol
times in nursing-day order; validation refuses times that do not match times_per_day and shifts
that leave a gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartplan.protocol.format import default_shifts
from cartplan.views.facts import ward_schedule

from tests.conftest import FIXTURES, Run

WARD = FIXTURES / "protocols" / "sheets" / "ward-record.yaml"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, ("08:00",)),
        (2, ("08:00", "20:00")),
        (3, ("06:00", "14:00", "22:00")),
        (4, ("06:00", "12:00", "18:00", "00:00")),
        (6, ("06:00", "10:00", "14:00", "18:00", "22:00", "02:00")),
    ],
)
def test_default_ward_schedule(n: int, expected: tuple[str, ...]) -> None:
    assert ward_schedule(n, default_shifts()) == expected


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = WARD.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "ward-record.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_times_must_match_times_per_day(run: Run, tmp_path: Path) -> None:
    path = _broken(tmp_path, 'times: ["21:00", "09:00"]', 'times: ["09:00"]')
    result = run("protocols", "validate", str(path))
    assert result.code == 2
    assert "checklist[1].times: 1 times for times_per_day 2" in result.err


def test_shifts_must_cover_the_day(run: Run, tmp_path: Path) -> None:
    path = _broken(tmp_path, 'end: "07:00"}', 'end: "06:00"}')
    result = run("protocols", "validate", str(path))
    assert result.code == 2
    assert "shifts[1] (Night): ends 06:00 but the next shift (Day) starts 07:00" in result.err


def test_times_must_be_clock_times(run: Run, tmp_path: Path) -> None:
    path = _broken(tmp_path, 'times: ["21:00", "09:00"]', 'times: ["21:00", "9am"]')
    result = run("protocols", "validate", str(path))
    assert result.code == 2 and "times" in result.err
