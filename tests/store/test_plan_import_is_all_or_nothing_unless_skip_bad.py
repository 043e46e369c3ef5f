"""`plan import`: one bad row and nothing is imported (each bad row on one line with its line
number, exit 2); with --skip-bad the good rows are imported, the bad ones listed, and the exit
is still 2 (0 means every row is in the store). Labels are unique within the file and against
the active stored plans."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Result, Run
from tests.store.conftest import Store, new_plan, ok

TODAY = ("--today", "2025-04-01")
HEADER = "label,protocol,start,infusion,age\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plans.csv"
    path.write_text(text, encoding="utf-8")
    return path


def labels(run: Run) -> list[str]:
    return sorted(p["label"] for p in json.loads(ok(run("plan", "list", "--format", "json")).out))


def errors(result: Result) -> list[str]:
    lines = result.err.splitlines()
    assert all(line.startswith("cartplan: error: ") for line in lines), result.err
    return [line.removeprefix("cartplan: error: ") for line in lines]


BAD_ROWS = {
    "unknown protocol": ("P-9,no-such-protocol,2025-05-01,,", "--protocol no-such-protocol"),
    "bad date": ("P-9,lupus-flucy,2025-02-30,,", "not a real calendar date"),
    "both anchors": ("P-9,lupus-flucy,2025-05-01,2025-07-01,", "exactly one of start"),
    "wrong type": ("P-9,lupus-flucy,2025-05-01,,forty", "age: 'forty' is not a whole number"),
    "infeasible": ("P-9,lupus-flucy,,2025-05-03,", "not a working day"),
    "short row": ("P-9,lupus-flucy,2025-05-01", "3 cells, but the header names 5 columns"),
}


def test_one_bad_row_and_nothing_is_imported(run: Run, store: Store, tmp_path: Path) -> None:
    for what, (row, reason) in BAD_ROWS.items():
        text = HEADER + "P-1,lupus-flucy,2025-05-01,,40\n" + row + "\nP-3,ssc-flucy,2025-05-02,,\n"
        result = run("plan", "import", str(write(tmp_path, text)), *TODAY)
        assert result.code == 2, (what, result.err)
        assert result.out == ""
        first, last = errors(result)
        assert first.startswith(f"{tmp_path / 'plans.csv'} line 3 (P-9): "), what
        assert reason in first, (what, first)
        assert last == (
            "1 of 3 rows are bad: nothing was imported; fix them, or give --skip-bad to import "
            "the others"
        )
        assert labels(run) == [], what


def test_skip_bad_imports_the_good_rows_and_lists_the_bad(
    run: Run, store: Store, tmp_path: Path
) -> None:
    text = (
        HEADER
        + "P-1,lupus-flucy,2025-05-01,,40\n"
        + "\n"  # a blank line is no row (and keeps its line number)
        + "P-2,lupus-flucy,2025-13-01,,\n"
        + "P-3,ssc-flucy,2025-05-02,,\n"
        + ",lupus-flucy,2025-05-02,,\n"
    )
    result = run("plan", "import", str(write(tmp_path, text)), *TODAY, "--skip-bad")
    assert result.code == 2
    assert result.out.startswith("imported 2 plans from ")
    where = tmp_path / "plans.csv"
    assert errors(result) == [
        f"{where} line 4 (P-2): --start: '2025-13-01' is not a real calendar date "
        "(month must be in 1..12)",
        f"{where} line 6: no label: a stored plan needs the patient's pseudonymous label",
        "2 of 4 rows skipped (lines 4, 6); the other 2 imported",
    ]
    assert labels(run) == ["P-1", "P-3"]

    body = json.loads(
        run("plan", "import", str(write(tmp_path, text)), *TODAY, "--format", "json").out
    )
    assert body["saved"] is False and body["imported"] == []
    assert [(b["line"], b["label"]) for b in body["bad"]] == [
        (2, "P-1"),  # now taken by the plan imported above
        (4, "P-2"),
        (5, "P-3"),
        (6, None),
    ]
    assert body["bad"][0]["reason"].startswith("label P-1 is already the label of active plan ")
    assert {b["exit_code"] for b in body["bad"]} == {2}


def test_labels_are_unique_in_the_file_and_against_active_plans(
    run: Run, store: Store, tmp_path: Path
) -> None:
    stored = new_plan(run, label="P-1")
    text = HEADER + "P-1,lupus-flucy,2025-05-01,,\nP-2,lupus-flucy,2025-05-01,,\n"
    text += "P-2,ssc-flucy,2025-05-05,,\n"
    result = run("plan", "import", str(write(tmp_path, text)), *TODAY)
    assert result.code == 2
    where = tmp_path / "plans.csv"
    assert errors(result)[:2] == [
        f"{where} line 2 (P-1): label P-1 is already the label of active plan {stored}; labels "
        "are unique among active plans (close that plan, or choose another label)",
        f"{where} line 4 (P-2): label P-2 is already on line 3 of this file; labels are unique "
        "among active plans",
    ]
    assert labels(run) == ["P-1"]

    # a closed plan's label is free again
    ok(run("plan", "close", stored, "--status", "completed", "--reason", "done"))
    ok(run("plan", "import", str(write(tmp_path, text.rsplit("P-2,ssc", 1)[0])), *TODAY))
    assert labels(run) == ["P-1", "P-2"]
    everything = json.loads(ok(run("plan", "list", "--status", "all", "--format", "json")).out)
    assert sorted((p["label"], p["status"]) for p in everything) == [
        ("P-1", "active"),
        ("P-1", "completed"),
        ("P-2", "active"),
    ]


def test_a_bad_header_is_refused_before_any_row(run: Run, store: Store, tmp_path: Path) -> None:
    text = "label,protocol,begin,weight,set:\nP-1,lupus-flucy,2025-05-01,60,\n"
    result = run("plan", "import", str(write(tmp_path, text)), *TODAY, "--skip-bad")
    assert result.code == 2
    where = tmp_path / "plans.csv"
    problems = errors(result)
    assert problems[:4] == [
        f"{where} line 1: unknown column 'begin'",
        f"{where} line 1: unknown column 'weight'",
        f"{where} line 1: column 'set:': name the parameter, e.g. set:washout_days",
        f"{where} line 1: no 'start' or 'infusion' column (each row gives one of them)",
    ]
    assert problems[4].startswith(f"{where} line 1: the columns are label, protocol, start, ")
    assert labels(run) == []
