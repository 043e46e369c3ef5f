"""Benchmark: how fast plans are made, each figure next to its baseline measured in the same run.

Run: python benchmarks/planning.py [--seconds 2] [--runs 15] [--baseline REV]

- Plans per second in one process (lupus-flucy, a spread of two years of start days, and of
  working infusion days for backward plans), Monday-Friday and with Germany's holidays.
  Goals: forward >= 5,000 plans/s, backward >= 500 plans/s.
- A backward plan a drug's washout makes impossible (natalizumab), in ms: the error path.
- Cold start, fresh processes, interleaved, medians: `cartplan schedule -p lupus-flucy --start
  2025-05-01` against a bare typer command taking the same two options (goal <= 1.15x), and the
  same command with `--country DE` against it without (goal <= 1.15x).

With --baseline REV (e.g. main, HEAD~3) the same figures are measured for that git revision of
cartplan (exported to a temporary folder and imported from there), interleaved with this tree's.
The caches (protocols, holidays) live in a temporary folder, warmed once, never the user's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
BARE = """\
import typer

app = typer.Typer()


@app.command()
def schedule(protocol: str = "", start: str = "") -> None:
    print(protocol, start)


app()
"""
# The same, declaring as many options of the same types as `schedule` does: typer builds a
# converter for every declared option on every run, so this shows what the options alone cost.
_WIDE_TYPES = ["str | None"] * 17 + ["list[str] | None"] * 3 + ["Path | None"] * 4
_WIDE_TYPES += ["int | None", "float | None", "float | None", "float | None", "bool", "bool"]
BARE_WIDE = (
    "from enum import Enum\nfrom pathlib import Path\n\nimport typer\n\napp = typer.Typer()\n\n"
    "class Fmt(str, Enum):\n    table = 'table'\n    json = 'json'\n\n\n"
    "@app.command()\ndef schedule(protocol: str = '', start: str = '', fmt: Fmt = Fmt.table, "
    + ", ".join(
        f"o{k}: {t} = {'False' if t == 'bool' else 'None'}" for k, t in enumerate(_WIDE_TYPES)
    )
    + ") -> None:\n    print(protocol, start)\n\n\napp()\n"
)
COMMAND = ["schedule", "-p", "lupus-flucy", "--start", "2025-05-01"]


def throughput(seconds: float) -> dict[str, float]:
    """Plans per second of the cartplan on sys.path (run in a child process per tree)."""
    from cartplan.errors import InfeasiblePlanError
    from cartplan.patient.model import Patient
    from cartplan.schedule import planner
    from cartplan.sources import catalogue
    from cartplan.sources.site_calendar import SiteCalendar

    protocol = catalogue.load("lupus-flucy")
    first = date(2025, 1, 1)
    out: dict[str, float] = {}
    for label, cal in (("plain", SiteCalendar()), ("DE", SiteCalendar("DE"))):
        starts = [first + timedelta(days=k) for k in range(730)]
        infusions = [
            d + timedelta(days=60) for d in starts if cal.closed(d + timedelta(60)) is None
        ]
        for mode, days, key in (("forward", starts, "start"), ("backward", infusions, "infusion")):
            for d in days[:20]:  # the per-protocol set-up, once
                planner.schedule(protocol, calendar=cal, **{key: d})
            n, t0 = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - t0) < seconds:
                planner.schedule(protocol, calendar=cal, **{key: days[n % len(days)]})
                n += 1
            out[f"{mode} {label}"] = n / elapsed
    patient = Patient.model_validate(
        {"label": "P", "medications": [{"drug": "natalizumab", "last_dose": "2025-05-01"}]}
    )
    table = catalogue.washout_table()
    times = []
    for k in range(3):
        t0 = time.perf_counter()
        try:
            planner.schedule(
                protocol, infusion=date(2025, 6, 10 + k), patient=patient, washout=table
            )
        except InfeasiblePlanError:
            pass
        times.append(time.perf_counter() - t0)
    out["backward impossible (ms)"] = statistics.median(times) * 1000
    return out


def child_env(tree: Path | None, cache: Path) -> dict[str, str]:
    # As on a user's machine: bytecode caches are written on the first run and used after it
    # (this workplace sets PYTHONDONTWRITEBYTECODE, which would make every run compile our source).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["CARTPLAN_CACHE_DIR"] = str(cache)
    if tree is not None:
        env["PYTHONPATH"] = str(tree / "src")
    return env


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t


def cold_start(runs: int, trees: dict[str, Path | None], cache: Path, tmp: Path) -> None:
    bare, wide = tmp / "bare.py", tmp / "wide.py"
    bare.write_text(BARE)
    wide.write_text(BARE_WIDE)
    py = sys.executable
    two = ["--protocol", "lupus-flucy", "--start", "x"]
    cmds: dict[str, tuple[list[str], dict[str, str]]] = {
        "bare typer command": ([py, str(bare), *two], child_env(None, cache)),
        f"bare, {len(_WIDE_TYPES) + 3} options": ([py, str(wide), *two], child_env(None, cache)),
    }
    for name, tree in trees.items():
        env = child_env(tree, cache)
        cmds[f"{name}: schedule"] = ([py, "-m", "cartplan", *COMMAND], env)
        cmds[f"{name}: schedule --country DE"] = (
            [py, "-m", "cartplan", *COMMAND, "--country", "DE"],
            env,
        )
    for cmd, env in cmds.values():  # bytecode, protocol and holiday caches written once
        timed(cmd, env)
    samples: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for k, (cmd, env) in cmds.items():
            samples[k].append(timed(cmd, env))
    med = {k: statistics.median(v) for k, v in samples.items()}
    bare_ms = med["bare typer command"]
    wide_ms = med[f"bare, {len(_WIDE_TYPES) + 3} options"]
    print(f"cold start, median of {runs} fresh processes each, interleaved:")
    for k, v in med.items():
        print(f"  {k:38} {v * 1000:7.1f} ms")
    for name in trees:
        plain, de = med[f"{name}: schedule"], med[f"{name}: schedule --country DE"]
        print(
            f"  {name}: schedule / bare typer {plain / bare_ms:5.2f}x (goal <= 1.15x);"
            f"  --country DE / plain {de / plain:5.2f}x (goal <= 1.15x)"
        )
    print(
        f"  (the options alone: a bare command with schedule's options / bare"
        f" {wide_ms / bare_ms:.2f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--baseline", metavar="REV", help="a git revision to measure alongside")
    parser.add_argument("--throughput-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.throughput_json:
        print(json.dumps(throughput(args.seconds)))
        return
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        cache = tmp / "cache"
        trees: dict[str, Path | None] = {"this tree": None}
        if args.baseline:
            base = tmp / "baseline"
            base.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(HERE), "archive", args.baseline, "src"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
            trees[args.baseline] = base
        figures: dict[str, list[dict[str, float]]] = {k: [] for k in trees}
        for _ in range(2):  # interleaved: both trees see the same machine load
            for k, tree in trees.items():
                proc = subprocess.run(
                    [sys.executable, __file__, "--throughput-json", "--seconds", str(args.seconds)],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=child_env(tree, cache),
                )
                figures[k].append(json.loads(proc.stdout))
        print("plans per second in one process (lupus-flucy; best of 2 runs):")
        for k, runs in figures.items():
            best = {m: max(r[m] for r in runs) for m in runs[0] if "ms" not in m}
            slow = min(r["backward impossible (ms)"] for r in runs)
            print(
                f"  {k:12} forward {best['forward plain']:7.0f} (DE {best['forward DE']:7.0f})"
                f"   backward {best['backward plain']:6.0f} (DE {best['backward DE']:6.0f})"
                f"   impossible backward plan {slow:7.1f} ms"
            )
        print("  goals: forward >= 5,000 plans/s, backward >= 500 plans/s")
        cold_start(args.runs, trees, cache, tmp)


if __name__ == "__main__":
    main()
