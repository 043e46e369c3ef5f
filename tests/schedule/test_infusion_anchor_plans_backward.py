"""`--infusion DATE` gives a plan whose D0 is that date, or an explained error."""

from __future__ import annotations

import json
from datetime import date, timedelta

from cartplan.schedule import planner
from cartplan.sources import catalogue

from tests.conftest import TODAY, Run


def test_backward_plan_infuses_on_the_asked_day(run: Run) -> None:
    result = run(
        "schedule",
        "-p",
        "lupus-flucy",
        "--infusion",
        "2025-06-30",
        "--format",
        "json",
        "--today",
        TODAY,
    )
    assert result.code == 0, result.err
    plan = json.loads(result.out)
    assert plan["day0"] == "2025-06-30"
    assert plan["start"] == "2025-05-15"


def test_backward_plan_starts_as_late_as_possible() -> None:
    p = catalogue.load("lupus-flucy")
    plan = planner.schedule(p, infusion=date(2025, 6, 30))
    later = planner.schedule(p, start=plan.start + timedelta(days=1))
    assert later.day0 > date(2025, 6, 30)


def test_weekend_infusion_is_refused_with_the_reason(run: Run) -> None:
    result = run("schedule", "-p", "lupus-flucy", "--infusion", "2025-06-28")
    assert result.code == 3
    assert result.err == (
        "cartplan: error: infusion Sat 28 Jun 2025 is not a working day (weekend)\n"
    )


def test_holiday_infusion_is_refused_with_the_holiday(run: Run) -> None:
    result = run("schedule", "-p", "lupus-flucy", "--infusion", "2025-12-25", "--country", "FR")
    assert result.code == 3
    assert "public holiday (Christmas Day)" in result.err or "Noël" in result.err


def test_past_start_is_a_warning_not_a_silent_plan(run: Run) -> None:
    result = run(
        "schedule", "-p", "lupus-flucy", "--infusion", "2025-06-30", "--today", "2025-06-01"
    )
    assert result.code == 0
    assert "before today" in result.out


def test_a_constraint_the_next_working_day_breaks_takes_the_day_before() -> None:
    p = catalogue.load("lupus-flucy")
    # Sat 3 May + 28 days = Sat 31 May; the next working day Mon 2 Jun would be 30 days of
    # washout (maximum 28): the nearest working day before the target, Fri 30 May, is taken
    plan = planner.schedule(p, start=date(2025, 5, 3), overrides={"washout_days": 28})
    aph = next(e for e in plan.events if e.step.id == "apheresis")
    assert aph.start == date(2025, 5, 30)
    note = str(aph.notes[0])
    assert note.startswith("moved from Sat 31 May 2025: weekend; later days: ")
    assert "constraint washout-range" in note and "2 days over" in note
