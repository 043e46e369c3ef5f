"""The issue's scripted story, on SQLite and on PostgreSQL: create a plan; apheresis done a day
late moves what follows (shown first with --dry-run, which saves nothing); the infusion deferred
two days with a reason; a follow-up cancelled; the history says who, when, what and why; verify
passes; the database refuses edits and deletions of audit rows; and after forcing an edit with
the trigger dropped, verify fails and names the entry."""

from __future__ import annotations

import json

from tests.conftest import Run
from tests.store.conftest import Store, new_plan, ok


def events(run: Run, plan: str) -> dict[str, dict[str, object]]:
    body = json.loads(ok(run("plan", "show", plan, "--format", "json")).out)
    return {e["id"]: e for e in body["events"]}


def test_the_story(run: Run, store: Store) -> None:
    plan = new_plan(run)
    before = events(run, plan)
    assert before["apheresis"]["start"] == "2025-05-22"
    assert before["infusion"]["start"] == "2025-06-16"

    # apheresis done a day late: first the preview, which saves nothing
    late = (
        "plan",
        "record",
        plan,
        "apheresis",
        "--status",
        "done",
        "--date",
        "2025-05-23",
        "--reason",
        "apheresis slot moved by the unit",
        "--today",
        "2025-05-23",
    )
    preview = ok(run(*late, "--dry-run"))
    assert "apheresis: Thu 22 May 2025 → Fri 23 May 2025 (+1 d); planned → done" in preview.out
    assert "infusion: Mon 16 Jun 2025 → Tue 17 Jun 2025 (+1 d)" in preview.out
    assert "dry run: nothing saved" in preview.out
    assert json.loads(ok(run("plan", "show", plan, "--format", "json")).out)["revision"] == 1
    saved = ok(run(*late, "--by", "alice", "--if-revision", "1"))
    change_set = preview.out.rsplit("dry run:", 1)[0]
    assert saved.out == change_set + f"saved: plan {plan} revision 2\n"
    after = events(run, plan)
    assert after["apheresis"]["status"] == "done"
    assert after["apheresis"]["actual"] == {"start": "2025-05-23", "end": "2025-05-23"}
    assert after["manufacturing"]["start"] == "2025-05-24"
    assert after["infusion"]["start"] == "2025-06-17"

    # the infusion deferred two days (48 h afebrile rule)
    ok(
        run(
            "plan",
            "record",
            plan,
            "infusion",
            "--status",
            "deferred",
            "--date",
            "2025-06-19",
            "--reason",
            "fever: 48 h afebrile rule",
            "--by",
            "bob",
            "--today",
            "2025-06-17",
        )
    )
    after = events(run, plan)
    assert after["infusion"]["start"] == "2025-06-19"
    assert after["infusion"]["status"] == "deferred"
    assert after["infusion"]["day"] == 0
    assert after["fu-d14"]["start"] == "2025-07-03"

    # a follow-up cancelled
    ok(
        run(
            "plan",
            "record",
            plan,
            "fu-d7",
            "--status",
            "cancelled",
            "--reason",
            "seen at D14 instead",
            "--by",
            "carol",
            "--today",
            "2025-06-20",
        )
    )
    assert events(run, plan)["fu-d7"]["status"] == "cancelled"

    # history: who, when, what, why for each change
    history = json.loads(ok(run("plan", "history", plan, "--format", "json")).out)
    assert [(h["revision"], h["action"], h["by"]) for h in history] == [
        (1, "create", "alice"),
        (2, "record", "alice"),
        (3, "record", "bob"),
        (4, "record", "carol"),
    ]
    deferral = history[2]
    assert deferral["reason"] == "fever: 48 h afebrile rule"
    assert deferral["fact"] == {
        "step": "infusion",
        "status": "deferred",
        "date": "2025-06-19",
        "reason": "fever: 48 h afebrile rule",
        "cascade": "downstream",
    }
    moved = {c["step"]: c for c in deferral["changes"]}
    assert moved["infusion"]["old"]["start"] == "2025-06-17"
    assert moved["infusion"]["new"]["start"] == "2025-06-19"
    assert moved["fu-d7"]["why"] == "follows infusion (deferred)"
    assert all(h["at"].endswith("Z") for h in history)
    table = ok(run("plan", "history", plan)).out
    assert "#4  revision 4  record  by carol" in table
    assert "fu-d7: planned → cancelled — fu-d7 cancelled: seen at D14 instead" in table

    # the trail is intact
    assert ok(run("plan", "verify")).out == "audit trail intact: 1 plans, 4 entries\n"
    assert ok(run("plan", "verify", plan)).code == 0


def test_audit_rows_cannot_be_edited_or_deleted_and_forced_edits_are_found(
    run: Run, store: Store
) -> None:
    plan = new_plan(run)
    ok(
        run(
            "plan",
            "record",
            plan,
            "fu-d7",
            "--status",
            "cancelled",
            "--reason",
            "not needed",
            "--by",
            "bob",
        )
    )
    ok(
        run(
            "plan",
            "record",
            plan,
            "fu-d14",
            "--status",
            "cancelled",
            "--reason",
            "not needed",
            "--by",
            "bob",
        )
    )
    for statement in (
        "UPDATE audit SET by = 'mallory' WHERE entry = 2",
        "DELETE FROM audit WHERE entry = 3",
        "UPDATE revisions SET content = '{}' WHERE revision = 2",
        "DELETE FROM facts",
    ):
        try:
            store.sql(statement)
        except Exception as e:  # noqa: BLE001 - sqlite3 or psycopg error
            assert "append-only" in str(e), str(e)
        else:
            raise AssertionError(f"the database accepted: {statement}")
    assert ok(run("plan", "verify")).code == 0

    # someone with the rights drops the trigger and edits an entry
    if store.kind == "sqlite":
        store.sql("DROP TRIGGER audit_no_update")
    else:
        store.sql("DROP TRIGGER audit_append_only ON audit")
    store.sql("UPDATE audit SET by = 'mallory' WHERE entry = 2")
    failed = run("plan", "verify")
    assert failed.code == 8
    assert f"plan {plan} (P-017): audit entry 2 (record by mallory" in failed.err
    assert "does not match its hash: changed after it was written" in failed.err
    assert run("plan", "verify", plan).code == 8


def test_a_deleted_entry_is_found_even_without_triggers(run: Run, store: Store) -> None:
    plan = new_plan(run)
    for step in ("fu-d7", "fu-d14", "fu-d28"):
        ok(run("plan", "record", plan, step, "--status", "cancelled", "--reason", "n/a"))
    if store.kind == "sqlite":
        store.sql("DROP TRIGGER audit_no_delete")
    else:
        store.sql("DROP TRIGGER audit_append_only ON audit")
    store.sql("DELETE FROM audit WHERE entry = 2")
    failed = run("plan", "verify")
    assert failed.code == 8
    assert "audit entry 2 is missing" in failed.err


def test_a_revision_changed_behind_the_trail_is_found(run: Run, store: Store) -> None:
    plan = new_plan(run)
    ok(run("plan", "record", plan, "fu-d7", "--status", "cancelled", "--reason", "n/a"))
    if store.kind == "sqlite":
        store.sql("DROP TRIGGER revisions_no_update")
    else:
        store.sql("DROP TRIGGER revisions_append_only ON revisions")
    store.sql(
        "UPDATE revisions SET content = replace(content, 'cancelled', 'planned') WHERE revision = 2"
    )
    failed = run("plan", "verify")
    assert failed.code == 8
    assert "audit entry 2" in failed.err and "revision 2 does not match" in failed.err
