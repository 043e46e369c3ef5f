"""The terminal timeline is readable at 80 columns and shows every step of the plan."""

from __future__ import annotations

import json

from rich.cells import cell_len

from tests.conftest import TODAY, Run

ARGS = ("schedule", "--protocol", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


def test_table_lines_fit_80_cells_and_list_every_step(run: Run) -> None:
    table = run(*ARGS)
    assert table.code == 0, table.err
    assert max(cell_len(line) for line in table.out.splitlines()) <= 80
    events = json.loads(run(*ARGS, "--format", "json").out)["events"]
    for e in events:
        assert e["start"] in table.out, e["id"]
    assert "D0 infusion Mon 16 Jun 2025" in table.out
    assert "fludarabine 25" in table.out and "cyclophosphamide" in table.out


def test_moves_are_explained_in_the_table(run: Run) -> None:
    assert "ld-after-release" not in run(*ARGS).out
    moved = run(*ARGS, "--set", "product_on_site_days=3")
    assert moved.code == 0
    assert "moved from" in moved.out and "ld-after-release" in moved.out
