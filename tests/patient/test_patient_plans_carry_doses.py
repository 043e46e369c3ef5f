"""Patient-specific plans: doses, renal adjustment from protocol rules, cell dose, washout."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import FIXTURES, TODAY, Run

PATIENTS = FIXTURES / "patients"
BASE = ("schedule", "--protocol", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


def plan(run: Run, *args: str) -> dict[str, Any]:
    result = run(*BASE, "--format", "json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def regimen(p: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ld = next(e for e in p["events"] if e["stage"] == "lymphodepletion")
    return {r["agent"]: r for r in ld["regimen"]}


def test_170_cm_70_kg_gets_the_erlangen_doses(run: Run) -> None:
    p = plan(run, "--patient", str(PATIENTS / "standard.yaml"))
    assert p["patient"] == {
        "label": "P-STD",
        "bsa_m2": 1.818,
        "crcl_ml_min": 95.0,
        "weight_kg": 70.0,
        "age": 40,
    }
    r = regimen(p)
    # the course total is what pharmacy dispenses: 3 x 45.5 mg, not 3 x 45.45 rounded once
    assert (r["fludarabine"]["amount_mg"], r["fludarabine"]["total_mg"]) == (45.5, 136.5)
    assert (r["cyclophosphamide"]["amount_mg"], r["cyclophosphamide"]["total_mg"]) == (1818, 1818)
    assert r["fludarabine"]["adjustment"] is None
    assert p["cell_dose"] == {
        "cells": 70_000_000.0,
        "per_kg": 1_000_000.0,
        "formula": "1x10^6 cells/kg × 70 kg",
    }


def test_renal_band_reduces_fludarabine_as_the_protocol_says(run: Run) -> None:
    # CrCl 55.6 mL/min (actual weight) falls in the Fludara label band 50-79 -> 20 mg/m2
    p = plan(run, "--patient", str(PATIENTS / "reference-man.yaml"), "--crcl-weight", "actual")
    assert p["patient"]["crcl_ml_min"] == 55.6
    flu = regimen(p)["fludarabine"]
    assert flu["dose"] == 20
    bsa = p["patient"]["bsa_m2"]  # 170 cm, 80 kg
    assert bsa == 1.944
    assert flu["amount_mg"] == 38.9  # 20 x 1.9437 = 38.87
    assert flu["adjustment"]["rule"] == "Fludara label: CrCl 50-79 mL/min -> 20 mg/m2"
    assert "CrCl 55.6 mL/min" in flu["adjustment"]["reason"]
    assert flu["adjustment"]["references"] == ["fludara-label"]
    assert regimen(p)["cyclophosphamide"]["adjustment"] is None


def test_renal_adjustment_is_named_in_the_printed_plan(run: Run) -> None:
    out = run(
        *BASE, "--patient", str(PATIENTS / "reference-man.yaml"), "--format", "markdown",
        "--crcl-weight", "actual",
    ).out  # fmt: skip
    assert "adjusted: CrCl 55.6 mL/min" in out
    assert "Cockcroft–Gault" in out


def test_do_not_give_band_stops_the_plan(run: Run) -> None:
    result = run(*BASE, "--patient", str(PATIENTS / "renal-stop.yaml"))
    assert result.code == 5
    assert result.err == (
        "cartplan: error: fludarabine: do not give — CrCl 25.0 mL/min is in the band < 30; "
        "rule: Fludara label: CrCl < 30 mL/min -> do not give [fludara-label]\n"
    )


def test_cyclophosphamide_only_protocol_needs_no_kidney_function(run: Run) -> None:
    result = run(
        "schedule",
        "-p",
        "lupus-cy-reduced",
        "--start",
        "2025-05-01",
        "--format",
        "json",
        "--label",
        "P-1",
        "--weight-kg",
        "70",
        "--height-cm",
        "170",
    )
    assert result.code == 0, result.err
    assert regimen(json.loads(result.out))["cyclophosphamide"]["amount_mg"] == 545  # 300 x 1.818


def test_flags_mirror_file_keys(run: Run) -> None:
    p = plan(
        run,
        "--label",
        "P-FLAGS",
        "--sex",
        "M",
        "--age",
        "65",
        "--weight-kg",
        "80",
        "--height-cm",
        "170",
        "--creatinine",
        "132.6 umol/L",
        "--crcl-weight",
        "actual",  # 80 kg is 121 % of ideal 66.0 kg: 'auto' would take the adjusted weight
    )
    assert p["patient"]["crcl_ml_min"] == 55.6  # 132.6 umol/L = 1.5 mg/dL


def test_dubois_is_selectable(run: Run) -> None:
    p = plan(run, "--patient", str(PATIENTS / "standard.yaml"), "--bsa-formula", "dubois")
    assert p["patient"]["bsa_m2"] == 1.810
    bsa = next(c for c in p["calculations"] if c["name"] == "BSA")
    assert "DuBois" in bsa["formula"]


def test_cockcroft_gault_weight_rule_is_selectable(run: Run) -> None:
    # man 65 y, 180 cm, 80 kg, creatinine 1.5: IBW 75.0 kg -> (140-65) x 75.0 / (72 x 1.5) = 52.1
    args = (
        "--label",
        "P-IBW",
        "--sex",
        "M",
        "--age",
        "65",
        "--weight-kg",
        "80",
        "--height-cm",
        "180",
        "--creatinine",
        "1.5 mg/dL",
    )
    ideal = plan(run, *args, "--crcl-weight", "ideal")
    assert ideal["patient"]["crcl_ml_min"] == 52.1
    names = [c["name"] for c in ideal["calculations"]]
    assert names == ["BSA", "IBW", "AdjBW", "CrCl"]
    # protocol default 'auto': 80 kg is 107 % of IBW 75.0 kg, within 120 %: actual weight
    assert plan(run, *args)["patient"]["crcl_ml_min"] == 55.6
    bad = run(*BASE, *args, "--crcl-weight", "lean")
    assert bad.code == 2 and "allowed auto, actual, ideal, adjusted" in bad.err
