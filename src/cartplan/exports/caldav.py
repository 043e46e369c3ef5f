"""Publish a plan to a CalDAV calendar: one resource per event, updated in place by UID.

Unchanged events are not re-sent; changed ones go up with a raised SEQUENCE. If an upload fails
part-way, the error names exactly which events were written and which were not. Every failure
says what to do (create the calendar, check the URL, check the user and password) and never
shows the password.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from cartplan.errors import InputError, PublishError
from cartplan.exports import ics

if TYPE_CHECKING:
    from cartplan.schedule.plan import Plan

MAX_TIMEOUT = 600  # seconds; --timeout above this is refused


def is_loopback(host: str) -> bool:
    """True only for this machine: exactly 'localhost', or an address in 127.0.0.0/8 or ::1.

    Decided from the parsed address, never from how the name starts: 127.attacker.example is
    a name anybody can register.
    """
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """The URL if cartplan may send a password there; else an InputError that never shows a
    password written into it."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise InputError(f"--caldav-url {_shown(url)}: not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise InputError(
            f"--caldav-url {_shown(url)}: give an http(s) URL of a calendar collection"
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InputError(
            f"--caldav-url {_shown(url)}: user names and passwords do not belong in the URL; "
            "give --caldav-user, and the password in CARTPLAN_CALDAV_PASSWORD or "
            "--caldav-password-file"
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise InputError(
            f"--caldav-url {_shown(url)}: refusing to send a password over plain http to "
            f"{host}; use https (plain http only to localhost, 127.0.0.0/8 or ::1)"
        )
    return url


def _shown(url: str) -> str:
    """The URL as it may be printed: anything before an '@' in the authority is hidden."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url if "@" not in url else "(URL not shown: it holds an '@')"
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rpartition("@")[2]
    return f"{scheme}://{authority}{slash}{path}"


def _quiet_client_logs() -> None:
    """The client libraries log server replies on stderr; failures reach users as one line."""
    import logging

    for name in ("caldav", "niquests", "urllib3", "urllib3_future"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def publish(
    plan: Plan,
    opts: ics.Options,
    teams: Iterable[str] | None,
    url: str,
    user: str,
    password: str,
    timeout: float = 30.0,
    kept_in: str = "CARTPLAN_CALDAV_PASSWORD",
) -> str:
    """Upload the plan; every message (success or failure) is free of the password.
    `kept_in` says where the password came from (a variable or a file), for the advice
    when the server refuses it."""
    check_url(url)
    try:
        return _publish(plan, opts, teams, url, Login(user, password, kept_in), timeout)
    except PublishError as e:
        raise PublishError(_scrub(str(e), password)) from None


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


class Login(NamedTuple):
    user: str
    password: str
    kept_in: str


def _publish(
    plan: Plan,
    opts: ics.Options,
    teams: Iterable[str] | None,
    url: str,
    login: Login,
    timeout: float,
) -> str:
    from caldav.davclient import DAVClient

    _quiet_client_logs()
    plain = urlsplit(url).scheme == "http"
    try:
        client = DAVClient(
            url=url,
            username=login.user,
            password=login.password,
            enable_rfc6764=False,
            require_tls=not plain,
            timeout=timeout,  # type: ignore[arg-type]
        )
        calendar: Any = client.calendar(url=url)  # type: ignore[no-untyped-call]
        existing = {}
        for obj in calendar.events():
            existing.update(ics.previous_state(obj.data.encode()))
    except Exception as e:  # noqa: BLE001 - every client or network failure is the same to users
        raise PublishError(
            f"cannot read the CalDAV calendar {url}: {_advice(e, url, login, reading=True)}; "
            "nothing was written"
        ) from None
    events = ics.build(plan, opts, teams, existing)
    written: list[str] = []
    unchanged = 0
    for x in events:
        before = existing.get(x.uid)
        if before is not None and before[0] == x.sequence:
            unchanged += 1
            continue
        try:
            calendar.add_event(
                ical=ics.single(x, plan, opts).decode(),
                increase_seqno=False,
            )
        except Exception as e:  # noqa: BLE001
            left = [str(y.component["summary"]) for y in events[events.index(x) :]]
            done = (
                f"written: {', '.join(written)}; not written: {', '.join(left)}"
                if written
                else f"nothing was written ({len(left)} events)"
            )
            raise PublishError(
                f"upload to {url} failed at '{x.component['summary']}': "
                f"{_advice(e, url, login, reading=False)}; {done}"
            ) from None
        written.append(str(x.component["summary"]))
    new = sum(1 for x in events if x.uid not in existing)
    return (
        f"published {len(events)} events to {url}: {new} new, "
        f"{len(written) - new} updated, {unchanged} unchanged"
    )


def _reason(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    if _timed_out(e):
        return "no answer within the timeout (--timeout)"
    return f"{e.__class__.__name__}: {text}"[:300] if text else e.__class__.__name__


def _advice(e: Exception, url: str, login: Login, reading: bool) -> str:
    """What went wrong in words, and what to do about it."""
    status = _status(e)
    where = urlsplit(url)
    port = f":{where.port}" if where.port else ""
    if status == 404:
        return (
            "the calendar does not exist (404 Not Found): create the calendar on the CalDAV "
            "server first (cartplan adds events to an existing calendar, it does not create "
            "one), or check --caldav-url"
        )
    if status == 401:
        return (
            f"the server did not accept user '{login.user}' (401 Unauthorized): check "
            f"--caldav-user and the password in {login.kept_in}"
        )
    if status == 403:
        what = "read this calendar" if reading else "write events here"
        return (
            f"user '{login.user}' may not {what} (403 Forbidden): check that --caldav-url is "
            "the URL of a calendar (not the server's root or a user's home) that this user "
            "may write"
        )
    if _refused(e):
        return (
            f"nothing answers at {where.hostname}{port} (connection refused): check "
            "--caldav-url and that the CalDAV server is running"
        )
    if _any(e, "NameResolutionError", "Name or service not known", "nodename nor servname"):
        return f"cannot find the host {where.hostname}: check --caldav-url"
    if _any(e, "SSLError", "CERTIFICATE_VERIFY_FAILED"):
        why = "its certificate is not trusted" if _any(e, "CERTIFICATE_VERIFY_FAILED") else ""
        return (
            f"no secure connection to {where.hostname}{port}{': ' + why if why else ''}: check "
            "that --caldav-url is the server's https address"
        )
    if _timed_out(e):
        return _reason(e)
    return f"{_reason(e)}; check --caldav-url"


def _chain(e: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while e is not None and len(seen) < 10 and e not in seen:
        seen.append(e)
        e = e.__cause__ or e.__context__
    return seen


def _status(e: Exception) -> int | None:
    """The HTTP status behind a client error: from `status` (caldav 2+), else from the error
    class and reason the older clients give."""
    for x in _chain(e):
        status = getattr(x, "status", None)
        if isinstance(status, int) and 400 <= status < 600:
            return status
        name, text = x.__class__.__name__, str(x)
        if name == "NotFoundError" or "404 Not Found" in text:
            return 404
        if name == "AuthorizationError":
            return 401 if "Unauthorized" in text else 403
    return None


def _refused(e: Exception) -> bool:
    return any(isinstance(x, ConnectionRefusedError) for x in _chain(e)) or _any(
        e, "Connection refused"
    )


def _any(e: Exception, *words: str) -> bool:
    """True when the error, or one it arose from, names one of `words` (class or text)."""
    return any(w in f"{x.__class__.__name__}: {x}" for x in _chain(e) for w in words)


def _timed_out(e: BaseException | None) -> bool:
    seen = 0
    while e is not None and seen < 10:
        if isinstance(e, TimeoutError) or "timeout" in e.__class__.__name__.lower():
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False
