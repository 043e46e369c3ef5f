"""Where the store is (--db, else CARTPLAN_DB, else the data folder), that a new SQLite file is
owner-only whatever the umask, that passwords in URLs never reach messages, and who a change is
recorded for (--by, else CARTPLAN_USER, else the login)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.store.conftest import START, ok


def test_db_option_then_environment_then_data_folder(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CARTPLAN_DB", raising=False)
    ok(run("plan", "new", *START, "--label", "A"))
    default = tmp_path / "data" / "cartplan" / "plans.db"
    assert default.exists()
    assert stat.S_IMODE(default.parent.stat().st_mode) == 0o700
    monkeypatch.setenv("CARTPLAN_DB", f"sqlite:///{tmp_path / 'env.db'}")
    ok(run("plan", "new", *START, "--label", "B"))
    ok(run("plan", "new", *START, "--label", "C", "--db", str(tmp_path / "flag.db")))
    labels = {
        where: [
            p["label"]
            for p in json.loads(ok(run("plan", "list", "--format", "json", "--db", url)).out)
        ]
        for where, url in (
            ("default", f"sqlite:///{default}"),
            ("env", f"sqlite:///{tmp_path / 'env.db'}"),
            ("flag", str(tmp_path / "flag.db")),
        )
    }
    assert labels == {"default": ["A"], "env": ["B"], "flag": ["C"]}


def test_a_new_sqlite_store_is_owner_only(run: Run, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        ok(run("plan", "new", *START, "--label", "A", "--db", f"sqlite:///{tmp_path / 'p.db'}"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "p.db").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u@h/db", "unknown database kind 'mysql'"),
        ("sqlite://relative.db", "three slashes"),
        ("postgresql://u:hunter2@127.0.0.1:1/db", "cannot open the plan store"),
    ],
)
def test_bad_urls_are_refused_without_showing_passwords(run: Run, url: str, words: str) -> None:
    result = run("plan", "list", "--db", url)
    assert result.code in (2, 9)
    assert words in result.err
    assert "hunter2" not in result.err


def test_a_store_that_is_not_cartplans_is_refused(run: Run, tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = run("plan", "list", "--db", str(other))
    assert result.code == 9
    assert "not a plan store" in result.err


def test_who_is_by_then_cartplan_user_then_the_login(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    monkeypatch.setenv("CARTPLAN_DB", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.delenv("CARTPLAN_USER", raising=False)
    plan = ok(run("plan", "new", *START, "--label", "A")).out.strip()
    monkeypatch.setenv("CARTPLAN_USER", "nurse.n")
    ok(run("plan", "record", plan, "fu-d7", "--status", "cancelled", "--reason", "x"))
    ok(
        run(
            "plan",
            "record",
            plan,
            "fu-d14",
            "--status",
            "cancelled",
            "--reason",
            "x",
            "--by",
            "dr.d",
        )
    )
    history = json.loads(ok(run("plan", "history", plan, "--format", "json")).out)
    assert [h["by"] for h in history] == [getpass.getuser(), "nurse.n", "dr.d"]
