"""A step whose preferred direction would leave its window takes the nearest working day in the
other direction, and says why (China's October holiday pushed apheresis past the washout maximum)."""

from __future__ import annotations

from tests.clinical.helpers import events, plan
from tests.conftest import Run


def test_apheresis_before_golden_week_when_after_it_exceeds_the_washout_maximum(
    run: Run,
) -> None:
    # start Wed 10 Sep 2025 + 21 = Wed 1 Oct (National Day); the next working day in CN is
    # Thu 9 Oct = 29 days, over the 28-day maximum; the nearest earlier one is Tue 30 Sep (20 days)
    ev = events(plan(run, "--start", "2025-09-10", "--country", "CN"))
    aph = ev["apheresis"]
    assert aph["start"] == "2025-09-30"
    note = aph["notes"][0]
    assert note.startswith("moved from Wed 01 Oct 2025: public holiday")
    assert "later days:" in note and "washout-range" in note


def test_the_usual_case_still_rolls_forward(run: Run) -> None:
    # start Thu 1 May 2025 + 21 = Thu 22 May: a working day, kept
    assert events(plan(run, "--start", "2025-05-01"))["apheresis"]["start"] == "2025-05-22"


def test_backward_plans_never_shorten_the_washout(run: Run) -> None:
    # the latest start for a D0 keeps the full 21-day washout the protocol asks for
    ev = events(plan(run, "--infusion", "2025-06-30"))
    assert ev["washout"]["day_end"] - ev["washout"]["day"] + 1 == 21
