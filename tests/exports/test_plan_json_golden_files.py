"""`--format json` pinned byte for byte beyond the lupus-flucy example of
tests/test_schedule_json_contract.py: with a patient's doses, with an appointment time in a
named zone, with identifying data asked for, and planned backward with medications. The golden
files were printed by cartplan before the contract became pydantic models; the models must not
change a byte."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, GOLDEN, TODAY, Run

PATIENTS = FIXTURES / "patients"
CASES = {
    "lupus-flucy-2025-05-01-patient-standard.json": (
        "-p",
        "lupus-flucy",
        "--start",
        "2025-05-01",
        "--patient",
        str(PATIENTS / "standard.yaml"),
    ),
    "lupus-flucy-2025-05-01-apheresis-0830-berlin.json": (
        "-p",
        "lupus-flucy",
        "--start",
        "2025-05-01",
        "--set",
        "apheresis.time=08:30",
        "--tz",
        "Europe/Berlin",
    ),
    "jdm-flucy-2025-05-01-phi-included.json": (
        "-p",
        "jdm-flucy",
        "--start",
        "2025-05-01",
        "--patient",
        str(PATIENTS / "phi.yaml"),
        "--include-phi",
    ),
    "lupus-flucy-infusion-2025-07-01-medications.json": (
        "-p",
        "lupus-flucy",
        "--infusion",
        "2025-07-01",
        "--label",
        "P-2",
        "--age",
        "40",
        "--sex",
        "F",
        "--weight-kg",
        "60",
        "--height-cm",
        "160",
        "--creatinine",
        "1.1 mg/dL",
        "--medication",
        "rituximab:2025-03-10",
        "--medication",
        "prednisone:2025-04-30:15 mg/day",
        "--cns-involvement",
    ),
}


@pytest.mark.parametrize("golden", sorted(CASES))
def test_json_matches_the_golden_file_exactly(run: Run, golden: str) -> None:
    result = run("schedule", "--today", TODAY, "--format", "json", *CASES[golden])
    assert result.code == 0, result.err
    assert result.out == (GOLDEN / golden).read_text(encoding="utf-8")
