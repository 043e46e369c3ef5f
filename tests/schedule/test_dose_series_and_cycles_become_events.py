"""Dose series, steps repeated after each dose and cycles are ordinary events of the plan: each
dose its own event with its own id, spaced as the protocol says, for any start date."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from cartplan.errors import InputError
from cartplan.protocol.format import Protocol, Stage
from cartplan.schedule import planner
from cartplan.sources import catalogue

from tests.conftest import FIXTURES

ISSUE12 = FIXTURES / "protocols" / "issue12"
DATES = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@cache
def protocol(name: str) -> Protocol:
    return catalogue.load(ISSUE12 / f"{name}.yaml")


def by_id(name: str, start: date, **kw: object) -> dict[str, planner.Event]:
    plan = planner.schedule(protocol(name), start=start, **kw)  # type: ignore[arg-type]
    return {e.step.id: e for e in plan.events}


def test_three_doses_on_d0_d3_d6_each_followed_by_its_watch() -> None:
    ev = by_id("carnk-series", date(2026, 1, 5))
    doses = [ev[i] for i in ("infusion", "infusion-2", "infusion-3")]
    assert [e.day for e in doses] == [0, 3, 6]
    assert all(e.step.stage is Stage.infusion and e.step.cell_dose for e in doses)
    watches = [ev[f"watch-{k}"] for k in (1, 2, 3)]
    assert [(w.day, w.day_end) for w in watches] == [(0, 2), (3, 5), (6, 8)]
    assert "watch" not in ev
    assert ev["fu-d28"].day == 28  # placed after the third dose (D6 + 22)


def test_six_weekly_infusions_and_no_lymphodepletion() -> None:
    ev = by_id("mrna-weekly", date(2026, 1, 5))
    infusions = sorted(
        (e for e in ev.values() if e.step.stage is Stage.infusion), key=lambda e: e.day
    )
    assert [e.day for e in infusions] == [0, 7, 14, 21, 28, 35]
    assert not any(e.step.stage is Stage.lymphodepletion for e in ev.values())
    # "contraception to 14 days after the last dose" names the sixth dose
    assert ev["last-visit"].day == 35 + 14


def test_a_parameter_sets_the_number_of_doses() -> None:
    plan = planner.schedule(protocol("mrna-weekly"), start=date(2026, 1, 5), overrides={"doses": 8})
    assert sum(e.step.stage is Stage.infusion for e in plan.events) == 8


def test_fewer_doses_than_a_step_names_is_refused_in_one_line() -> None:
    try:
        planner.schedule(protocol("mrna-weekly"), start=date(2026, 1, 5), overrides={"doses": 4})
    except InputError as e:
        assert str(e) == (
            "steps[last-visit].placement.after: step 'infusion-6' does not exist with these "
            "parameters (the series has fewer doses)"
        )
    else:  # pragma: no cover
        raise AssertionError("planned a visit after a dose that does not exist")


def test_two_cycles_168_days_apart_repeat_ld_infusion_and_watch() -> None:
    ev = by_id("resecel-ld-anchor", date(2026, 1, 5))
    assert ev["infusion-c2"].start - ev["infusion"].start == timedelta(days=168)
    assert (ev["ld-c2"].day, ev["ld-c2"].day_end) == (168 - 5, 168 - 3)
    assert (ev["watch-c2"].day, ev["watch-c2"].day_end) == (168, 168 + 28)
    assert "apheresis-c2" not in ev and "fu-m3-c2" not in ev
    ld2 = ev["ld-c2"].step
    assert ld2.regimen[0].days == [163, 164, 165]


def test_a_backward_plan_finds_the_first_dose_day() -> None:
    plan = planner.schedule(protocol("carnk-series"), infusion=date(2026, 3, 2))
    ev = {e.step.id: e for e in plan.events}
    assert ev["infusion"].start == date(2026, 3, 2)
    assert ev["infusion-3"].start == date(2026, 3, 8)


@settings(max_examples=60, deadline=None)
@given(start=DATES)
def test_series_doses_keep_their_spacing_and_order(start: date) -> None:
    for name, ids, days in (
        ("carnk-series", ["infusion", "infusion-2", "infusion-3"], [0, 3, 6]),
        (
            "mrna-weekly",
            ["infusion", *(f"infusion-{k}" for k in range(2, 7))],
            [0, 7, 14, 21, 28, 35],
        ),
    ):
        ev = by_id(name, start)
        first = ev[ids[0]].start
        got = [ev[i].start for i in ids]
        assert got == [first + timedelta(days=d) for d in days]  # calendar rule: to the day
        assert got == sorted(got)
        assert [ev[i].day for i in ids] == days


def test_an_expanded_protocol_plans_the_same_again() -> None:
    """A plan's protocol (already expanded) planned again, as re-planning does, gives the same
    events: expanding is idempotent."""
    for name in ("carnk-series", "mrna-weekly", "resecel-ld-anchor", "engager-stepup"):
        first = planner.schedule(protocol(name), start=date(2026, 1, 5))
        again = planner.schedule(first.protocol, start=date(2026, 1, 5))
        assert [(e.step.id, e.start, e.end) for e in again.events] == [
            (e.step.id, e.start, e.end) for e in first.events
        ]
