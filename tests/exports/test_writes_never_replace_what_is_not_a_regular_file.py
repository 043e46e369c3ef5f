"""An output target that is not a regular file is written through or refused, never replaced:
a character device (as root, `--ics /dev/null` once swapped the device for a regular file) and
a FIFO are written through; a folder or socket is refused; '-' is stdout; a symbolic link stays
a link and its target gets the new content."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from tests.conftest import TODAY, Run

PLAN = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="mknod needs root")
def test_a_character_device_is_written_through_not_replaced(run: Run, tmp_path: Path) -> None:
    # our own /dev/null (same device numbers): a regression must not break the machine's
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for option in ("--ics", "--ics-dir"):
        target = null if option == "--ics" else tmp_path
        if option == "--ics-dir":
            (tmp_path / "all.ics").symlink_to(null)
        result = run(*PLAN, option, str(target))
        assert result.code == 0, result.err
        assert stat.S_ISCHR(os.stat(null).st_mode)
        assert os.stat(null).st_rdev == os.makedev(1, 3)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(
    hasattr(os, "getuid") and os.getuid() == 0,
    reason="as root a regression would replace this machine's /dev/null: see the mknod test",
)
def test_dev_null_stays_a_device(run: Run) -> None:
    result = run(*PLAN, "--ics", os.devnull)
    assert result.code == 0, result.err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_fifo_with_a_reader_is_written_through(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "calendar.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run(*PLAN, "--ics", str(fifo))
    reader.join(timeout=30)
    assert result.code == 0, result.err
    assert received and received[0].startswith(b"BEGIN:VCALENDAR")
    assert received[0].rstrip().endswith(b"END:VCALENDAR")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "calendar.pipe"
    os.mkfifo(fifo)
    result = run(*PLAN, "--ics", str(fifo))
    assert result.code == 4 and "a FIFO nobody reads from" in result.err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_is_refused(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "plan.ics"
    folder.mkdir()
    result = run(*PLAN, "--ics", str(folder))
    assert result.code == 4 and "it is a folder; refusing to replace it" in result.err
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_socket_is_refused(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "s.ics"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        result = run(*PLAN, "--ics", str(path))
    assert result.code == 4 and "it is a socket" in result.err


def test_a_symbolic_link_stays_a_link(run: Run, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "plan.ics"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "plan.ics"
    link.symlink_to(real)
    assert run(*PLAN, "--ics", str(link)).code == 0
    assert link.is_symlink()
    assert real.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_dash_is_stdout(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    calendar = run(*PLAN, "--ics", "-")
    assert calendar.code == 0 and calendar.out.startswith("BEGIN:VCALENDAR")
    sheet = run("checklist", *PLAN[1:], "--day", "0", "--out", "-")
    assert sheet.code == 0 and "D0" in sheet.out
    assert list(tmp_path.iterdir()) == []  # no file named '-'
