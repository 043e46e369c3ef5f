"""The API fails as the command line does: the same error classes with the same exit codes,
one line per problem, no identifying value in a message; validate_protocol reports exactly what
`cartplan protocols validate` prints."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cartplan import api

from tests.conftest import FIXTURES, TODAY, Run

DAY = date.fromisoformat(TODAY)
BROKEN = sorted((FIXTURES / "protocols" / "broken").glob("*.yaml"))


def fails(error: type[api.CartplanError], **request: Any) -> api.CartplanError:
    request.setdefault("today", DAY)
    with pytest.raises(error) as caught:
        api.make_plan(request.pop("protocol", "lupus-flucy"), **request)
    return caught.value


@pytest.mark.parametrize(
    "anchors",
    [{}, {"start": "2025-05-01", "infusion": "2025-07-01"}],
)
def test_exactly_one_of_start_and_infusion(anchors: dict[str, str]) -> None:
    e = fails(api.InputError, **anchors)
    assert e.exit_code == 2 and "exactly one of start" in str(e)


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("1 May 2025", "start: '1 May 2025' is not a date; write YYYY-MM-DD"),
        ("2025-02-30", "start: '2025-02-30' is not a real calendar date"),
        (date(1850, 5, 1), "outside the years cartplan plans in"),
        (datetime(2025, 5, 1, 8, 0), "is not a date; write YYYY-MM-DD"),
    ],
)
def test_dates_are_checked_as_on_the_command_line(value: Any, complaint: str) -> None:
    assert complaint in str(fails(api.InputError, start=value))


def test_a_parameter_out_of_range_says_the_range(run: Run) -> None:
    e = fails(api.InputError, start="2025-05-01", overrides={"washout_days": 99})
    assert str(e) == "washout_days=99: out of range; allowed 7–28 days"
    cli = run("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--set", "washout_days=99")
    assert cli.code == e.exit_code and cli.err.rstrip("\n").endswith(str(e))


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"apheresis.time": "8:30"}, "is not a time"),
        ({"apheresis.duration": "a while"}, "is not an appointment length"),
        ({"apheresis.duration": 2}, "out of range"),
        ({"washout_days": 14.5}, "give a whole number or a string"),
        ({"washout_days": True}, "give a whole number or a string"),
        ({"nowhere.time": "08:30"}, "has no step 'nowhere'"),
    ],
)
def test_bad_overrides_are_input_errors(overrides: dict[str, Any], complaint: str) -> None:
    assert complaint in str(fails(api.InputError, start="2025-05-01", overrides=overrides))


def test_a_site_closed_for_years_is_an_infeasible_plan() -> None:
    first = date(2025, 1, 1)
    closed = {first + timedelta(days=n): "renovation" for n in range(730)}
    e = fails(api.InfeasiblePlanError, start="2025-05-01", site=api.Site(closures=closed))
    assert e.exit_code == 3 and "renovation" in str(e)


def test_more_closed_days_than_a_closures_file_may_hold() -> None:
    closed = {date(2020, 1, 1) + timedelta(days=n): "x" for n in range(3661)}
    assert "more than 3660 days" in str(
        fails(api.InputError, start="2025-05-01", site=api.Site(closures=closed))
    )


def test_an_unknown_time_zone() -> None:
    e = fails(api.InputError, start="2025-05-01", site=api.Site(timezone="Mars/Base"), today=None)
    assert "unknown time zone" in str(e)


def test_a_drug_the_protocol_forbids_is_exit_5() -> None:
    patient = {"label": "P-R", "sex": "F", "age": 52, "weight_kg": 60, "height_cm": 165}
    e = fails(api.ContraindicatedError, start="2025-05-01", patient=patient | {"crcl_ml_min": 25})
    assert e.exit_code == 5 and "fludarabine: do not give" in str(e)


def test_patient_problems_one_line_each_without_identifying_values() -> None:
    patient = {
        "label": "P-X",
        "weight_kg": 1000,
        "phi": {"name": "Zebulon Quixotic-Farnsworth", "birth_date": "2030-01-01"},
    }
    e = fails(api.PatientError, start="2025-05-01", patient=patient)
    lines = str(e).splitlines()
    assert len(lines) == 1 and lines[0].startswith("patient: weight_kg:")
    e = fails(api.PatientError, start="2025-05-01", patient=patient | {"weight_kg": 60})
    assert "after today" in str(e)
    assert "2030" not in str(e) and "Zebulon" not in str(e)


def test_a_patient_model_is_checked_against_today_too() -> None:
    model = api.Patient.model_validate({"label": "P-Y", "birth_date": "2030-01-01"})
    assert "birth_date: after today" in str(
        fails(api.PatientError, start="2025-05-01", patient=model)
    )


def test_load_protocol_of_a_broken_file_lists_its_problems() -> None:
    with pytest.raises(api.ProtocolError) as caught:
        api.load_protocol(FIXTURES / "protocols" / "broken" / "two-day0.yaml")
    assert len(caught.value.problems) == 3 and caught.value.exit_code == 2


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_validate_protocol_reports_what_protocols_validate_prints(run: Run, path: Path) -> None:
    problems = api.validate_protocol(path)
    cli = run("protocols", "validate", str(path))
    assert cli.code == 2
    assert problems and problems == cli.err.splitlines()[:-1]


def test_validate_protocol_of_a_sound_file_is_empty() -> None:
    shipped = Path(__file__).parents[2] / "protocols"
    for path in [*shipped.glob("*.yaml"), FIXTURES / "protocols" / "valid" / "mini.yaml"]:
        assert api.validate_protocol(str(path)) == [], path


def test_validate_protocol_of_what_is_no_protocol_file(tmp_path: Path) -> None:
    assert api.validate_protocol(tmp_path / "missing.yaml") == [
        f"{tmp_path / 'missing.yaml'}: cannot read (No such file or directory)"
    ]
    [problem] = api.validate_protocol(tmp_path)
    assert problem.startswith(f"{tmp_path}: ")


def test_a_protocol_made_in_python_is_checked_before_it_is_planned() -> None:
    sound = api.load_protocol("lupus-flucy")
    washout = sound.parameter("washout_days")
    broken = sound.model_copy(
        update={"parameters": [washout.model_copy(update={"default": 99})]}  # no others, too
    )
    with pytest.raises(api.ProtocolError) as caught:
        api.make_plan(broken, start="2025-05-01", today=DAY)
    assert "washout_days" in str(caught.value)
    data = sound.model_dump()
    data["parameters"][0]["default"] = 14
    edited = api.Protocol.model_validate(data)
    plan = api.make_plan(edited, start="2025-05-01", today=DAY)
    assert plan.parameters["washout_days"] == 14
