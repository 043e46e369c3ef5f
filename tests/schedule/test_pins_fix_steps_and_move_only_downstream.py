"""A pin fixes a step's first day (a recorded actual date, a day the team decided): the plan keeps
it, every step placed after it follows, the steps before it stay where they were, and a pin the
protocol does not allow is refused with the pinned step, the rule and the number of days.

Which days depend on which is derived here from the protocol's own references (placement.after,
ends_before, end_day), not from the solver."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cartplan.errors import InfeasiblePlanError, InputError
from cartplan.messages import Message
from cartplan.protocol.format import Protocol, Rule
from cartplan.schedule import planner
from cartplan.schedule.plan import Event, MondayToFriday, Plan
from cartplan.sources import catalogue

from tests.plan_checks import check_plan

START = date(2025, 5, 1)  # Thursday: apheresis Thu 22 May, D0 Mon 16 Jun 2025


@pytest.fixture(scope="module")
def lupus() -> Protocol:
    return catalogue.load("lupus-flucy")


def days(plan: Plan) -> dict[tuple[str, str], date]:
    out = {}
    for e in plan.events:
        out[(e.step.id, "start")], out[(e.step.id, "end")] = e.start, e.end
    return out


def events(plan: Plan) -> dict[str, Event]:
    return {e.step.id: e for e in plan.events}


def downstream(p: Protocol, step: str) -> set[tuple[str, str]]:
    """Every step day that depends, directly or not, on `step`'s first day."""
    day0 = p.day0_step.id
    uses: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for s in p.steps:
        after = s.placement.after
        if after is not None:
            anchor = (day0, "start") if after == "day0" else (after, s.placement.edge)
            uses.setdefault(anchor, set()).add((s.id, "start"))
        end_on = {(s.id, "start")}
        if s.ends_before is not None:
            end_on.add((s.ends_before, "start"))
        if s.end_day is not None:
            end_on.add((day0, "start"))
        for anchor in end_on:
            uses.setdefault(anchor, set()).add((s.id, "end"))
    found, todo = set(), [(step, "start")]
    while todo:
        for node in uses.get(todo.pop(), ()):
            if node not in found:
                found.add(node)
                todo.append(node)
    return found


def test_a_pinned_apheresis_moves_every_later_day_and_no_earlier_one(lupus: Protocol) -> None:
    plain = planner.schedule(lupus, start=START)
    pinned = planner.schedule(lupus, start=START, pins={"apheresis": date(2025, 5, 23)})
    check_plan(pinned, MondayToFriday())
    before, after = days(plain), days(pinned)
    assert after[("apheresis", "start")] == date(2025, 5, 23)
    later = downstream(lupus, "apheresis")
    for node, day in before.items():
        if node not in later and node != ("apheresis", "start"):
            assert after[node] == day, node
    # one day later throughout the chain: manufacturing, release, LD and D0 (all working days)
    for sid in ("manufacturing", "release", "lymphodepletion", "infusion", "crs-watch"):
        assert after[(sid, "start")] == before[(sid, "start")] + timedelta(days=1), sid
    assert events(pinned)["washout"].end == date(2025, 5, 22)  # the washout lasts until then
    assert (
        str(events(pinned)["apheresis"].notes[0])
        == "moved from Thu 22 May 2025: pinned to this day"
    )


def test_recorded_dates_as_pins_replan_only_what_is_left(lupus: Protocol) -> None:
    # washout started on Thu 1 May, apheresis done a day late, on Fri 23 May: every recorded day
    # is a pin, the rest follows
    recorded = {"washout": START, "apheresis": date(2025, 5, 23)}
    plan = planner.schedule(lupus, start=START, pins=recorded)
    ev = events(plan)
    assert (ev["washout"].start, ev["apheresis"].start) == (START, date(2025, 5, 23))
    assert ev["manufacturing"].start == date(2025, 5, 24)
    assert plan.day0 == date(2025, 6, 17)
    check_plan(plan, MondayToFriday())


