"""Serum creatinine is accepted as labs print it: mg/dL or umol/L in any case, with µ (micro
sign) or μ (Greek mu) for u, with or without a space after the value, on the command line and
in patient files alike. The plan is the same as for the canonical spelling; a missing or
unknown unit (mmol/L) is still refused, never guessed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY, Run

PATIENT = ("--label", "P1", "--sex", "F", "--age", "40", "--weight-kg", "60", "--height-cm", "165")
PLAN = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


def crcl(result_out: str) -> dict[str, Any]:
    calcs = json.loads(result_out)["calculations"]
    return next(c for c in calcs if c["name"] == "CrCl")  # type: ignore[no-any-return]


def plan_with(run: Run, creatinine: str) -> dict[str, Any]:
    result = run(*PLAN, *PATIENT, "--creatinine", creatinine, "--format", "json")
    assert result.code == 0, result.err
    return crcl(result.out)


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("106 µmol/L", "106 umol/L"),  # micro sign U+00B5, as keyboards type it
        ("106 μmol/L", "106 umol/L"),  # Greek mu U+03BC, as some lab systems export it
        ("106 µmol/l", "106 umol/L"),
        ("106 umol/l", "106 umol/L"),
        ("106 UMOL/L", "106 umol/L"),
        ("106µmol/L", "106 umol/L"),
        ("  106   umol/L ", "106 umol/L"),
        ("1.2 mg/dl", "1.2 mg/dL"),
        ("1.2 MG/DL", "1.2 mg/dL"),
        ("1.2mg/dL", "1.2 mg/dL"),
    ],
)
def test_creatinine_flag_in_any_spelling(run: Run, given: str, canonical: str) -> None:
    assert plan_with(run, given) == plan_with(run, canonical)


@pytest.mark.parametrize("unit", ["µmol/L", "μmol/l", "umol/l", "UMOL/L"])
def test_creatinine_unit_in_a_patient_file(run: Run, tmp_path: Path, unit: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "label: P1\nsex: F\nage: 40\nweight_kg: 60\nheight_cm: 165\n"
        f"creatinine: {{value: 106, unit: '{unit}'}}\n",
        encoding="utf-8",
    )
    result = run(*PLAN, "--patient", str(path), "--format", "json")
    assert result.code == 0, result.err
    assert crcl(result.out) == plan_with(run, "106 umol/L")


def test_mg_dl_in_lower_case_in_a_json_patient_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    patient = {"label": "P1", "sex": "F", "age": 40, "weight_kg": 60, "height_cm": 165}
    path.write_text(json.dumps({**patient, "creatinine": {"value": 1.2, "unit": "mg/dl"}}))
    result = run(*PLAN, "--patient", str(path), "--format", "json")
    assert result.code == 0, result.err
    assert crcl(result.out) == plan_with(run, "1.2 mg/dL")


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("1.1", "give the unit"),
        ("1.1 mmol/L", "the unit is mg/dL or umol/L"),
        ("1.1 mg", "the unit is mg/dL or umol/L"),
        ("mg/dL", "give the value and its unit"),
        ("abc umol/L", "give the value and its unit"),
    ],
)
def test_a_missing_or_unknown_unit_is_refused(run: Run, given: str, says: str) -> None:
    result = run(*PLAN, *PATIENT, "--creatinine", given)
    assert result.code == 2 and result.out == ""
    assert says in result.err and "never guessed" in result.err
    assert result.err.count("\n") == 1


def test_an_unknown_unit_in_a_patient_file_is_refused(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("label: P1\ncreatinine: {value: 0.1, unit: mmol/L}\n")
    result = run(*PLAN, "--patient", str(path))
    assert result.code == 2
    assert "creatinine.unit" in result.err and "mmol/L" in result.err
