"""Start-up time is a feature: `plan show` on SQLite reads through sqlite3 alone; SQLAlchemy,
Alembic and psycopg load only to create or upgrade a store (or for PostgreSQL), and none of the
other heavy modules load either. (The timing itself is benchmarks/startup.py, not a test.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import Run
from tests.store.conftest import START, ok

HEAVY = [
    "sqlalchemy",
    "alembic",
    "psycopg",
    "yaml",
    "holidays",
    "icalendar",
    "rich.table",
    "caldav",
    "fhir",
]


def test_plan_show_loads_no_heavy_module(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    plan = ok(run("plan", "new", *START, "--label", "A", "--db", url)).out.strip()
    code = (
        "import sys\nfrom cartplan import cli\n"
        f"try:\n    cli.main(['plan', 'show', {plan!r}, '--db', {url!r}])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stderr.strip().splitlines()[-1] == "[]"
    assert "Leukapheresis" in out.stdout
