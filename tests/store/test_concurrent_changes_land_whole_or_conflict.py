"""Optimistic concurrency: 20 `record` processes on one plan at once each either land or get
the conflict error (exit 7) with nothing written; the history is exactly the ones that landed;
verify passes. Processes writing different plans at once all succeed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import Run
from tests.store.conftest import Store, new_plan, ok

FOLLOW_UPS = [
    "fu-m2",
    "fu-m3",
    "fu-m4",
    "fu-m5",
    "fu-m6",
    "fu-m7",
    "fu-m8",
    "fu-m9",
    "fu-m10",
    "fu-m11",
    "fu-m12",
    "fu-m18",
    "fu-m24",
    "ltfu-y3",
    "ltfu-y4",
    "ltfu-y5",
    "ltfu-y6",
    "ltfu-y7",
    "ltfu-y8",
    "ltfu-y9",
]


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cartplan", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def test_twenty_records_on_one_plan_land_or_conflict(run: Run, store: Store) -> None:
    plan = new_plan(run)
    procs = {
        f"user{i:02d}": start(
            "plan",
            "record",
            plan,
            step,
            "--status",
            "cancelled",
            "--reason",
            f"reason {i}",
            "--by",
            f"user{i:02d}",
            "--today",
            "2025-04-01",
        )
        for i, step in enumerate(FOLLOW_UPS)
    }
    landed, conflicts = set(), set()
    for who, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode in (0, 7), (who, proc.returncode, err)
        if proc.returncode == 0:
            landed.add(who)
            assert "saved: plan" in out
        else:
            conflicts.add(who)
            assert "changed while this change was worked out" in err and "nothing was" in err
            assert out == ""
    assert landed, "no change landed"
    history = json.loads(ok(run("plan", "history", plan, "--format", "json")).out)
    records = [h for h in history if h["action"] == "record"]
    assert {h["by"] for h in records} == landed
    assert len(records) == len(landed)
    assert [h["revision"] for h in history] == list(range(1, len(landed) + 2))
    shown = json.loads(ok(run("plan", "show", plan, "--format", "json")).out)
    cancelled = {e["id"] for e in shown["events"] if e["status"] == "cancelled"}
    assert cancelled == {FOLLOW_UPS[int(who[4:])] for who in landed}
    assert ok(run("plan", "verify")).code == 0
    print(f"{store.kind}: {len(landed)} landed, {len(conflicts)} conflicts")


def test_writers_of_different_plans_all_succeed(run: Run, store: Store) -> None:
    plans = [new_plan(run, label=f"P-{i}") for i in range(6)]
    procs = [
        start(
            "plan",
            "record",
            p,
            "apheresis",
            "--status",
            "done",
            "--date",
            "2025-05-23",
            "--reason",
            "late slot",
            "--today",
            "2025-05-23",
        )
        for p in plans
    ] + [
        start(
            "plan",
            "new",
            "-p",
            "lupus-flucy",
            "--start",
            "2025-05-01",
            "--label",
            f"Q-{i}",
            "--today",
            "2025-04-01",
        )
        for i in range(6)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    listed = json.loads(ok(run("plan", "list", "--format", "json")).out)
    assert len(listed) == 12
    assert ok(run("plan", "verify")).out == "audit trail intact: 12 plans, 18 entries\n"


def test_a_change_computed_from_an_old_revision_is_refused(run: Run, store: Store) -> None:
    plan = new_plan(run)
    ok(run("plan", "record", plan, "fu-d7", "--status", "cancelled", "--reason", "n/a"))
    stale = run(
        "plan",
        "record",
        plan,
        "fu-d14",
        "--status",
        "cancelled",
        "--reason",
        "n/a",
        "--if-revision",
        "1",
    )
    assert stale.code == 7
    assert "is at revision 2, not 1" in stale.err
    history = json.loads(ok(run("plan", "history", plan, "--format", "json")).out)
    assert len(history) == 2
