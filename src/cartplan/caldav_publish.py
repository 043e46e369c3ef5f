"""Publish a plan to a CalDAV calendar: one resource per event, updated in place by UID.

Unchanged events are not re-sent; changed ones go up with a raised SEQUENCE. If an upload fails
part-way, the error names exactly which events were written and which were not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cartplan import ics
from cartplan.errors import InputError, PublishError

if TYPE_CHECKING:
    from cartplan.engine import Plan

LOOPBACK = ("localhost", "127.0.0.1", "::1")


def publish(
    plan: Plan, opts: ics.Options, teams: Iterable[str] | None, url: str, user: str, password: str
) -> str:
    from caldav.davclient import DAVClient

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--caldav-url {url}: give an http(s) URL of a calendar collection")
    plain = parts.scheme == "http"
    if plain and parts.hostname not in LOOPBACK and not parts.hostname.startswith("127."):
        raise InputError(
            f"--caldav-url {url}: refusing to send a password over plain http to "
            f"{parts.hostname}; use https"
        )
    try:
        client = DAVClient(
            url=url, username=user, password=password, enable_rfc6764=False, require_tls=not plain
        )
        calendar: Any = client.calendar(url=url)  # type: ignore[no-untyped-call]
        existing = {}
        for obj in calendar.events():
            existing.update(ics.previous_state(obj.data.encode()))
    except Exception as e:  # noqa: BLE001 - every client or network failure is the same to users
        raise PublishError(
            f"cannot read the CalDAV calendar {url}: {_reason(e)}; nothing was written"
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
            raise PublishError(
                f"upload to {url} failed at '{x.component['summary']}' ({_reason(e)}); "
                f"written: {', '.join(written) or 'none'}; not written: {', '.join(left)}"
            ) from None
        written.append(str(x.component["summary"]))
    new = sum(1 for x in events if x.uid not in existing)
    return (
        f"published {len(events)} events to {url}: {new} new, "
        f"{len(written) - new} updated, {unchanged} unchanged"
    )


def _reason(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{e.__class__.__name__}: {text}"[:300] if text else e.__class__.__name__
