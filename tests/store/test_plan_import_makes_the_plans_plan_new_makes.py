"""`plan import FILE.csv` on SQLite and PostgreSQL: every row becomes the plan `plan new` makes
from the same options (patient fields and set: columns included), with the same rows in every
table of the store, in one transaction; the audit trail says where each plan came from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Run
from tests.store.conftest import Store, ok

TODAY = ("--today", "2025-04-01")
HEADER = "label,protocol,start,infusion,sex,age,weight-kg,height-cm,creatinine,set:washout_days\n"
ROWS = (
    "P-001,lupus-flucy,2025-05-01,,F,40,50,160,0.9 mg/dL,\n"
    "P-002,lupus-flucy,2025-05-01,,F,40,80,160,0.9 mg/dL,\n"
    "P-003,lupus-flucy,2025-05-01,,,,,,,14\n"
    "P-004,ssc-flucy,,2025-07-01,M,55,70,175,1.1 mg/dL,\n"
)


def write(tmp_path: Path, text: str, name: str = "plans.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def shown(run: Run, ref: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(ok(run("plan", "show", ref, "--format", "json")).out)
    return body


def without_ids(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k not in ("plan_id", "label")}
    if out.get("patient"):
        out["patient"] = {k: v for k, v in out["patient"].items() if k != "label"}
    return out


def test_every_row_is_the_plan_plan_new_makes(run: Run, store: Store, tmp_path: Path) -> None:
    result = ok(run("plan", "import", str(write(tmp_path, HEADER + ROWS)), *TODAY))
    assert result.out.startswith(f"imported 4 plans from {tmp_path / 'plans.csv'}\n")
    listed = json.loads(ok(run("plan", "list", "--format", "json")).out)
    assert sorted(p["label"] for p in listed) == ["P-001", "P-002", "P-003", "P-004"]

    same = {
        "P-001": ("-p", "lupus-flucy", "--start", "2025-05-01", "--sex", "F", "--age", "40"),
        "P-004": ("-p", "ssc-flucy", "--infusion", "2025-07-01", "--sex", "M", "--age", "55"),
    }
    patient = {
        "P-001": ("--weight-kg", "50", "--height-cm", "160", "--creatinine", "0.9 mg/dL"),
        "P-004": ("--weight-kg", "70", "--height-cm", "175", "--creatinine", "1.1 mg/dL"),
    }
    for label, options in same.items():
        made = ok(run("plan", "new", *options, *patient[label], "--label", f"new-{label}", *TODAY))
        assert without_ids(shown(run, label)) == without_ids(shown(run, made.out.strip()))


def test_patient_fields_and_set_columns_apply(run: Run, store: Store, tmp_path: Path) -> None:
    ok(run("plan", "import", str(write(tmp_path, HEADER + ROWS)), *TODAY))

    def doses(label: str) -> dict[str, float]:
        out = {}
        for e in shown(run, label)["events"]:
            for r in e.get("regimen") or []:
                if r.get("amount_mg") is not None:
                    out[f"{e['id']}:{r['agent']}"] = r["amount_mg"]
        return out

    light, heavy = doses("P-001"), doses("P-002")
    assert light and light.keys() == heavy.keys()
    assert all(heavy[k] > light[k] for k in light)  # weight 80 kg against 50 kg: larger doses
    assert shown(run, "P-001")["patient"]["weight_kg"] == 50
    assert doses("P-003") == {}  # no patient: no mg doses

    washout = {e["id"]: e for e in shown(run, "P-003")["events"]}
    default = {e["id"]: e for e in shown(run, "P-001")["events"]}
    assert washout["washout"]["day_end"] - washout["washout"]["day"] == 13  # set:washout_days=14
    assert default["washout"]["day_end"] - default["washout"]["day"] == 20
    assert shown(run, "P-003")["parameters"]["washout_days"] == 14


def tables_with_plan_id(store: Store) -> list[str]:
    if store.kind == "sqlite":
        names = [r[0] for r in store.sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            t for t in names if "plan_id" in [r[1] for r in store.sql(f"PRAGMA table_info({t})")]
        ]
    rows = store.sql(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND column_name = 'plan_id'"
    )
    return sorted({r[0] for r in rows})


def test_imported_plans_fill_every_table_as_plan_new_does(
    run: Run, store: Store, tmp_path: Path
) -> None:
    """Whatever the store keeps per plan (revisions, audit entries, any index added later), an
    imported plan has the same number of rows in every table as one made by `plan new`."""
    ok(run("plan", "import", str(write(tmp_path, HEADER + ROWS.splitlines()[0] + "\n")), *TODAY))
    by_new = ok(
        run(
            "plan",
            "new",
            "-p",
            "lupus-flucy",
            "--start",
            "2025-05-01",
            "--sex",
            "F",
            "--age",
            "40",
            "--weight-kg",
            "50",
            "--height-cm",
            "160",
            "--creatinine",
            "0.9 mg/dL",
            "--label",
            "P-new",
            *TODAY,
        )
    ).out.strip()
    imported = shown(run, "P-001")["plan_id"]
    tables = tables_with_plan_id(store)
    assert {"plans", "requests", "revisions", "audit"} <= set(tables)
    for t in tables:
        count = {
            pid: store.sql(f"SELECT count(*) FROM {t} WHERE plan_id = '{pid}'")[0][0]  # noqa: S608
            for pid in (imported, by_new)
        }
        assert count[imported] == count[by_new], t
    assert ok(run("plan", "verify")).out == "audit trail intact: 2 plans, 2 entries\n"
    history = json.loads(ok(run("plan", "history", "P-001", "--format", "json")).out)
    assert history[0]["action"] == "create"
    assert history[0]["reason"] == "imported from plans.csv line 2"


def test_by_and_reason_are_kept_with_each_plan(run: Run, store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ROWS)
    ok(run("plan", "import", str(path), *TODAY, "--by", "dora", "--reason", "move from Excel"))
    history = json.loads(ok(run("plan", "history", "P-004", "--format", "json")).out)
    assert (history[0]["by"], history[0]["reason"]) == (
        "dora",
        "move from Excel (imported from plans.csv line 5)",
    )


def test_json_report_lists_every_plan_with_its_line(run: Run, store: Store, tmp_path: Path) -> None:
    result = ok(
        run("plan", "import", str(write(tmp_path, HEADER + ROWS)), *TODAY, "--format", "json")
    )
    body = json.loads(result.out)
    assert body.keys() == {"file", "rows", "saved", "imported", "bad"}
    assert (body["rows"], body["saved"], body["bad"]) == (4, True, [])
    assert [(i["line"], i["label"], i["protocol"]) for i in body["imported"]] == [
        (2, "P-001", "lupus-flucy"),
        (3, "P-002", "lupus-flucy"),
        (4, "P-003", "lupus-flucy"),
        (5, "P-004", "ssc-flucy"),
    ]
    assert body["imported"][3]["day0"] == "2025-07-01"
    for item in body["imported"]:
        assert shown(run, item["plan_id"])["label"] == item["label"]
