"""Implausible or missing patient values: exit 2, one line each, units never guessed."""

from __future__ import annotations

from tests.conftest import FIXTURES, Run

BASE = ("schedule", "--protocol", "lupus-flucy", "--start", "2025-05-01")


def test_each_problem_gets_its_own_line(run: Run) -> None:
    path = FIXTURES / "patients" / "implausible.yaml"
    result = run(*BASE, "--patient", str(path))
    assert result.code == 2
    lines = result.err.splitlines()
    assert len(lines) == 3, result.err
    assert all(x.startswith(f"cartplan: error: {path}: ") for x in lines)
    assert any("weight_kg: 700 is out of range" in x and "350" in x for x in lines)
    assert any("height_cm: 17 is out of range" in x and "40" in x for x in lines)
    assert any("creatinine.unit: required field is missing" in x for x in lines)


def test_creatinine_flag_without_unit_is_refused(run: Run) -> None:
    result = run(*BASE, "--label", "X", "--creatinine", "1.1")
    assert result.code == 2
    assert "give the unit" in result.err and result.err.count("\n") == 1


def test_implausible_creatinine_for_its_unit(run: Run) -> None:
    # 1.1 entered as umol/L is 0.012 mg/dL: a unit mix-up, not a kidney
    result = run(*BASE, "--label", "X", "--creatinine", "1.1 umol/L")
    assert result.code == 2 and "implausible" in result.err


def test_label_is_required_with_patient_data(run: Run) -> None:
    result = run(*BASE, "--weight-kg", "70")
    assert result.code == 2 and "label: required field is missing" in result.err


def test_mg_m2_doses_need_height(run: Run) -> None:
    result = run(*BASE, "--label", "X", "--weight-kg", "70", "--crcl-ml-min", "90")
    assert result.code == 2 and "height_cm is required for mg/m2 doses" in result.err


def test_fludarabine_needs_kidney_function(run: Run) -> None:
    result = run(*BASE, "--label", "X", "--weight-kg", "70", "--height-cm", "170")
    assert (
        result.code == 2 and "creatinine (value and unit) or crcl_ml_min is required" in result.err
    )
