"""Benchmark: the centre's view over a full store, on SQLite and on PostgreSQL.

Run: python benchmarks/agenda.py [--plans 10000] [--month 2026-01] [--runs 5]

- Fills a new store with N active plans of lupus-flucy (default 10,000, about 46 events each:
  ~460,000 indexed events), their starts spread over two years (2025-2026), through the repo's
  own writing path (repo.create -> _append_rows, so the agenda index is written as in real use)
  in one transaction.
Wall-clock medians, and the process's CPU time next to them (on a shared, loaded machine the
wall clock also counts the time other processes held the CPU).

- `agenda` over a 31-day month (default January 2026): the use case (one indexed query, the
  loads and clashes of three resources) and the JSON and table outputs built from it; median of
  --runs runs. Target < 2 s.
- `plan new --fit` of one new plan against the stored plans: the earliest start that fits
  (every candidate start planned and checked), for seven asked starts in a row (the site's
  capacities are set so that some fit as asked and some move). Target < 1 s.

PostgreSQL runs when CARTPLAN_TEST_PG_URL names a server (a superuser URL; a throw-away
database is made and dropped); otherwise its figures print "skipped".
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "src"))

SITE = """\
name: Benchmark centre
resources:
  apheresis-chair: {capacity: 14, per: day, steps: [apheresis]}
  ward-bed: {capacity: 290, per: day, steps: [lymphodepletion, infusion, crs-watch]}
  manufacturing: {capacity: 100, per: week, steps: [manufacturing], start_only: true}
