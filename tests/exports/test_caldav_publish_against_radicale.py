"""Publishing to a real CalDAV server (Radicale on loopback): one resource per event, re-publishing
updates in place, no duplicates; failures say what was written."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest

from tests.conftest import FIXTURES, TODAY, Run

PLAN = (
    "-p",
    "lupus-flucy",
    "--start",
    "2025-05-01",
    "--today",
    TODAY,
    "--patient",
    str(FIXTURES / "patients" / "standard.yaml"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--storage-filesystem-folder",
            str(tmp_path / "store"),
            "--config",
            "",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("Radicale did not start: " + proc.stderr.read().decode()[-500:])  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def make_calendar(base: str) -> Any:
    from caldav.davclient import DAVClient

    client = DAVClient(
        url=base, username="coordinator", password="secret", enable_rfc6764=False, require_tls=False
    )
    return client.principal().make_calendar(name="CAR-T plans", cal_id="cart")  # type: ignore[no-untyped-call]


def read_back(cal: Any) -> dict[str, icalendar.Event]:
    out: dict[str, icalendar.Event] = {}
    for obj in cal.events():
        for ev in icalendar.Calendar.from_ical(obj.data).walk("VEVENT"):
            uid = str(ev["uid"])
            assert uid not in out, f"duplicate UID {uid}"
            out[uid] = ev
    return out


def test_publish_read_back_republish_without_duplicates(
    run: Run, radicale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cal = make_calendar(radicale)
    url = str(cal.url)
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "secret")
    target = ("--caldav-url", url, "--caldav-user", "coordinator")

    first = run("publish", *PLAN, *target, "--now", "2025-04-01T08:00:00Z")
    assert first.code == 0, first.err
    assert first.out.strip() == f"published 46 events to {url}: 46 new, 0 updated, 0 unchanged"
    events = read_back(cal)
    assert len(events) == 46 and len(cal.events()) == 46  # one resource per event
    iec = next(e for e in events.values() if "IEC-HS" in str(e["summary"]))
    assert str(iec["summary"]) == "P-STD · IEC-HS watch D4–D32"

    again = run("publish", *PLAN, *target, "--now", "2025-04-02T08:00:00Z")
    assert again.out.strip().endswith("0 new, 0 updated, 46 unchanged")

    changed = run(
        "publish", *PLAN, *target, "--set", "iec_hs_until_day=30", "--now", "2025-04-03T08:00:00Z"
    )
    assert changed.code == 0, changed.err
    assert changed.out.strip().endswith("0 new, 1 updated, 45 unchanged")
    after = read_back(cal)
    assert set(after) == set(events) and len(cal.events()) == 46
    updated = after[str(iec["uid"])]
    assert int(updated["sequence"]) == 1
    assert updated["dtend"].dt.isoformat() == "2025-07-17"  # D30 inclusive -> exclusive end


def test_password_never_on_the_command_line(
    run: Run, radicale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARTPLAN_CALDAV_PASSWORD", raising=False)
    result = run("publish", *PLAN, "--caldav-url", radicale, "--caldav-user", "u")
    assert result.code == 2 and "CARTPLAN_CALDAV_PASSWORD" in result.err


def test_password_file(
    run: Run, radicale: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARTPLAN_CALDAV_PASSWORD", raising=False)
    cal = make_calendar(radicale)
    secret = tmp_path / "pw"
    secret.write_text("secret\n")
    result = run(
        "publish",
        *PLAN,
        "--caldav-url",
        str(cal.url),
        "--caldav-user",
        "coordinator",
        "--caldav-password-file",
        str(secret),
    )
    assert result.code == 0, result.err


def test_unreachable_server_writes_nothing_and_says_so(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "secret")
    url = f"http://127.0.0.1:{free_port()}/coordinator/cart/"
    result = run("publish", *PLAN, "--caldav-url", url, "--caldav-user", "coordinator")
    assert result.code == 6
    assert "cannot read the CalDAV calendar" in result.err and "nothing was written" in result.err


def test_plain_http_to_a_remote_host_is_refused(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "secret")
    result = run(
        "publish", *PLAN, "--caldav-url", "http://calendar.example.org/cal/", "--caldav-user", "u"
    )
    assert result.code == 2 and "refusing to send a password over plain http" in result.err
