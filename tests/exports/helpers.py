"""Shared arguments and runs for the FHIR export tests."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import TODAY, Run

NOW = "2025-04-01T09:00:00+00:00"
# The golden patient: label P-017, 170 cm / 70 kg (BSA 1.818 m²), normal kidney function.
PATIENT = (
    "--label",
    "P-017",
    "--sex",
    "F",
    "--age",
    "40",
    "--height-cm",
    "170",
    "--weight-kg",
    "70",
    "--crcl-ml-min",
    "95",
)
PLAN = ("-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY, *PATIENT)


def export(run: Run, *args: str) -> tuple[str, dict[str, Any]]:
    """`cartplan export fhir ARGS…` with the fixed clock: the text and the parsed bundle."""
    result = run("export", "fhir", "--now", NOW, *args)
    assert result.code == 0, result.err
    return result.out, json.loads(result.out)


def schedule_json(run: Run, *args: str) -> dict[str, Any]:
    result = run("schedule", "--format", "json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]
