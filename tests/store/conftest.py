"""The store test-suite runs against every store kind: SQLite always, PostgreSQL when a server
is given in CARTPLAN_TEST_PG_URL (a superuser URL; .ci/run starts a throw-away cluster and sets
it). Without one the PostgreSQL half skips with the reason, except in CI, where it fails."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.calendar_readers import tool_missing
from tests.conftest import Result, Run

PG_ENV = "CARTPLAN_TEST_PG_URL"
START = ("-p", "lupus-flucy", "--start", "2025-05-01", "--today", "2025-04-01")


@dataclass
class Store:
    kind: str  # sqlite | postgresql
    url: str
    path: Path | None = None

    def connect(self) -> Any:
        """A plain driver connection, as someone with database access would use (autocommit)."""
        if self.kind == "sqlite":
            import sqlite3

            assert self.path is not None
            return sqlite3.connect(self.path, isolation_level=None)
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        conn = self.connect()
        try:
            cur = conn.execute(statement)
            return list(cur.fetchall()) if cur.description else []
        finally:
            conn.close()


@pytest.fixture(autouse=True)
def _never_the_users_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches the user's own plan store: CARTPLAN_DB and XDG_DATA_HOME point into this
    test's folder unless the test (or the store fixture) says otherwise."""
    monkeypatch.setenv("CARTPLAN_DB", f"sqlite:///{tmp_path / 'default-store.db'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """A new, empty store of each kind; CARTPLAN_DB names it for the CLI and subprocesses."""
    if request.param == "sqlite":
        path = tmp_path / "plans.db"
        found = Store("sqlite", f"sqlite:///{path}", path)
        monkeypatch.setenv("CARTPLAN_DB", found.url)
        yield found
        return
    admin = os.environ.get(PG_ENV)
    if not admin:
        tool_missing(f"PostgreSQL store tests need a server: set {PG_ENV} (see .ci/postgres.sh)")
    import psycopg

    name = f"cartplan_test_{secrets.token_hex(6)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rpartition("/")[0]
    found = Store("postgresql", f"{base}/{name}")
    monkeypatch.setenv("CARTPLAN_DB", found.url)
    try:
        yield found
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ok(result: Result) -> Result:
    assert result.code == 0, result.err
    return result


def new_plan(run: Run, *extra: str, label: str = "P-017") -> str:
    """A stored plan of lupus-flucy from 1 May 2025; its id."""
    out = ok(run("plan", "new", *START, "--label", label, "--by", "alice", *extra)).out
    return out.strip()


def cartplan(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The console command in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "cartplan", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )
