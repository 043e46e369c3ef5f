"""`plan migrate` moves a live plan to a new protocol version: recorded facts and cancellations
of steps that still exist are kept, steps the new version dropped leave the plan (and its
calendars), and events of steps that remain keep their UIDs."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import yaml

from tests.conftest import Run
from tests.store.conftest import Store, new_plan, ok

SHIPPED = Path(__file__).parents[2] / "protocols" / "lupus-flucy.yaml"


def next_version(tmp_path: Path) -> Path:
    data = yaml.safe_load(SHIPPED.read_text())
    data["version"] = "2.1.0"
    data["steps"] = [s for s in data["steps"] if s["id"] != "fu-m5"]
    for p in data["parameters"]:
        if p["name"] == "qc_days":
            p["default"] = 9
    path = tmp_path / "lupus-flucy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_migrate(run: Run, store: Store, tmp_path: Path) -> None:
    plan = new_plan(run)
    ok(run("plan", "record", plan, "fu-d7", "--status", "cancelled", "--reason", "n/a"))
    ok(run("plan", "export", plan, "--ics", str(tmp_path / "plan.ics")))
    before = {
        str(e["uid"])
        for e in icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes()).walk("VEVENT")
    }
    new = next_version(tmp_path)
    wrong = run(
        "plan", "migrate", plan, "--to-version", "3.0.0", "--from", str(new), "--reason", "x"
    )
    assert wrong.code == 2 and "is version 2.1.0" in wrong.err
    preview = ok(
        run(
            "plan",
            "migrate",
            plan,
            "--to-version",
            "2.1.0",
            "--from",
            str(new),
            "--reason",
            "protocol amendment 3",
            "--dry-run",
            "--today",
            "2025-04-01",
        )
    )
    assert "fu-m5: leaves the plan" in preview.out
    assert "release:" in preview.out and "protocol lupus-flucy 2.0.0 -> 2.1.0" in preview.out
    ok(
        run(
            "plan",
            "migrate",
            plan,
            "--to-version",
            "2.1.0",
            "--from",
            str(new),
            "--reason",
            "protocol amendment 3",
            "--by",
            "dana",
            "--today",
            "2025-04-01",
        )
    )
    body = json.loads(ok(run("plan", "show", plan, "--format", "json")).out)
    assert body["protocol"]["version"] == "2.1.0"
    events = {e["id"]: e for e in body["events"]}
    assert "fu-m5" not in events
    assert events["fu-d7"]["status"] == "cancelled"
    ok(run("plan", "export", plan, "--ics", str(tmp_path / "plan.ics")))
    after = {
        str(e["uid"])
        for e in icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes()).walk("VEVENT")
    }
    assert len(before - after) == 1 and after <= before  # fu-m5 removed, the rest kept
    history = json.loads(ok(run("plan", "history", plan, "--format", "json")).out)
    assert history[-1]["action"] == "migrate" and history[-1]["by"] == "dana"
    assert history[-1]["protocol"]["version"] == "2.1.0"
    assert ok(run("plan", "verify")).code == 0
    # an earlier revision still shows the plan on its old version
    old = json.loads(ok(run("plan", "show", plan, "--revision", "2", "--format", "json")).out)
    assert old["protocol"]["version"] == "2.0.0"


def test_close_frees_the_label(run: Run, store: Store) -> None:
    plan = new_plan(run)
    taken = run("plan", "new", "-p", "lupus-flucy", "--start", "2025-05-01", "--label", "P-017")
    assert taken.code == 2 and f"already the label of active plan {plan}" in taken.err
    ok(run("plan", "close", plan, "--status", "stopped", "--reason", "patient withdrew"))
    assert run("plan", "record", plan, "fu-d7", "--status", "cancelled", "--reason", "x").code == 2
    listed = json.loads(ok(run("plan", "list", "--status", "all", "--format", "json")).out)
    assert [(p["plan_id"], p["status"]) for p in listed] == [(plan, "stopped")]
    assert set(listed[0]) >= {"plan_id", "label", "protocol", "status", "day0"}
    again = new_plan(run)
    assert again != plan
    assert json.loads(ok(run("plan", "list", "--format", "json")).out)[0]["plan_id"] == again
