"""Calendars and checklists are not secret: new files get mode 0666 minus the umask (they were
always 0600), whether written alone, as a set, or over an older file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TODAY, Run

PLAN = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


@pytest.fixture(params=[0o022, 0o077, 0o002, 0o027])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_new_and_replaced_files_follow_the_umask(run: Run, tmp_path: Path, umask: int) -> None:
    expected = 0o666 & ~umask
    single = tmp_path / "plan.ics"
    single.write_text("old")
    single.chmod(0o600)
    assert run(*PLAN, "--ics", str(single)).code == 0
    assert mode(single) == expected
    folder = tmp_path / "calendars"
    assert run(*PLAN, "--ics-dir", str(folder)).code == 0
    assert {mode(p) for p in folder.iterdir()} == {expected}
    sheet = tmp_path / "sheet.html"
    assert (
        run("checklist", *PLAN[1:], "--day", "0", "--format", "html", "--out", str(sheet)).code == 0
    )
    assert mode(sheet) == expected
