"""Dates that cannot be right on the day of planning are bad input (exit 2), never a plan with
an age of -7975 and a creatinine clearance of 6386.8: a birth date in the future or more than
120 years back, an age the birth date does not give, a birth after the plan's date, and a
medication's last dose after today unless it is a planned last dose before the plan starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TODAY, Run

FORWARD = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
BACKWARD = ("schedule", "-p", "lupus-flucy", "--infusion", "2025-09-01", "--today", TODAY)
BODY = ("--label", "P1", "--sex", "F", "--weight-kg", "60", "--height-cm", "165")
KIDNEY = ("--creatinine", "0.8 mg/dL")


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (("--birth-date", "9999-12-31"), "birth date cannot be in the future"),  # the repro
        (("--birth-date", "2025-04-02"), "birth date cannot be in the future"),
        (("--birth-date", "1900-01-01"), "more than 120 years"),
        (("--birth-date", "1985-06-01", "--age", "52"), "does not agree with birth_date"),
        (("--birth-date", "1985-06-01", "--age", "3"), "does not agree with birth_date"),
    ],
)
def test_impossible_birth_dates_and_ages_are_bad_input(
    run: Run, flags: tuple[str, ...], says: str
) -> None:
    result = run(*FORWARD, *BODY, *KIDNEY, *flags)
    assert result.code == 2, result.out
    assert says in result.err
    assert "CrCl" not in result.out


def test_an_age_that_matches_the_birth_date_is_fine(run: Run) -> None:
    # 39 today (2025-04-01), 40 from 1 June: either may be given
    for age in ("39", "40"):
        assert run(*FORWARD, *BODY, *KIDNEY, "--birth-date", "1985-06-01", "--age", age).code == 0


def test_a_birth_after_the_plan_date_is_bad_input(run: Run) -> None:
    args = ("schedule", "-p", "lupus-flucy", "--start", "2010-05-01", "--today", TODAY)
    result = run(*args, *BODY, *KIDNEY, "--birth-date", "2015-01-01")
    assert result.code == 2 and "after the plan's date" in result.err


@pytest.mark.parametrize("plan", [FORWARD, BACKWARD])
def test_a_last_dose_far_in_the_future_is_bad_input(run: Run, plan: tuple[str, ...]) -> None:
    result = run(*plan, "--label", "P1", "--medication", "rituximab:9999-01-01")
    assert result.code == 2, result.out
    assert "last_dose: 9999-01-01 is after today" in result.err


def test_a_planned_last_dose_before_the_washout_is_fine(run: Run) -> None:
    # today is 1 April; mycophenolate is stopped on 30 April, the day before the washout starts
    result = run(*FORWARD, "--label", "P1", "--medication", "mycophenolate mofetil:2025-04-30")
    assert result.code == 0, result.err


def test_a_future_birth_date_in_a_patient_file_is_bad_input(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("label: P1\nphi: {birth_date: 9999-12-31}\n")
    result = run(*FORWARD, "--patient", str(path))
    assert result.code == 2 and "phi.birth_date: after today" in result.err
