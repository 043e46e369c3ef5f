"""The stored plan's other outputs: ward sheets and Markdown come from the latest revision, and
a cancelled step is on no sheet and in no calendar, while `show` still lists it as cancelled."""

from __future__ import annotations

from tests.conftest import Run
from tests.store.conftest import Store, new_plan, ok


def test_checklist_and_markdown_of_a_stored_plan(run: Run, store: Store) -> None:
    plan = new_plan(run)
    sheet = ok(
        run("plan", "checklist", plan, "--date", "2025-06-23", "--now", "2025-04-01T09:00:00Z")
    ).out
    assert "Follow-up D7" in sheet
    ok(run("plan", "record", plan, "fu-d7", "--status", "cancelled", "--reason", "not needed"))
    sheet = ok(
        run("plan", "checklist", plan, "--date", "2025-06-23", "--now", "2025-04-01T09:00:00Z")
    ).out
    assert "Follow-up D7" not in sheet
    table = ok(run("plan", "show", plan)).out
    assert table.startswith(f"plan {plan} · P-017 · revision 2 · active\n")
    assert "CANCELLED: not" in table  # the notes column wraps
    markdown = ok(run("plan", "export", plan, "--format", "markdown")).out
    assert "CANCELLED: not needed" in markdown
    first = ok(run("plan", "show", plan, "--revision", "1")).out
    assert "revision 1 of 2" in first and "CANCELLED" not in first