def test_a_later_infusion_takes_the_monitoring_with_it(lupus: Protocol) -> None:
    plain = planner.schedule(lupus, start=START)
    pinned = planner.schedule(lupus, start=START, pins={"infusion": date(2025, 6, 20)})
    check_plan(pinned, MondayToFriday())
    assert pinned.day0 == date(2025, 6, 20)
    before, after = days(plain), days(pinned)
    later = downstream(lupus, "infusion")
    for node, day in before.items():
        if node not in later and node != ("infusion", "start"):
            assert after[node] == day, node
    old, new = events(plain), events(pinned)
    for sid, e in new.items():
        # steps on calendar days keep their day relative to D0: LD, watches, prophylaxis
        if (sid, "start") in later and e.step.placement.rule is Rule.calendar:
            assert (e.day, e.day_end) == (old[sid].day, old[sid].day_end), sid
    assert new["crs-watch"].start == date(2025, 6, 20)
    assert new["lymphodepletion"].start == date(2025, 6, 15)


def test_a_pin_that_breaks_the_washout_maximum_is_refused_naming_it(lupus: Protocol) -> None:
    # Thu 5 Jun is 35 days after the washout start: the protocol allows at most 28
    with pytest.raises(InfeasiblePlanError) as caught:
        planner.schedule(lupus, start=START, pins={"apheresis": date(2025, 6, 5)})
    assert caught.value.code == "pin.breaks"
    text = str(caught.value)
    assert text.startswith("apheresis pinned to Thu 05 Jun 2025: constraint washout-range")
    assert "35 days after washout start" in text and "7 days over" in text


def test_a_pin_outside_its_steps_window_says_by_how_many_days(lupus: Protocol) -> None:
    # release comes at least 7 days after manufacturing ends (Tue 3 Jun)
    with pytest.raises(InfeasiblePlanError) as caught:
        planner.schedule(lupus, start=START, pins={"release": date(2025, 6, 9)})
    assert str(caught.value) == (
        "release pinned to Mon 09 Jun 2025 is 1 day too early: release may start "
        "Tue 10 Jun 2025–Tue 17 Jun 2025 (manufacturing end +7 days)"
    )


def test_a_pin_on_a_closed_day_is_refused_with_the_reason(lupus: Protocol) -> None:
    with pytest.raises(InfeasiblePlanError) as caught:
        planner.schedule(lupus, start=START, pins={"infusion": date(2025, 6, 21)})
    assert str(caught.value) == "infusion pinned to Sat 21 Jun 2025: not a working day (weekend)"


def test_a_pin_on_an_unknown_step_is_bad_input(lupus: Protocol) -> None:
    with pytest.raises(InputError) as caught:
        planner.schedule(lupus, start=START, pins={"aphersis": date(2025, 5, 23)})
    assert caught.value.code == "pin.unknown_step"
    assert "no step 'aphersis'" in str(caught.value)


def test_backward_plans_keep_pins_and_put_d0_on_the_asked_day(lupus: Protocol) -> None:
    plain = planner.schedule(lupus, infusion=date(2025, 6, 30))
    aph = events(plain)["apheresis"].start
    earlier = aph - timedelta(days=7)  # the same weekday a week earlier
    plan = planner.schedule(lupus, infusion=date(2025, 6, 30), pins={"apheresis": earlier})
    assert plan.day0 == date(2025, 6, 30)
    assert events(plan)["apheresis"].start == earlier
    check_plan(plan, MondayToFriday())


def test_the_medication_floor_and_a_pin_are_one_bound(lupus: Protocol) -> None:
    from cartplan.patient.model import Patient

    patient = Patient.model_validate(
        {"label": "P", "medications": [{"drug": "natalizumab", "last_dose": "2025-05-01"}]}
    )
    table = catalogue.washout_table()
    # natalizumab: apheresis no earlier than Thu 12 Jun 2025; a pin before that is refused
    with pytest.raises(InfeasiblePlanError) as caught:
        planner.schedule(
            lupus,
            start=START,
            patient=patient,
            washout=table,
            pins={"apheresis": date(2025, 6, 10)},
        )
    assert caught.value.code == "pin.breaks"
    assert "natalizumab" in str(caught.value) and "Thu 12 Jun 2025" in str(caught.value)
    # the floor alone moves apheresis to it, and says why
    plan = planner.schedule(lupus, start=START, patient=patient, washout=table)
    note = events(plan)["apheresis"].notes[0]
    assert events(plan)["apheresis"].start == date(2025, 6, 12)
    assert isinstance(note, Message) and "natalizumab" in str(note)
