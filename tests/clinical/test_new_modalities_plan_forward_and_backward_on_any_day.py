"""Each issue-12 protocol validates and plans forward from any start day and backward to any
infusion day, keeping every invariant of its protocol (tests/plan_checks.py); a backward plan
puts the first dose on the asked day whenever that day is a working day. Their calendars are
read by the three parsers in tests/exports/test_calendars_read_the_same_in_three_parsers.py,
which takes every shipped protocol."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from cartplan.errors import InfeasiblePlanError
from cartplan.protocol import rules
from cartplan.protocol.format import Protocol
from cartplan.schedule import planner
from cartplan.sources import catalogue
from cartplan.sources.site_calendar import SiteCalendar

from tests.plan_checks import check_plan

NEW = [
    "allo-cd19",
    "carnk-cd19-sle",
    "mrna-bcma-mg",
    "teclistamab-ad",
    "resecel-ssc",
    "lupus-flucy-retreat",
]
DATES = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
SITES = [(None, None), ("DE", "BY"), ("CN", None)]


@cache
def protocol(pid: str) -> Protocol:
    return catalogue.load(pid)


@cache
def calendar(country: str | None, subdiv: str | None) -> SiteCalendar:
    return SiteCalendar(country, subdiv)


@pytest.mark.parametrize("pid", NEW)
def test_the_protocol_validates(pid: str) -> None:
    assert rules.validate(protocol(pid)) == []


@pytest.mark.parametrize("pid", NEW)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=DATES, site=st.sampled_from(SITES))
def test_forward_plans_keep_every_invariant(
    pid: str, start: date, site: tuple[str | None, str | None]
) -> None:
    cal = calendar(*site)
    try:
        plan = planner.schedule(protocol(pid), start=start, calendar=cal)
    except InfeasiblePlanError as e:  # only with an explanation naming days (long holidays)
        note(str(e))
        assert " day" in str(e)
        return
    check_plan(plan, cal)


@pytest.mark.parametrize("pid", NEW)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(infusion=DATES, site=st.sampled_from(SITES))
def test_backward_plans_put_the_first_dose_on_the_asked_day(
    pid: str, infusion: date, site: tuple[str | None, str | None]
) -> None:
    cal = calendar(*site)
    try:
        plan = planner.schedule(protocol(pid), infusion=infusion, calendar=cal)
    except InfeasiblePlanError as e:
        note(str(e))
        assert cal.closed(infusion) is not None or " day" in str(e), str(e)
        return
    assert plan.day0 == infusion
    check_plan(plan, cal)
