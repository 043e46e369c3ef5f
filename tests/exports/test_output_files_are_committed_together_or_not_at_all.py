"""A set of output files (--ics-dir: one per team plus all.ics) is committed together or not at
all: if any file cannot be written, the others keep their old content; temporary files never
outlive the run; SIGINT or SIGTERM while writing leaves the old files, prints one line and exits
130 (143 for SIGTERM)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cartplan.sources import files

from tests.conftest import TODAY, Run

OLD = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
NEW = (*OLD, "--set", "washout_days=14")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry of the folder, hidden ones included, with the bytes of each file."""
    return {p.name: (p.read_bytes() if p.is_file() else b"<dir>") for p in folder.iterdir()}


@pytest.fixture
def calendars(run: Run, tmp_path: Path) -> Path:
    folder = tmp_path / "calendars"
    assert run(*OLD, "--ics-dir", str(folder)).code == 0
    return folder


def test_all_ics_unwritable_leaves_the_team_files_unchanged(run: Run, calendars: Path) -> None:
    """The repro: all.ics cannot be written (here: a folder is in its place)."""
    (calendars / "all.ics").unlink()
    (calendars / "all.ics").mkdir()
    before = snapshot(calendars)
    result = run(*NEW, "--ics-dir", str(calendars))
    assert result.code == 4, result.err
    assert "all.ics" in result.err
    assert snapshot(calendars) == before


def test_a_failed_rename_rolls_back_the_renames_before_it(
    run: Run, calendars: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "all.ics":
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    before = snapshot(calendars)
    result = run(*NEW, "--ics-dir", str(calendars))
    monkeypatch.undo()
    assert result.code == 4, result.err
    assert "all.ics: Permission denied; no file was changed" in result.err
    assert snapshot(calendars) == before


def test_a_failed_write_leaves_no_temporary_files(
    run: Run, calendars: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = files._stage
    staged: list[Path] = []

    def stage(tmp: Path, data: bytes) -> None:
        staged.append(tmp)
        if len(staged) == 3:  # the disk fills up half-way through the third file
            real(tmp, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
        real(tmp, data)

    monkeypatch.setattr(files, "_stage", stage)
    before = snapshot(calendars)
    result = run(*NEW, "--ics-dir", str(calendars))
    assert result.code == 4 and "No space left on device" in result.err
    assert snapshot(calendars) == before
    assert len(staged) == 3


def test_a_failed_single_write_leaves_no_temporary_files(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "missing-parent-is-a-file"
    target.write_text("x")
    result = run(*OLD, "--ics", str(target / "plan.ics"))
    assert result.code == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["missing-parent-is-a-file"]


# Interrupts arrive from outside, so these run the real command in a child process that
# signals itself at a chosen point of the write.
INTERRUPTED = """
import os, signal, sys
from cartplan import cli
from cartplan.sources import files

calls, at, sig = [0], int(os.environ["AT"]), getattr(signal, os.environ["SIG"])

def hook(real):
    def wrapped(*args, **kwargs):
        if str(args[-1]).endswith(".ics") or os.environ["PHASE"] == "stage":
            calls[0] += 1
            if calls[0] == at:
                os.kill(os.getpid(), sig)
        return real(*args, **kwargs)
    return wrapped

if os.environ["PHASE"] == "commit":
    files.os.replace = hook(os.replace)
else:
    files._stage = hook(files._stage)
cli.main(sys.argv[1:])
"""


@pytest.mark.parametrize(
    ("sig", "phase", "at", "code"),
    [
        ("SIGINT", "commit", 3, 130),
        ("SIGINT", "commit", 7, 130),
        ("SIGINT", "stage", 2, 130),
        ("SIGTERM", "commit", 4, 143),
        ("SIGTERM", "stage", 5, 143),
    ],
)
def test_an_interrupt_while_writing_leaves_the_old_files(
    calendars: Path, sig: str, phase: str, at: int, code: int
) -> None:
    before = snapshot(calendars)
    env = {**os.environ, "SIG": sig, "PHASE": phase, "AT": str(at)}
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED, *NEW, "--ics-dir", str(calendars)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == code, result.stderr
    name = "interrupted" if sig == "SIGINT" else "terminated"
    assert result.stderr == f"cartplan: error: {name} ({sig})\n"
    assert snapshot(calendars) == before


def test_an_interrupt_while_planning_writes_nothing(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys\nfrom cartplan import cli\nfrom cartplan.schedule import planner\nreal = planner.schedule\n"
        "def schedule(*a, **k):\n    os.kill(os.getpid(), signal.SIGINT)\n    return real(*a, **k)\n"
        "planner.schedule = schedule\ncli.main(sys.argv[1:])\n"
    )
    folder = tmp_path / "calendars"
    result = subprocess.run(
        [sys.executable, "-c", script, *OLD, "--ics-dir", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 130
    assert result.stderr == "cartplan: error: interrupted (SIGINT)\n"
    assert not folder.exists()


def test_a_complete_write_leaves_only_the_files(run: Run, calendars: Path) -> None:
    assert run(*NEW, "--ics-dir", str(calendars)).code == 0
    assert all(not name.startswith(".") for name in snapshot(calendars))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers put back
