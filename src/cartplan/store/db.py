"""A connection to the plan store through its driver (sqlite3 or psycopg), with portable SQL.

Statements use `:name` parameters; for PostgreSQL they become psycopg's `%(name)s`. Writes run
in one transaction that holds the plan (SQLite: BEGIN IMMEDIATE, the database write lock;
PostgreSQL: SELECT … FOR UPDATE of the plan's row), so a check of the plan's revision and the
rows written after it are one atomic step.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from cartplan.errors import StoreError
from cartplan.store.url import StoreUrl

BUSY_SECONDS = 60.0  # how long a writer waits for another writer's transaction (SQLite)
_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


class Duplicate(Exception):
    """A row broke a unique rule (e.g. a label already used by an active plan)."""


class Refused(Exception):
    """The database refused the statement (e.g. an append-only trigger)."""


class Db:
    def __init__(self, url: StoreUrl, conn: Any) -> None:
        self.url = url
        self.conn = conn
        self.pg = url.kind == "postgresql"
        self._in_tx = False

    # -- statements

    def _sql(self, sql: str) -> str:
        return _PARAM.sub(r"%(\1)s", sql) if self.pg else sql

    def run(self, sql: str, **params: Any) -> int:
        """Execute one statement; the number of rows it changed."""
        cur = self._execute(sql, params)
        n: int = cur.rowcount
        return n

    def many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """Execute one statement for each parameter row, in one batch (executemany)."""
        if not rows:
            return
        try:
            if self.pg:
                with self.conn.cursor() as cur:
                    cur.executemany(self._sql(sql), rows)
            else:
                self.conn.executemany(sql, rows)
        except Exception as e:  # noqa: BLE001 - driver errors become the store's own
            raise _translate(e, self.url) from None

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return list(self._execute(sql, params).fetchall())

    def one(self, sql: str, **params: Any) -> tuple[Any, ...] | None:
        row = self._execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def _execute(self, sql: str, params: Mapping[str, Any]) -> Any:
        try:
            if self.pg:
                return self.conn.execute(self._sql(sql), dict(params))
            return self.conn.execute(sql, dict(params))
        except Exception as e:  # noqa: BLE001 - driver errors become the store's own
            raise _translate(e, self.url) from None

    def for_update(self) -> str:
        """The suffix that locks the rows a SELECT reads until the transaction ends."""
        return " FOR UPDATE" if self.pg else ""

    # -- transactions

    @contextmanager
    def writing(self) -> Iterator[Db]:
        """One write transaction: committed whole, or rolled back whole on any error."""
        with self._transaction("BEGIN IMMEDIATE" if not self.pg else "BEGIN"):
            yield self

    @contextmanager
    def reading(self) -> Iterator[Db]:
        """One consistent read of several tables."""
        begin = "BEGIN" if not self.pg else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        with self._transaction(begin):
            yield self

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        if self._in_tx:
            yield
            return
        self.run(begin)
        self._in_tx = True
        try:
            yield
        except BaseException:
            self._in_tx = False
            try:
                self.conn.execute("ROLLBACK")
            except Exception:  # noqa: BLE001, S110 - the connection may be gone; nothing was committed
                pass
            raise
        self._in_tx = False
        self.run("COMMIT")

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001, S110 - closing a broken connection
            pass


def _translate(e: Exception, url: StoreUrl) -> Exception:
    name = type(e).__name__
    text = str(e).strip().splitlines()[0] if str(e).strip() else name
    if "append-only" in text:
        return Refused(text)
    if name in ("IntegrityError", "UniqueViolation") and (
        "UNIQUE" in text or "unique" in text or "duplicate" in text
    ):
        return Duplicate(text)
    if "locked" in text or "busy" in text:
        return StoreError(
            f"the plan store {url.shown} stayed busy for {BUSY_SECONDS:g} s (another cartplan "
            "is writing); nothing was saved: try again"
        )
    return StoreError(f"plan store {url.shown}: {name}: {text}"[:400])


def open_sqlite(url: StoreUrl) -> Any:
    """The SQLite connection; a new file is made owner-only (0600) before SQLite opens it, and
    a new folder for it 0700."""
    import sqlite3

    assert url.path is not None  # noqa: S101 - a SQLite URL has a path
    path = url.path
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True)
        try:
            fd = os.open(
                path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600
            )
        except FileExistsError:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                raise StoreError(f"plan store {url.shown}: not a regular file") from None
        else:
            os.fchmod(fd, 0o600)  # whatever the umask
            os.close(fd)
        conn = sqlite3.connect(
            str(path), timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    except OSError as e:
        raise StoreError(f"cannot open the plan store {url.shown}: {e.strerror or e}") from None
    except sqlite3.Error as e:
        raise StoreError(f"cannot open the plan store {url.shown}: {e}") from None
    return conn


def open_postgresql(url: StoreUrl) -> Any:
    import psycopg

    try:
        return psycopg.connect(url.dsn, autocommit=True, connect_timeout=30)
    except psycopg.Error as e:
        text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if url.dsn and "@" in url.dsn:
            secret = url.dsn.partition("://")[2].rpartition("@")[0].partition(":")[2]
            if secret:
                text = text.replace(secret, "***")
        raise StoreError(f"cannot open the plan store {url.shown}: {text}") from None


def connect(url: StoreUrl) -> Db:
    """A connection to the store, its schema made or brought up to date."""
    from cartplan.store import migrate

    conn = open_sqlite(url) if url.kind == "sqlite" else open_postgresql(url)
    db = Db(url, conn)
    try:
        migrate.ensure(db)
    except BaseException:
        db.close()
        raise
    return db
