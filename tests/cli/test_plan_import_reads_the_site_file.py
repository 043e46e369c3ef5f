"""`plan import` plans every row with the site file's calendar (as `plan new` does): a closure
in the site file moves the rows' apheresis; the command's own --closures wins over the file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Run

CSV = "label,protocol,start\nP-1,lupus-flucy,2025-05-01\n"


def _apheresis(run: Run, tmp_path: Path, name: str, *options: str) -> str:
    db = f"sqlite:///{tmp_path / name}"
    path = tmp_path / "plans.csv"
    path.write_text(CSV, encoding="utf-8")
    done = run("plan", "import", str(path), "--db", db, "--today", "2025-04-01", *options)
    assert done.code == 0, done.err
    shown = run("plan", "show", "P-1", "--db", db, "--format", "json")
    assert shown.code == 0, shown.err
    return str(next(e["start"] for e in json.loads(shown.out)["events"] if e["id"] == "apheresis"))


def test_a_closure_in_the_site_file_moves_imported_plans_and_the_option_wins(
    run: Run, tmp_path: Path
) -> None:
    day = _apheresis(run, tmp_path, "plain.db")
    site = tmp_path / "site.yaml"
    site.write_text(f"name: C\nclosures: ['{day} inventory']\n", encoding="utf-8")
    assert _apheresis(run, tmp_path, "site.db", "--site", str(site)) > day
    empty = tmp_path / "none.txt"
    empty.write_text("", encoding="utf-8")
    assert _apheresis(run, tmp_path, "opt.db", "--site", str(site), "--closures", str(empty)) == day
