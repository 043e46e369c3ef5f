"""Every input is a regular file of bounded size, refused at once otherwise (/dev/zero is not read
until memory runs out, a FIFO does not block); work is linear or bounded (duplicate keys, huge
protocols, wide windows); and `publish` gives up after --timeout seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from cartplan.errors import ProtocolError
from cartplan.sources import yamlfiles

from tests.conftest import FIXTURES, TODAY, Run
from tests.loopback_servers import silent_server

PLAN = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
MINI = FIXTURES / "protocols" / "valid" / "mini.yaml"


def options(path: str) -> dict[str, tuple[str, ...]]:
    publish = ("publish", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
    target = ("--caldav-url", "http://127.0.0.1:9/cal/", "--caldav-user", "u")
    return {
        "patient": (*PLAN, "--patient", path),
        "closures": (*PLAN, "--closures", path),
        "protocol": ("schedule", "-p", path, "--start", "2025-05-01"),
        "protocol-validate": ("protocols", "validate", path),
        "password": (*publish, *target, "--caldav-password-file", path),
    }


def cartplan(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cartplan", *args],
        capture_output=True,
        text=True,
        timeout=timeout,  # a hang fails the test instead of stalling the suite
        env={**os.environ, "CARTPLAN_CALDAV_PASSWORD": ""},
    )


@pytest.mark.parametrize(
    "which", ["patient", "closures", "protocol", "protocol-validate", "password"]
)
def test_dev_zero_is_refused_at_once(which: str) -> None:
    result = cartplan(*options("/dev/zero")[which])
    assert result.returncode == 2, result.stderr
    assert "a character device, not a regular file" in result.stderr


@pytest.mark.parametrize("which", ["patient", "closures", "protocol", "password"])
def test_a_fifo_is_refused_without_waiting(which: str, tmp_path: Path) -> None:
    fifo = tmp_path / "input.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = cartplan(*options(str(fifo))[which])
    assert result.returncode == 2, result.stderr
    assert "a FIFO, not a regular file" in result.stderr
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("which", ["patient", "closures", "protocol", "password"])
def test_a_folder_is_refused(run: Run, which: str, tmp_path: Path) -> None:
    folder = tmp_path / "input.yaml"
    folder.mkdir()
    result = run(*options(str(folder))[which])
    assert result.code == 2 and "a folder, not a regular file" in result.err


@pytest.mark.parametrize(
    ("which", "size"),
    [("patient", 1 << 20), ("closures", 1 << 20), ("protocol", 1 << 20), ("password", 4096)],
)
def test_files_above_their_size_limit_are_refused(
    run: Run, monkeypatch: pytest.MonkeyPatch, which: str, size: int, tmp_path: Path
) -> None:
    monkeypatch.delenv("CARTPLAN_CALDAV_PASSWORD", raising=False)
    big = tmp_path / "input.yaml"
    big.write_bytes(b"#" * (size + 1))
    result = run(*options(str(big))[which])
    assert result.code == 2, result.err
    assert f"{size + 1} bytes; files up to" in result.err


def test_the_duplicate_key_check_is_linear() -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(60_000)) + "k7: again\n"
    started = time.monotonic()
    with pytest.raises(ProtocolError, match="key 'k7' appears twice"):
        yamlfiles.parse_yaml(text.encode(), "keys.yaml")
    assert time.monotonic() - started < 10  # quadratic took 53 s


def test_a_protocol_of_10000_steps_is_refused_quickly(run: Run, tmp_path: Path) -> None:
    steps = "".join(
        f"  - {{id: v{i}, title: V, stage: follow-up, teams: [ward], "
        f"placement: {{after: {'watch' if i == 0 else f'v{i - 1}'}, offset: 1}}}}\n"
        for i in range(10_000)
    )
    path = tmp_path / "mini.yaml"
    path.write_text(MINI.read_text().replace("constraints:", steps + "constraints:"))
    assert path.stat().st_size < 1 << 20
    started = time.monotonic()
    result = run("protocols", "validate", str(path))
    assert result.code == 2 and "at most 200 items" in result.err
    assert time.monotonic() - started < 30  # it took 171 s


def test_a_backward_plan_through_the_widest_windows_is_bounded(run: Run, tmp_path: Path) -> None:
    doc = yaml.safe_load(MINI.read_text())
    for s in doc["steps"]:
        if s["id"] in ("release", "infusion"):
            s["placement"].update(early=1800, late=1800)
    doc["constraints"].append(
        {
            "id": "never",
            "description": "cannot be met",
            "first": {"step": "release", "edge": "end"},
            "then": {"step": "ld"},
            "max": -3000,
        }
    )
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert run("protocols", "validate", str(path)).code == 0
    started = time.monotonic()
    result = run("schedule", "-p", str(path), "--infusion", "2025-09-01", "--country", "DE")
    assert result.code in (0, 3), result.err
    assert time.monotonic() - started < 30  # a 10^6-day window took 156 s


def test_closures_adding_up_to_more_than_ten_years_are_refused(run: Run, tmp_path: Path) -> None:
    closures = tmp_path / "closures.txt"
    closures.write_text("2025-01-01..2025-12-31 again and again\n" * 11)
    result = run(*PLAN, "--closures", str(closures))
    assert result.code == 2 and "more than 3660 days" in result.err


def test_publish_gives_up_after_its_timeout(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "secret")
    with silent_server() as url:
        started = time.monotonic()
        result = run(
            *("publish", *PLAN[1:]), "--caldav-url", url, "--caldav-user", "u", "--timeout", "1"
        )
        took = time.monotonic() - started
    assert result.code == 6, result.err
    assert "no answer within the timeout" in result.err and "nothing was written" in result.err
    assert took < 20


@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "inf", "601"])
def test_a_timeout_must_be_a_sane_number_of_seconds(
    run: Run, monkeypatch: pytest.MonkeyPatch, seconds: str
) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "secret")
    publish = ("publish", *PLAN[1:], "--caldav-url", "http://127.0.0.1:9/", "--caldav-user", "u")
    result = run(*publish, "--timeout", seconds)
    assert result.code == 2 and "--timeout" in result.err


def test_a_booklet_too_large_for_memory_is_refused_before_it_is_built(
    run: Run, tmp_path: Path
) -> None:
    """A valid protocol with many long checklist items open for months: 400 days of it would
    be gigabytes of text."""
    doc = yaml.safe_load(MINI.read_text())
    item = {"text": "Check " + "x" * 1900, "times_per_day": 24}
    for i in range(150):
        doc["steps"].append(
            {
                "id": f"watch-{i}",
                "title": "Watch",
                "stage": "monitoring",
                "teams": ["ward"],
                "watch": ["crs"],
                "placement": {"after": "day0"},
                "end_day": 365,
                "checklist": [item] * 3,
            }
        )
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert path.stat().st_size < 1 << 20
    assert run("protocols", "validate", str(path)).code == 0
    sheet = ("checklist", "-p", str(path), "--start", "2025-05-01", "--today", TODAY)
    started = time.monotonic()
    result = run(*sheet, "--from", "0", "--to", "365", "--format", "html")
    assert result.code == 2 and "ask for fewer days" in result.err
    assert time.monotonic() - started < 10
    assert run(*sheet, "--day", "3").code == 0  # one day of it is fine
