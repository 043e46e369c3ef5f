"""The scheduler's pins: a pinned step's only candidate start is its pinned day (inside its window
or not); steps placed after it follow; a pin that breaks a constraint is an infeasible plan whose
message names the pinned step."""

from __future__ import annotations

from datetime import date

import pytest

from cartplan.errors import InfeasiblePlanError, InputError
from cartplan.schedule import planner
from cartplan.sources import catalogue


def test_a_pinned_step_starts_on_its_day_and_what_follows_moves() -> None:
    p = catalogue.load("lupus-flucy")
    plain = planner.schedule(p, start=date(2025, 5, 1))
    pinned = planner.schedule(
        p, start=date(2025, 5, 1), pins={"apheresis": date(2025, 5, 24)}, actual=True
    )
    at = {e.step.id: e for e in pinned.events}
    assert at["apheresis"].start == date(2025, 5, 24)  # a Saturday: a fact is a fact
    assert at["manufacturing"].start == date(2025, 5, 25)
    assert pinned.day0 > plain.day0


def test_a_pin_that_breaks_a_constraint_names_the_step() -> None:
    p = catalogue.load("lupus-flucy")
    with pytest.raises(InfeasiblePlanError, match=r"apheresis pinned to .*washout-range"):
        planner.schedule(
            p, start=date(2025, 5, 1), pins={"apheresis": date(2025, 7, 1)}, actual=True
        )


def test_a_pin_of_an_unknown_step_is_bad_input() -> None:
    p = catalogue.load("lupus-flucy")
    with pytest.raises(InputError, match="has no step 'nothing' to pin"):
        planner.schedule(p, start=date(2025, 5, 1), pins={"nothing": date(2025, 5, 2)})
