"""Benchmark: `cartplan plan import` of 10,000 rows, on SQLite and on PostgreSQL, against the
issue's target (< 60 s on a 2-core machine) and a baseline measured in the same run.

Run: python benchmarks/import.py [--rows 10000] [--baseline-rows 500]

- The CSV: every shipped protocol in turn, start days spread over two years (every fifth row
  planned backward from a working infusion day instead), a patient on each row (sex, age, weight,
  height, creatinine, so doses are computed) and every seventh row a `set:` parameter.
- Import: the console command in a fresh process (`python -m cartplan plan import FILE --db
  URL`), timed from start to exit into an empty store; rows/s and total seconds.
- Baseline: the first --baseline-rows rows made the slow way, one `plan new` use case at a time
  (services.plans.new: its own catalogue reads and its own transaction per plan), in this
  process, into another empty store; rows/s and the time 10,000 rows would take at that rate.
- PostgreSQL: a throw-away database on the server CARTPLAN_TEST_PG_URL names (a superuser URL,
  see .ci/postgres.sh), dropped afterwards; without the variable the PostgreSQL half prints
  "skipped".
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

TARGET_S = 60.0
TODAY = "2024-12-01"  # every planned date lies after it
HEADER = [
    "label",
    "protocol",
    "start",
    "infusion",
    "sex",
    "age",
    "weight-kg",
    "height-cm",
    "creatinine",
    "set:washout_days",
]


def write_csv(path: Path, rows: int) -> None:
    from cartplan.sources import catalogue

    # Every shipped protocol a row can plan on its own: a re-treatment needs its earlier plan
    # (--after), which a CSV row does not name.
    loaded = [catalogue.load(s.id) for s in catalogue.available() if s.shipped]
    protocols = [p.id for p in loaded if not p.retreatment]
    washout_days = {p.id for p in loaded if any(x.name == "washout_days" for x in p.parameters)}
    first = date(2025, 1, 6)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for k in range(rows):
            day = first + timedelta(days=(k * 7) % 730)
            start, infusion = day.isoformat(), ""
            if k % 5 == 4:  # backward from a Tuesday about two months on
                d0 = day + timedelta(days=60)
                d0 += timedelta(days=(1 - d0.weekday()) % 7)
                start, infusion = "", d0.isoformat()
            out.writerow(
                [
                    f"BENCH-{k:05d}",
                    protocols[k % len(protocols)],
                    start,
                    infusion,
                    "FM"[k % 2],
                    str(25 + k % 40),
                    str(50 + k % 40),
                    str(155 + k % 30),
                    f"{0.7 + (k % 5) / 10:.1f} mg/dL",
                    "21" if k % 7 == 3 and protocols[k % len(protocols)] in washout_days else "",
                ]
            )


_made: list[str] = []


def fresh(kind: str | None, tmp: Path, admin: str | None) -> str:
    """The URL of a new empty store of this kind."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / f'{secrets.token_hex(4)}.db'}"
    import psycopg

    if admin is None:
        raise SystemExit("no PostgreSQL server")
    name = f"cartplan_bench_{secrets.token_hex(5)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _made.append(name)
    return f"{admin.rpartition('/')[0]}/{name}"


def drop_all(admin: str | None) -> None:
    if admin is None or not _made:
        return
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        for name in _made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _made.clear()


def time_import(csv_path: Path, url: str) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of the import command (a busy machine stretches the first
    but hardly the second), and its output."""
    import resource

    env = {**os.environ, "CARTPLAN_USER": "bench"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cartplan",
            "plan",
            "import",
            str(csv_path),
            "--db",
            url,
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"plan import failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, cpu, proc.stdout


def time_baseline(csv_path: Path, url: str, rows: int) -> float:
    """Seconds for the first `rows` rows, one `plan new` use case call each."""
    from cartplan.services import plan_import, plans

    table_rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    header, body = table_rows[0], table_rows[1 : rows + 1]
    from cartplan.sources.csv_table import Row

    cols = plan_import.columns(Row(1, header), str(csv_path))
    site = plan_import.Site(today=TODAY)
    now = datetime.now(UTC).replace(microsecond=0)
    with plans.store(url) as db:
        t = time.perf_counter()
        for k, cells in enumerate(body):
            args = plan_import.row_args(cols, Row(k + 2, cells), site)
            plans.new(db, args, "bench", None, now)
        return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--baseline-rows", type=int, default=500)
    args = parser.parse_args()
    admin = os.environ.get("CARTPLAN_TEST_PG_URL")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.environ.setdefault("CARTPLAN_CACHE_DIR", str(tmp / "cache"))
        csv_path = tmp / "plans.csv"
        write_csv(csv_path, args.rows)
        print(
            f"plan import of {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB CSV, "
            f"{os.cpu_count()} CPUs); target < {TARGET_S:g} s"
        )
        try:
            for label, kind in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
                if kind == "postgresql" and admin is None:
                    print(f"  {label:10}  skipped (set CARTPLAN_TEST_PG_URL, see .ci/postgres.sh)")
                    continue
                seconds, cpu, out = time_import(csv_path, fresh(kind, tmp, admin))
                imported = out.count('"plan_id"')
                base = time_baseline(csv_path, fresh(kind, tmp, admin), args.baseline_rows)
                base_rate = args.baseline_rows / base
                verdict = "meets" if seconds < TARGET_S and imported == args.rows else "MISSES"
                print(
                    f"  {label:10}  import {seconds:6.1f} s, {imported / seconds:7.0f} rows/s "
                    f"({imported:,} plans; {verdict} the target; CPU {cpu:.1f} s in cartplan, "
                    f"load average {os.getloadavg()[0]:.1f})"
                )
                print(
                    f"  {'':10}  baseline, one plan new call per row: {base_rate:7.0f} rows/s "
                    f"(first {args.baseline_rows} rows in {base:.1f} s; {args.rows:,} rows would "
                    f"take {args.rows / base_rate:.0f} s) -> import is "
                    f"{(imported / seconds) / base_rate:.1f}x faster"
                )
        finally:
            drop_all(admin)


if __name__ == "__main__":
    main()
