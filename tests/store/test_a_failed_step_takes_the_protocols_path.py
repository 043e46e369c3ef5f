"""A failed step: the protocol's path (on_failure: repeat from an earlier step, e.g. a new
apheresis after a failed manufacturing) is planned, or, when the protocol has none, the plan says
so and nothing downstream moves. A change that leaves no plan is refused and nothing is saved."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import Run
from tests.store.conftest import Store, new_plan, ok

SHIPPED = Path(__file__).parents[2] / "protocols" / "lupus-flucy.yaml"


def with_recollection(tmp_path: Path) -> Path:
    """lupus-flucy with a re-collection path: a new apheresis at least 14 days after a failed
    manufacturing (a test protocol: the shipped ones define no such path)."""
    data = yaml.safe_load(SHIPPED.read_text())
    for step in data["steps"]:
        if step["id"] == "manufacturing":
            step["on_failure"] = {
                "repeat_from": "apheresis",
                "after": 14,
                "note": "Second leukapheresis once the patient has recovered.",
                "assumption": "test path",
            }
    path = tmp_path / "lupus-flucy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def shown(run: Run, plan: str) -> dict[str, dict[str, object]]:
    body = json.loads(ok(run("plan", "show", plan, "--format", "json")).out)
    return {e["id"]: e for e in body["events"]}


def test_without_a_path_the_plan_says_so_and_nothing_moves(run: Run, store: Store) -> None:
    plan = new_plan(run)
    before = shown(run, plan)
    result = ok(
        run(
            "plan",
            "record",
            plan,
            "manufacturing",
            "--status",
            "failed",
            "--date",
            "2025-05-30",
            "--reason",
            "no expansion",
            "--today",
            "2025-05-30",
        )
    )
    assert "gives no path after a failed manufacturing" in result.out
    after = shown(run, plan)
    assert after["manufacturing"]["status"] == "failed"
    assert after["infusion"]["start"] == before["infusion"]["start"]


def test_a_failed_manufacturing_repeats_the_apheresis(
    run: Run, store: Store, tmp_path: Path
) -> None:
    protocol = with_recollection(tmp_path)
    plan = ok(
        run(
            "plan",
            "new",
            "-p",
            str(protocol),
            "--start",
            "2025-05-01",
            "--today",
            "2025-04-01",
            "--label",
            "P-9",
        )
    ).out.strip()
    ok(
        run(
            "plan",
            "record",
            plan,
            "apheresis",
            "--status",
            "done",
            "--date",
            "2025-05-22",
            "--reason",
            "as planned",
            "--today",
            "2025-05-22",
        )
    )
    result = ok(
        run(
            "plan",
            "record",
            plan,
            "manufacturing",
            "--status",
            "failed",
            "--date",
            "2025-05-30",
            "--reason",
            "no expansion",
            "--today",
            "2025-05-30",
        )
    )
    assert "the protocol repeats from apheresis, from Fri 13 Jun 2025 at the earliest" in result.out
    after = shown(run, plan)
    assert after["apheresis"]["start"] == "2025-06-13"  # 30 May + 14 days, a Friday
    assert after["apheresis"]["status"] == "planned"  # the second collection
    assert after["manufacturing"]["start"] == "2025-06-14"
    assert after["infusion"]["start"] > "2025-07-01"
    assert after["washout"]["start"] == "2025-05-01"  # the washout simply goes on
    history = json.loads(ok(run("plan", "history", plan, "--format", "json")).out)
    assert history[-1]["fact"]["status"] == "failed"
    assert any(c["step"] == "apheresis" for c in history[-1]["changes"])


def test_a_change_that_leaves_no_plan_is_refused_and_nothing_saved(run: Run, store: Store) -> None:
    plan = new_plan(run)
    refused = run(
        "plan",
        "record",
        plan,
        "infusion",
        "--status",
        "deferred",
        "--date",
        "2025-06-02",
        "--reason",
        "earlier slot",
        "--today",
        "2025-04-01",
    )
    assert refused.code == 3
    assert "infusion deferred: refused, nothing was saved — it leaves no plan" in refused.err
    assert "constraint ld-after-release" in refused.err
    body = json.loads(ok(run("plan", "show", plan, "--format", "json")).out)
    assert body["revision"] == 1
    assert len(json.loads(ok(run("plan", "history", plan, "--format", "json")).out)) == 1


def test_facts_that_cannot_be_are_bad_input(run: Run, store: Store) -> None:
    plan = new_plan(run)
    cases = [
        (("nosuchstep", "--status", "done"), "the plan has no step 'nosuchstep'"),
        (("infusion", "--status", "deferred"), "give the day"),
        (("fu-d7", "--status", "cancelled", "--date", "2025-06-01"), "leave out --date"),
        (("apheresis", "--status", "done", "--date", "2025-05-22"), "after today"),
    ]
    for args, words in cases:
        result = run("plan", "record", plan, *args, "--reason", "x", "--today", "2025-04-01")
        assert result.code == 2, result
        assert words in result.err
    assert run("plan", "record", plan, "fu-d7", "--status", "done").code == 2  # no --reason
