"""BSA, ideal/adjusted weight and Cockcroft-Gault, against values computed independently.

Expected values: clinical-facts.md sections 5.1-5.3 (worked examples computed by hand there).
"""

from __future__ import annotations

import pytest

from cartplan.i18n import render
from cartplan.patient.dosing import (
    adjusted_weight,
    bsa,
    cockcroft_gault,
    ideal_weight,
    round_half_up,
)

# height cm, weight kg, Mosteller, DuBois (to 3 decimals)
BSA_CASES = [
    (170, 70, 1.818, 1.810),
    (165, 60, 1.658, 1.659),
    (160, 95, 2.055, 1.972),
    (180, 120, 2.449, 2.372),
]


@pytest.mark.parametrize(("h", "w", "mosteller", "dubois"), BSA_CASES)
def test_bsa(h: float, w: float, mosteller: float, dubois: float) -> None:
    assert round(bsa(h, w, "mosteller").value, 3) == mosteller
    assert round(bsa(h, w, "dubois").value, 3) == dubois


@pytest.mark.parametrize(
    ("sex", "h", "ibw"), [("F", 165, 56.9), ("M", 180, 75.0), ("F", 160, 52.4)]
)
def test_ideal_body_weight_devine(sex: str, h: float, ibw: float) -> None:
    assert round(ideal_weight(sex, h).value, 1) == ibw


def test_adjusted_body_weight() -> None:
    ibw = ideal_weight("F", 160).value
    assert round(adjusted_weight(ibw, 95).value, 1) == 69.4


@pytest.mark.parametrize(
    ("age", "w", "scr", "sex", "crcl"), [(65, 80, 1.5, "M", 55.6), (40, 60, 0.8, "F", 88.5)]
)
def test_cockcroft_gault(age: int, w: float, scr: float, sex: str, crcl: float) -> None:
    assert round(cockcroft_gault(age, w, scr, sex, "actual").value, 1) == crcl


def test_formulas_show_their_inputs() -> None:
    # formulas are messages; their English rendering shows each input
    assert "√(170 cm × 70 kg / 3600)" in render(bsa(170, 70, "mosteller").formula)
    assert "(140 − 65) × 80.0 kg" in render(cockcroft_gault(65, 80, 1.5, "M", "actual").formula)


@pytest.mark.parametrize(
    ("value", "step", "rounded"),
    [(45.45, 0.1, 45.5), (136.35, 0.1, 136.4), (1818.12, 1, 1818), (2.5, 1, 3), (0.05, 0.1, 0.1)],
)
def test_rounding_is_half_up_in_decimal(value: float, step: float, rounded: float) -> None:
    assert round_half_up(value, step) == rounded
