"""A failed publish says what to do, against a real CalDAV server (Radicale on loopback, with a
password): a calendar that does not exist must be created first; a refused password points at
where the password came from (never showing it); a URL that is not a calendar, or where no
server answers, says to check the URL. Nothing is written, and the exit code is 6."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY, Run

PLAN = ("-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY, "--label", "P1")
USER, SECRET = "coordinator", "Pw-5e1f-radicale"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """Radicale on loopback that knows one user, with a plain-text password file."""
    import socket

    users = tmp_path / "users"
    users.write_text(f"{USER}:{SECRET}\n")
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(users),
            "--auth-htpasswd-encryption",
            "plain",
            "--auth-delay",
            "0",  # a wrong password is answered at once (tests, not a server to attack)
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


def publish(run: Run, url: str, *extra: str) -> Any:
    result = run("publish", *PLAN, "--caldav-url", url, "--caldav-user", USER, *extra)
    assert SECRET not in result.out + result.err
    return result


def stored(base: str) -> list[Any]:
    """Every calendar object on the server, read as the user."""
    from caldav.davclient import DAVClient

    client = DAVClient(
        url=base, username=USER, password=SECRET, enable_rfc6764=False, require_tls=False
    )
    return [
        obj
        for cal in client.principal().calendars()  # type: ignore[no-untyped-call]
        for obj in cal.events()
    ]


def test_a_calendar_that_does_not_exist_must_be_created_first(
    run: Run, radicale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", SECRET)
    url = f"{radicale}{USER}/no-such-calendar/"
    result = publish(run, url)
    assert result.code == 6, result.err
    assert result.out == "" and result.err.count("\n") == 1
    err = result.err
    assert "does not exist (404 Not Found)" in err
    assert "create the calendar on the CalDAV server first" in err
    assert "check --caldav-url" in err and "nothing was written" in err
    assert "NotFoundError" not in err  # the words say it; the class name does not help
    assert stored(radicale) == []


def test_a_refused_password_names_where_it_came_from(
    run: Run, radicale: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARTPLAN_CALDAV_PASSWORD", raising=False)
    wrong = tmp_path / "caldav-password"
    wrong.write_text("not-the-password\n")
    result = publish(run, f"{radicale}{USER}/", "--caldav-password-file", str(wrong))
    assert result.code == 6, result.err
    assert "401 Unauthorized" in result.err
    assert f"check --caldav-user and the password in --caldav-password-file {wrong}" in result.err
    assert "not-the-password" not in result.err

    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "also-wrong")
    from_env = publish(run, f"{radicale}{USER}/")
    assert from_env.code == 6
    assert "the password in CARTPLAN_CALDAV_PASSWORD" in from_env.err
    assert "also-wrong" not in from_env.err


def test_the_servers_root_is_not_a_calendar(
    run: Run, radicale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", SECRET)
    result = publish(run, radicale)
    assert result.code == 6, result.err
    assert "403 Forbidden" in result.err
    assert "check that --caldav-url is the URL of a calendar" in result.err
    assert "nothing was written (46 events)" in result.err
    assert "Long-term follow-up year 15" not in result.err  # no list of 46 titles
    assert stored(radicale) == []


def test_nothing_answering_says_to_check_the_url(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", SECRET)
    port = free_port()
    result = publish(run, f"http://127.0.0.1:{port}/{USER}/cal/")
    assert result.code == 6, result.err
    assert f"nothing answers at 127.0.0.1:{port} (connection refused)" in result.err
    assert "check --caldav-url and that the CalDAV server is running" in result.err
    assert "HTTPConnectionPool" not in result.err and "object at 0x" not in result.err


def test_after_creating_the_calendar_the_same_command_works(
    run: Run, radicale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The advice is right: create the calendar, run the same command again."""
    from caldav.davclient import DAVClient

    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", SECRET)
    url = f"{radicale}{USER}/cart/"
    assert publish(run, url).code == 6
    client = DAVClient(
        url=radicale, username=USER, password=SECRET, enable_rfc6764=False, require_tls=False
    )
    client.principal().make_calendar(name="CAR-T plans", cal_id="cart")  # type: ignore[no-untyped-call]
    again = publish(run, url)
    assert again.code == 0, again.err
    assert again.out.strip().endswith("46 new, 0 updated, 0 unchanged")
