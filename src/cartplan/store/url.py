"""Which database: --db URL, else $CARTPLAN_DB, else a SQLite file in the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from cartplan.errors import InputError, StoreError

ENV = "CARTPLAN_DB"
FILE_NAME = "plans.db"


class StoreUrl(NamedTuple):
    kind: Literal["sqlite", "postgresql"]
    path: Path | None  # the SQLite file
    dsn: str  # what the driver is given (libpq connection URI for PostgreSQL)
    shown: str  # for messages: never a password


def data_dir() -> Path:
    """$XDG_DATA_HOME/cartplan, else ~/.local/share/cartplan."""
    base = os.environ.get("XDG_DATA_HOME")
    if base:
        return Path(base) / "cartplan"
    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no home folder known
        raise StoreError(
            f"no home folder to keep the plan store in: give --db URL or set {ENV}"
        ) from None
    return home / ".local" / "share" / "cartplan"


def resolve(given: str | None) -> StoreUrl:
    """The store URL: `given` (--db), else $CARTPLAN_DB, else the default SQLite file.

    sqlite:///relative/or/absolute/path, sqlite:////absolute/path, a plain file path, or
    postgresql://user@host:port/db (also postgres:// and postgresql+psycopg://)."""
    text = given if given is not None else os.environ.get(ENV) or None
    if text is None:
        path = data_dir() / FILE_NAME
        return StoreUrl("sqlite", path, str(path), f"sqlite:///{path}")
    text = text.strip()
    where = "--db" if given is not None else ENV
    if text.startswith("sqlite:"):
        rest = text.removeprefix("sqlite:")
        if not rest.startswith("///") or len(rest) == 3:
            raise InputError(
                f"{where} {text}: write sqlite:///path/plans.db (three slashes, then the path)"
            )
        path = Path(rest[3:])
        return StoreUrl("sqlite", path, str(path), f"sqlite:///{path}")
    scheme = text.partition("://")[0].lower() if "://" in text else ""
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        dsn = "postgresql://" + text.partition("://")[2]
        try:
            parts = urlsplit(dsn)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise InputError(f"{where} {shown(text)}: not a valid PostgreSQL URL") from None
        return StoreUrl("postgresql", None, dsn, shown(text))
    if scheme:
        raise InputError(
            f"{where} {shown(text)}: unknown database kind '{scheme}'; give sqlite:///path or "
            "postgresql://user@host:port/db"
        )
    if not text:
        raise InputError(f"{where}: empty; give sqlite:///path or postgresql://user@host/db")
    path = Path(text)  # a plain path is a SQLite file
    return StoreUrl("sqlite", path, str(path), f"sqlite:///{path}")


def shown(url: str) -> str:
    """The URL as it may be printed: a password in it (user:password@, ?password=) is hidden."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, tail = rest.partition("/")
    if "@" in authority:
        userinfo, _, host = authority.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        authority = f"{user}:***@{host}" if colon else authority
    path, _, query = tail.partition("?")
    if "password" in query.lower():
        tail = f"{path}?***"
    return f"{scheme}://{authority}{slash}{tail}"
