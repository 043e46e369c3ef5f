"""Plain http carries the password only to this machine, decided from the parsed address:
exactly 'localhost', or an IP literal in 127.0.0.0/8 or ::1. A name that merely starts with
'127.' (anyone can register 127.attacker.example) is refused before any lookup or connection."""

from __future__ import annotations

import socket

import pytest

from cartplan.exports.caldav import is_loopback

from tests.conftest import TODAY, Run
from tests.loopback_servers import recording_server

PLAN = ("-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.attacker.example/cal/",  # the repro from the issue
        "http://127.0.0.1.attacker.example/cal/",
        "http://localhost.attacker.example/cal/",
        "http://127.1/cal/",  # resolvers read it as 127.0.0.1; it is not an address literal
        "http://2130706433/cal/",
        "http://calendar.example.org/cal/",
    ],
)
def test_plain_http_to_anything_but_a_loopback_address_is_refused_without_connecting(
    run: Run, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "hunter2-secret")
    looked_up: list[object] = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: looked_up.append(a) or [])
    result = run("publish", *PLAN, "--caldav-url", url, "--caldav-user", "u")
    assert result.code == 2, result.err
    assert "refusing to send a password over plain http" in result.err
    assert looked_up == []
    assert "hunter2-secret" not in result.err + result.out


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("127.attacker.example", False),
        ("127.0.0.1.nip.io", False),
        ("localhost.", False),
        ("128.0.0.1", False),
        ("::ffff:8.8.8.8", False),
        ("", False),
    ],
)
def test_loopback_is_decided_from_the_address(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1"])
def test_loopback_addresses_get_plain_http(
    run: Run, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "hunter2-secret")
    with recording_server(host) as server:
        result = run(
            "publish", *PLAN, "--caldav-url", server.url, "--caldav-user", "u", "--timeout", "5"
        )
    assert server.requests, "the loopback server was never asked"
    assert result.code == 6, result.err  # the server answers 500: a publish error, not a refusal
    assert "refusing" not in result.err
