"""`--infusion DATE` gives a plan whose D0 is that date, or an explained error."""

from __future__ import annotations

import json
from datetime import date, timedelta

from cartplan import engine, library
from cartplan.errors import InfeasiblePlanError

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
    p = library.load("lupus-flucy")
    plan = engine.schedule(p, infusion=date(2025, 6, 30))
    later = engine.schedule(p, start=plan.start + timedelta(days=1))
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


def test_unreachable_constraint_names_it_and_the_days() -> None:
    p = library.load("lupus-flucy")
    try:
        # Sat 3 May + 28 days = Sat 31 May; next working day Mon 2 Jun = 30 days of washout.
        engine.schedule(p, start=date(2025, 5, 3), overrides={"washout_days": 28})
    except InfeasiblePlanError as e:
        assert "constraint washout-range" in str(e)
        assert "allows at most 28 — 2 days over" in str(e)
    else:
        raise AssertionError("a 30-day washout must not be planned when 28 is the maximum")
