"""Protocols with dose series, per-dose watches, cycles, mg/kg step-up dosing with premedication
and a re-treatment (issue 12 fixtures) export FHIR bundles that read back and validate; a dose
description counts days as the protocol does (day_origin 1: D1, D3, D5)."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, Run
from tests.exports import fhir_checks
from tests.exports.helpers import PATIENT, export

ISSUE12 = FIXTURES / "protocols" / "issue12"


@pytest.mark.parametrize("name", sorted(p.stem for p in ISSUE12.glob("*.yaml")))
def test_every_issue12_fixture_exports_a_valid_r4_bundle(run: Run, name: str) -> None:
    text, bundle = export(
        run, "-p", str(ISSUE12 / f"{name}.yaml"), "--start", "2026-01-05", "--today",
        "2026-01-01", *PATIENT,
    )  # fmt: skip
    fhir_checks.parse_back(text)
    assert fhir_checks.all_problems(bundle) == []


def test_dose_descriptions_use_the_protocols_day_numbers(run: Run) -> None:
    text, _ = export(
        run, "-p", str(ISSUE12 / "engager-stepup.yaml"), "--start", "2026-01-05", "--today",
        "2026-01-01", *PATIENT,
    )  # fmt: skip
    for day in ("D1", "D3", "D5"):
        assert f"mg/day on {day} (total" in text
