"""A re-treatment plan (a `retreatment: true` protocol: the stored lot of an earlier plan, thawed)
is linked to that plan in the store: `plan new --after PLAN` records it in `plans.previous_plan`
(migration 0002), the thaw step notes which plan's lot it thaws, and `plan show` and its JSON
show the link. Without --after such a protocol is refused; --after with an unknown plan, or with a
protocol that makes a new product, is refused too — one line each, exit 2. On SQLite and
PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Run
from tests.store.conftest import Store, new_plan, ok

RETREAT = ("-p", "lupus-flucy-retreat", "--start", "2026-03-02", "--today", "2026-03-01")


def links(store: Store) -> dict[str, str | None]:
    """plan id -> the earlier plan it follows, as stored."""
    return dict(store.sql("SELECT plan_id, previous_plan FROM plans"))


def retreat(run: Run, *extra: str) -> str:
    out = ok(run("plan", "new", *RETREAT, "--label", "P-017-R", "--by", "alice", *extra)).out
    return out.strip()


def test_the_link_is_stored_noted_on_the_thaw_step_and_shown(run: Run, store: Store) -> None:
    first = new_plan(run)
    second = retreat(run, "--after", first)
    assert links(store) == {first: None, second: first}

    shown = json.loads(ok(run("plan", "show", second, "--format", "json")).out)
    assert shown["previous_plan"] == first
    thaw = next(e for e in shown["events"] if e["id"] == "thaw")
    assert any(first in n and "P-017" in n for n in thaw["notes"]), thaw["notes"]
    assert "previous_plan" not in json.loads(ok(run("plan", "show", first, "--format", "json")).out)

    table = ok(run("plan", "show", second)).out
    assert f"after plan {first} (P-017)" in table.splitlines()[0]


def test_the_earlier_plan_may_be_named_by_its_label(run: Run, store: Store) -> None:
    first = new_plan(run)
    second = retreat(run, "--after", "P-017")
    assert links(store)[second] == first


def refused(run: Run, *args: str) -> str:
    r = run("plan", "new", *args, "--by", "alice")
    assert r.code == 2, r
    assert r.err.startswith("cartplan: error: ") and r.err.count("\n") == 1, r.err
    return r.err


def test_a_retreatment_protocol_needs_the_earlier_plan(run: Run, store: Store) -> None:
    err = refused(run, *RETREAT, "--label", "P-017-R")
    assert "--after" in err and "lupus-flucy-retreat" in err
    assert store.sql("SELECT count(*) FROM plans") == [(0,)]


def test_an_unknown_earlier_plan_is_refused(run: Run, store: Store) -> None:
    err = refused(run, *RETREAT, "--label", "P-017-R", "--after", "no-such-plan")
    assert "no plan 'no-such-plan'" in err
    assert store.sql("SELECT count(*) FROM plans") == [(0,)]


def test_after_with_a_protocol_that_makes_a_new_product_is_refused(run: Run, store: Store) -> None:
    first = new_plan(run)
    err = refused(
        run, "-p", "lupus-flucy", "--start", "2026-03-02", "--today", "2026-03-01",
        "--label", "P-018", "--after", first,
    )  # fmt: skip
    assert "not a re-treatment protocol" in err
    assert store.sql("SELECT count(*) FROM plans") == [(1,)]


def test_a_store_at_schema_0001_gains_the_column_and_keeps_its_plans(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cartplan.store import db as store_db
    from cartplan.store import migrate
    from cartplan.store.url import resolve

    with monkeypatch.context() as m:  # a store made by the cartplan before migration 0002
        m.setattr(migrate, "HEAD", "0001")
        store_db.connect(resolve(store.url)).close()
    assert store.sql("SELECT version_num FROM alembic_version") == [("0001",)]
    store.sql(
        "INSERT INTO plans (plan_id, label, protocol_id, protocol_version, status, revision, "
        "day0, created_at, updated_at) VALUES ('p-old', 'P-OLD', 'lupus-flucy', '2.0.0', "
        "'active', 1, '2025-06-16', '2025-05-01T00:00:00Z', '2025-05-01T00:00:00Z')"
    )
    store_db.connect(resolve(store.url)).close()
    assert store.sql("SELECT version_num FROM alembic_version") == [("0003_previous_plan",)]
    assert store.sql("SELECT plan_id, previous_plan FROM plans") == [("p-old", None)]


def test_a_recorded_fact_keeps_the_thaw_note_once(run: Run, store: Store) -> None:
    first = new_plan(run)
    second = retreat(run, "--after", first)
    recorded = run(
        "plan", "record", second, "lot-release", "--status", "done", "--date", "2026-03-02",
        "--reason", "lot released", "--by", "bob", "--today", "2026-03-03",
    )  # fmt: skip
    ok(recorded)
    shown = json.loads(ok(run("plan", "show", second, "--format", "json")).out)
    assert shown["revision"] == 2
    thaw = next(e for e in shown["events"] if e["id"] == "thaw")
    assert len([n for n in thaw["notes"] if first in n]) == 1, thaw["notes"]


def test_a_lot_is_only_for_the_patient_it_was_made_from(run: Run, store: Store) -> None:
    """Sex, birth date, record number and age are compared where both plans know them."""
    first = new_plan(run, "--sex", "F", "--age", "40", "--mrn", "MRN-1")
    err = refused(run, *RETREAT, "--label", "P-017-R", "--after", first, "--sex", "M")
    assert "sex" in err and "only for the patient it was made from" in err
    err = refused(run, *RETREAT, "--label", "P-017-R", "--after", first, "--mrn", "MRN-2")
    assert "record number" in err and "MRN-" not in err  # the values are never shown
    err = refused(run, *RETREAT, "--label", "P-017-R", "--after", first, "--age", "70")
    assert "age" in err
    assert store.sql("SELECT count(*) FROM plans") == [(1,)]
    retreat(run, "--after", first, "--sex", "F", "--age", "41", "--mrn", "MRN-1")


def test_one_active_retreatment_per_stored_lot(run: Run, store: Store) -> None:
    first = new_plan(run)
    retreat(run, "--after", first)
    err = refused(run, *RETREAT, "--label", "P-017-R2", "--after", first)
    assert "already planned for active plan(s) P-017-R" in err


def test_a_retreatment_does_not_begin_inside_the_first_courses_d28_window(
    run: Run, store: Store
) -> None:
    first = new_plan(run)
    d0 = json.loads(ok(run("plan", "show", first, "--format", "json")).out)["day0"]
    err = refused(
        run, "-p", "lupus-flucy-retreat", "--start", d0, "--today", "2025-04-01",
        "--label", "P-017-R", "--after", first,
    )  # fmt: skip
    assert "D0-D28 safety window" in err and d0 in err
    assert store.sql("SELECT count(*) FROM plans") == [(1,)]
