"""Month visits land on the same day of a later month, clamped at month ends (as pendulum does)."""

from __future__ import annotations

from datetime import date

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from cartplan.dates import add_months


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    months=st.integers(min_value=0, max_value=240),
)
def test_add_months_agrees_with_pendulum(day: date, months: int) -> None:
    expected = pendulum.Date(day.year, day.month, day.day).add(months=months)
    assert add_months(day, months) == date(expected.year, expected.month, expected.day)


def test_month_end_is_clamped() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 8, 31), 3) == date(2025, 11, 30)
