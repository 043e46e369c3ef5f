"""Benchmark: cold start of `cartplan schedule` and `cartplan plan show` (a stored plan, SQLite)
against a bare typer command, and plans/second.

Run: python benchmarks/startup.py [--runs N]
Both commands are timed in the same run, interleaved, as fresh processes; medians are compared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BARE = """\
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(name)


app()
"""


# As on a user's machine: bytecode caches are written on the first run and used after it
# (this workplace sets PYTHONDONTWRITEBYTECODE, which would make every run compile our source).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - t


def cold_start(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE)
        ours = [
            sys.executable,
            "-m",
            "cartplan",
            "schedule",
            "--protocol",
            "lupus-flucy",
            "--start",
            "2025-05-01",
        ]
        db = f"sqlite:///{Path(tmp) / 'plans.db'}"
        made = subprocess.run(
            [
                sys.executable,
                "-m",
                "cartplan",
                "plan",
                "new",
                "-p",
                "lupus-flucy",
                "--start",
                "2025-05-01",
                "--label",
                "BENCH-1",
                "--db",
                db,
            ],
            check=True,
            capture_output=True,
            text=True,
            env=ENV,
        )
        show = [sys.executable, "-m", "cartplan", "plan", "show", made.stdout.strip(), "--db", db]
        base = [sys.executable, str(bare), "--name", "x"]
        timed(ours), timed(show), timed(base)  # warm the file cache once
        a: list[float] = []
        b: list[float] = []
        c: list[float] = []
        for _ in range(runs):
            a.append(timed(ours))
            c.append(timed(show))
            b.append(timed(base))
    ma, mb, mc = statistics.median(a), statistics.median(b), statistics.median(c)
    print(f"cold start, median of {runs} runs each (fresh processes, interleaved):")
    print(f"  bare typer command          {mb * 1000:7.1f} ms")
    print(f"  cartplan schedule (table)   {ma * 1000:7.1f} ms")
    print(f"  ratio                       {ma / mb:7.2f}x  (goal: <= 1.30x)")
    print(f"  cartplan plan show (SQLite) {mc * 1000:7.1f} ms")
    print(f"  ratio                       {mc / mb:7.2f}x  (goal: <= 1.60x)")


def throughput(seconds: float) -> None:
    from cartplan.schedule import planner
    from cartplan.sources import catalogue
    from cartplan.sources.site_calendar import SiteCalendar

    protocol = catalogue.load("lupus-flucy")
    for label, cal in (("Mon-Fri", SiteCalendar()), ("DE-BY holidays", SiteCalendar("DE", "BY"))):
        n, t0, day = 0, time.perf_counter(), date(2025, 1, 1)
        while time.perf_counter() - t0 < seconds:
            planner.schedule(protocol, start=day + timedelta(days=n % 1500), calendar=cal)
            n += 1
        rate = n / (time.perf_counter() - t0)
        m, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            d0 = day + timedelta(days=60 + m % 1500)
            if cal.closed(d0) is None:
                planner.schedule(protocol, infusion=d0, calendar=cal)
            m += 1
        back = m / (time.perf_counter() - t0)
        print(
            f"plans per second, one process ({label}): forward {rate:8.0f}   "
            f"backward (--infusion) {back:6.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    cold_start(args.runs)
    throughput(args.seconds)


if __name__ == "__main__":
    main()
