"""Passwords do not belong in URLs, and no message ever shows one: a URL with user:password@
is refused (without echoing the password), and an error from the client library that quotes
the password is printed with it masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TODAY, Run
from tests.loopback_servers import recording_server

PLAN = ("-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
SECRET = "Pw-7f3a9c-secret"


@pytest.mark.parametrize(
    "template",
    [
        "http://coordinator:{pw}@{host}/cal/",  # the repro from the issue
        "http://:{pw}@{host}/cal/",
        "https://coordinator:{pw}@dav.example.org/cal/",
        "http://{pw}@{host}/cal/",
    ],
)
def test_credentials_in_the_url_are_refused_and_never_echoed(
    run: Run, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "other")
    with recording_server() as server:
        host = server.url.split("//")[1].split("/")[0]
        url = template.format(pw=SECRET, host=host)
        result = run("publish", *PLAN, "--caldav-url", url, "--caldav-user", "u")
    assert result.code == 2, result.err
    assert "do not belong in the URL" in result.err
    assert SECRET not in result.err + result.out
    assert server.requests == []  # refused before anything was sent


class TalkativeClient:
    """A CalDAV client whose errors quote the credentials it was given (some libraries put the
    authenticated URL or the auth header into their exception text)."""

    fail_at = "read"

    def __init__(self, url: str, username: str, password: str, **_: object) -> None:
        self.secret = f"{url} as {username}:{password}"

    def calendar(self, url: str) -> TalkativeClient:
        if self.fail_at == "read":
            raise ConnectionError(f"cannot connect with {self.secret}")
        return self

    def events(self) -> list[object]:
        return []

    def add_event(self, **_: object) -> None:
        raise ConnectionError(f"PUT refused for {self.secret}")


@pytest.mark.parametrize("fail_at", ["read", "upload"])
def test_no_publish_error_shows_the_password(
    run: Run, monkeypatch: pytest.MonkeyPatch, fail_at: str
) -> None:
    import caldav.davclient

    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", SECRET)
    monkeypatch.setattr(TalkativeClient, "fail_at", fail_at)
    monkeypatch.setattr(caldav.davclient, "DAVClient", TalkativeClient)
    result = run(
        "publish", *PLAN, "--caldav-url", "https://dav.example.org/cal/", "--caldav-user", "u"
    )
    assert result.code == 6, result.err
    assert "ConnectionError" in result.err and "u:***" in result.err
    assert SECRET not in result.err + result.out


def test_a_password_file_is_never_echoed(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CARTPLAN_CALDAV_PASSWORD", raising=False)
    secret = tmp_path / "pw"
    secret.write_text(SECRET + "\n")
    challenge = 'WWW-Authenticate: Basic realm="cal"\r\n'
    with recording_server(status="401 Unauthorized", headers=challenge) as server:
        url = server.url
        result = run(
            "publish",
            *PLAN,
            "--caldav-url",
            url,
            "--caldav-user",
            "u",
            "--caldav-password-file",
            str(secret),
        )
    assert result.code == 6, result.err
    assert SECRET not in result.err + result.out
    assert any(b"authorization:" in r.lower() for r in server.requests)  # it was sent
