"""Resource load counts patients: one plan whose LD, infusion and CRS watch meet on a day takes
one bed; start_only resources count the first day only; weekly resources count each plan once
per week (Monday to Sunday); a clash is more patients than the capacity."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cartplan.agenda.fit import NEW, earliest
from cartplan.agenda.load import Capacity, Span, booked, clashes, loads, per_day

D = date(2025, 6, 2)  # a Monday


def span(plan: str, step: str, start: date, days: int = 1, resources: tuple[str, ...] = ()) -> Span:
    end = start + timedelta(days=days - 1)
    return Span(
        plan, plan.upper(), step, "other", step, start, end, 0, days - 1, ("ward",), resources
    )


BED = Capacity("ward-bed", 1, "day", frozenset({"lymphodepletion", "infusion", "crs-watch"}))


def test_one_patient_takes_one_bed_whatever_steps_meet() -> None:
    spans = [
        span("a", "lymphodepletion", D, 3),
        span("a", "infusion", D + timedelta(2)),
        span("a", "crs-watch", D + timedelta(2), 5),
    ]
    found = loads(spans, [BED], D, D + timedelta(10))
    assert {x.load for x in found} == {1}
    assert len(found) == 7  # D..D+6
    assert clashes(found) == []


def test_two_patients_on_one_bed_clash_on_the_shared_days_only() -> None:
    spans = [span("a", "infusion", D, 3), span("b", "infusion", D + timedelta(2), 3)]
    found = clashes(loads(spans, [BED], D, D + timedelta(10)))
    assert [(c.period, c.demand, c.plans) for c in found] == [(D + timedelta(2), 2, ("a", "b"))]


def test_start_only_counts_the_first_day_and_week_counts_a_plan_once() -> None:
    slot = Capacity("manufacturing", 1, "week", frozenset({"manufacturing"}), start_only=True)
    spans = [
        span("a", "manufacturing", D + timedelta(4), 12),
        span("b", "manufacturing", D + timedelta(6)),
    ]
    found = loads(spans, [slot], D, D + timedelta(20))
    assert [(x.period, x.load) for x in found] == [(D, 2)]
    assert clashes(found)[0].plans == ("a", "b")


def test_a_step_naming_a_resource_uses_it_without_the_site_listing_the_step() -> None:
    chair = Capacity("apheresis-chair", 1, "day", frozenset())
    spans = [span("a", "collect", D, resources=("apheresis-chair",)), span("b", "collect", D)]
    assert [x.plans for x in loads(spans, [chair], D, D)] == [("a",)]


def test_per_day_lists_each_event_on_each_day_with_its_d_day() -> None:
    spans = [span("a", "crs-watch", D - timedelta(1), 4)]
    entries = per_day(spans, [BED], D, D + timedelta(1))
    assert [(x.on, x.day, x.resources) for x in entries] == [
        (D, 1, ("ward-bed",)),
        (D + timedelta(1), 2, ("ward-bed",)),
    ]


@given(
    taken=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4)), max_size=12),
    length=st.integers(1, 5),
    capacity=st.integers(1, 3),
)
def test_the_earliest_fit_fits_and_no_earlier_day_does(
    taken: list[tuple[int, int]], length: int, capacity: int
) -> None:
    bed = BED._replace(capacity=capacity)
    stored = [span(f"p{i}", "infusion", D + timedelta(s), n) for i, (s, n) in enumerate(taken)]
    booked_now = booked(stored, [bed])

    def new(day: date) -> list[Span]:
        return [span(NEW, "infusion", day, length)]

    result = earliest(D, new, booked_now, [bed], 60)
    assert result.moved == (result.start - D).days

    def fits(day: date) -> bool:
        both = loads([*stored, *new(day)], [bed], day, day + timedelta(length))
        return not [c for c in clashes(both) if NEW in c.plans]

    assert fits(result.start)
    for n in range(result.moved):
        assert not fits(D + timedelta(n))
    if result.moved:
        assert result.decided is not None and result.decided.resource == "ward-bed"
        assert result.why.code == "agenda.fit.moved"
