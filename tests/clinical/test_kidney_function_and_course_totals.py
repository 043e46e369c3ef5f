"""Kidney function for dosing: Cockcroft-Gault on adjusted body weight in obesity, a renal rule for
cyclophosphamide, and course totals that add up the dispensed daily doses."""

from __future__ import annotations

from typing import Any

from tests.clinical.helpers import events, plan
from tests.conftest import Run

START = ("--start", "2025-05-01", "--label", "P-K")


def regimen(p: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["agent"]: r for r in events(p)["lymphodepletion"]["regimen"]}


def crcl(p: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in p["calculations"] if c["name"] == "CrCl")


def test_an_obese_patient_is_dosed_on_adjusted_body_weight(run: Run) -> None:
    # F 45 y, 160 cm, 120 kg, SCr 1.2 mg/dL (clinical-facts-2 1.4):
    # IBW = 45.5 + 2.3 x (160/2.54 - 60) = 52.4 kg; 120 kg is 229 % of it (> 120 %)
    # AdjBW = 52.4 + 0.4 x (120 - 52.4) = 79.4 kg
    # CrCl = (140 - 45) x 79.4 / (72 x 1.2) x 0.85 = 74.2 mL/min (112.2 on actual weight)
    p = plan(
        run, *START, "--sex", "F", "--age", "45", "--weight-kg", "120",
        "--height-cm", "160", "--creatinine", "1.2 mg/dL",
    )  # fmt: skip
    assert p["patient"]["crcl_ml_min"] == 74.2
    assert (
        "adjusted weight: actual 120 kg is 229% of ideal 52.4 kg, above 120%" in crcl(p)["formula"]
    )
    flu = regimen(p)["fludarabine"]
    assert flu["dose"] == 20  # label band 50-79 mL/min
    assert "Fludara label" in flu["adjustment"]["rule"]


def test_weight_below_ideal_uses_actual_weight(run: Run) -> None:
    # F 40 y, 170 cm (IBW 61.4 kg), 50 kg, SCr 0.8: (100 x 50) / (72 x 0.8) x 0.85 = 73.8
    p = plan(
        run, *START, "--sex", "F", "--age", "40", "--weight-kg", "50",
        "--height-cm", "170", "--creatinine", "0.8 mg/dL",
    )  # fmt: skip
    assert p["patient"]["crcl_ml_min"] == 73.8
    assert "actual weight: below ideal 61.4 kg" in crcl(p)["formula"]


def test_cyclophosphamide_below_the_renal_threshold_is_flagged(run: Run) -> None:
    p = plan(
        run, *START, "--sex", "F", "--age", "40", "--weight-kg", "70",
        "--height-cm", "170", "--crcl-ml-min", "45",
    )  # fmt: skip
    warning = next(w for w in p["warnings"] if w.startswith("cyclophosphamide:"))
    assert "CrCl 45.0 mL/min" in warning and "50 %" in warning and "assumption" in warning
    assert regimen(p)["cyclophosphamide"]["adjustment"] is None  # the physician decides


def test_course_total_is_the_sum_of_dispensed_daily_doses(run: Run) -> None:
    # 25 mg/m2 x 1.818 m2 = 45.45 -> 45.5 mg a day, dispensed three times: 136.5 mg
    p = plan(
        run, *START, "--sex", "F", "--age", "40", "--weight-kg", "70",
        "--height-cm", "170", "--crcl-ml-min", "95",
    )  # fmt: skip
    flu = regimen(p)["fludarabine"]
    assert (flu["amount_mg"], flu["total_mg"]) == (45.5, 136.5)
    assert flu["total_mg"] == flu["amount_mg"] * len(flu["days"])