"""


def fill(url: str, n: int) -> float:
    """N plans in one transaction through repo.create; seconds taken."""
    from cartplan.schedule import planner
    from cartplan.services import plans
    from cartplan.sources import catalogue
    from cartplan.store import db as store_db
    from cartplan.store import repo
    from cartplan.store.records import AuditDetail, Request
    from cartplan.store.url import resolve

    protocol = catalogue.load("lupus-flucy")
    digest, snapshot = plans._snapshot_of(protocol)
    first = date(2025, 1, 1)
    days = [first + timedelta(days=i) for i in range(730)]
    contents: dict[date, tuple[str, str]] = {}
    for d in days:
        plan = planner.schedule(protocol, start=d)
        contents[d] = (plans._dump(plans.stored_of(plan, {}, "active")), plan.day0.isoformat())
    detail = plans._dump(
        AuditDetail(protocol={"id": protocol.id, "version": protocol.version, "digest": digest})
    )
    at = "2025-01-01T00:00:00Z"
    t = time.perf_counter()
    db = store_db.connect(resolve(url))
    try:
        with db.writing():
            for i in range(n):
                d = days[(i * 7919) % len(days)]
                content, day0 = contents[d]
                request = plans._dump(Request(protocol=protocol.id, start=d))
                new = repo.NewRevision(
                    snapshot=digest,
                    content=content,
                    at=at,
                    by="bench",
                    action="create",
                    reason=None,
                    detail=detail,
                    status="active",
                    day0=day0,
                    protocol_version=protocol.version,
                )
                repo.create(
                    db, secrets.token_hex(8), f"B-{i:05d}", protocol.id, snapshot, request, new
                )
        db.run("ANALYZE")  # statistics for the query planners, as a live store gathers them
    finally:
        db.close()
    return time.perf_counter() - t


def measure(url: str, month: date, runs: int, site: Path) -> dict[str, float | int | str]:
    from cartplan.agenda.load import per_day
    from cartplan.exports import agenda as agenda_json
    from cartplan.services import agenda
    from cartplan.services import site as site_file
    from cartplan.services.planning import PlanArgs
    from cartplan.store import db as store_db
    from cartplan.store.url import resolve
    from cartplan.views import agenda as agenda_view

    found = site_file.load(site)
    last = date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)
    db = store_db.connect(resolve(url))
    out: dict[str, float | int | str] = {}
    try:
        rows = db.one("SELECT count(*) FROM agenda_spans")
        out["indexed events"] = int(rows[0]) if rows else 0
        use, js, table, cpu, table_cpu = [], [], [], [], []
        for _ in range(runs):
            c = time.process_time()
            t = time.perf_counter()
            a = agenda.agenda(db, month, last, found)
            t1 = time.perf_counter()
            use_cpu = time.process_time() - c
            agenda_json.to_json(a, found.site.name if found else None)
            t2 = time.perf_counter()
            cpu.append(time.process_time() - c)
            c2 = time.process_time()
            view = agenda_view.View(
                a.first,
                a.last,
                per_day(a.spans, a.capacities, a.first, a.last),
                a.loads,
                a.clashes,
                a.labels,
                None,
            )
            agenda_view.to_text(view)
            t3 = time.perf_counter()
            table_cpu.append(use_cpu + time.process_time() - c2)
            use.append(t1 - t)
            js.append(t2 - t)
            table.append((t1 - t) + (t3 - t2))
        out["events in the month"] = len(a.spans)
        out["event-days in the month"] = len(per_day(a.spans, a.capacities, a.first, a.last))
        out["clashes in the month"] = len(a.clashes)
        out["agenda use case (s)"] = statistics.median(use)
        out["agenda --format json (s)"] = statistics.median(js)
        out["agenda --format json, CPU time of this process (s)"] = statistics.median(cpu)
        out["agenda table (s)"] = statistics.median(table)
        out["agenda table, CPU time of this process (s)"] = statistics.median(table_cpu)
        args = PlanArgs(
            protocol="lupus-flucy",
            start=(month + timedelta(days=-40)).isoformat(),
            infusion=None,
            sets=None,
            country=None,
            subdiv=None,
            closures=None,
            tz=None,
            patient=None,
            label="FIT-1",
            sex=None,
            age=None,
            birth_date=None,
            weight_kg=None,
            height_cm=None,
            creatinine=None,
            crcl_ml_min=None,
            disease=None,
            cns_involvement=False,
            medication=None,
            name=None,
            mrn=None,
            bsa_formula=None,
            crcl_weight=None,
            include_phi=False,
            today="2025-01-01",
        )
        fits, moved, fit_cpu = [], [], []
        for n in range(7):  # a week of asked starts: some fit as asked, some move
            asked = month + timedelta(days=-40 + n)
            c = time.process_time()
            t = time.perf_counter()
            _, result = agenda.fit(db, args._replace(start=asked.isoformat()), found)
            fits.append(time.perf_counter() - t)
            fit_cpu.append(time.process_time() - c)
            moved.append(result.moved)
        out["--fit median (s)"] = statistics.median(fits)
        out["--fit slowest (s)"] = max(fits)
        out["--fit median, CPU time of this process (s)"] = statistics.median(fit_cpu)
        out["--fit moved (days, per asked start)"] = ", ".join(map(str, moved))
        from cartplan.i18n import render

        out["--fit says (last)"] = render(result.why)
    finally:
        db.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--month", default="2026-01")
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    month = date.fromisoformat(opts.month + "-01")
    os.environ.setdefault("CARTPLAN_CACHE", "off")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site.yaml"
        site.write_text(SITE, encoding="utf-8")
        kinds: list[tuple[str, str | None]] = [("sqlite", f"sqlite:///{tmp}/bench.db")]
        admin = os.environ.get("CARTPLAN_TEST_PG_URL")
        name = f"cartplan_bench_{secrets.token_hex(4)}"
        if admin:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            kinds.append(("postgresql", f"{admin.rpartition('/')[0]}/{name}"))
        else:
            kinds.append(("postgresql", None))
        try:
            for kind, url in kinds:
                print(f"== {kind}")
                if url is None:
                    print("   skipped (set CARTPLAN_TEST_PG_URL, see .ci/postgres.sh)")
                    continue
                print(f"   fill {opts.plans} plans: {fill(url, opts.plans):.1f} s")
                for key, value in measure(url, month, opts.runs, site).items():
                    if isinstance(value, float):
                        goal = " (target < 2 s)" if "agenda" in key else " (target < 1 s)"
                        print(f"   {key}: {value:.3f}{goal}")
                    else:
                        print(f"   {key}: {value}")
        finally:
            if admin:
                import psycopg

                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
