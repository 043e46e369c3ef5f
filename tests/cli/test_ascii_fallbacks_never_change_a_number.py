"""A character the terminal cannot show is written the way people type it, and never so that a
number changes: 10⁶ is 10^6 (not 106), ½ is 1/2 (not 12), 10⁻³ is 10^-3; a unit's square
stays m2. What has no spelling at all is the only '?'."""

from __future__ import annotations

import pytest

from cartplan.views.terminal import encodable


@pytest.mark.parametrize(
    ("text", "ascii"),
    [
        ("1×10⁶ cells/kg", "1x10^6 cells/kg"),
        ("2.5×10⁸", "2.5x10^8"),
        ("10¹²", "10^12"),
        ("10⁻³", "10^-3"),
        ("s⁻¹", "s^-1"),
        ("(a+b)²", "(a+b)^2"),
        ("BSA 1.818 m² = √(170 cm × 70 kg / 3600)", "BSA 1.818 m2 = sqrt(170 cm x 70 kg / 3600)"),
        ("½ dose", "1/2 dose"),
        ("¼", "1/4"),
        ("D-5 → D0", "D-5 -> D0"),
        ("7–28 days — at most", "7-28 days - at most"),
        ("CAPD ≥ 9, ICE ≤ 6", "CAPD >= 9, ICE <= 6"),
        ("☐ done ☑", "[ ] done [x]"),
        ("106 µmol/L (μ)", "106 umol/L (u)"),
        ("T ≥ 38.0 °C", "T >= 38.0 degC"),
        ("5°C", "5 degC"),
        ("± 2 ≈ 3", "+/- 2 ~ 3"),
        ("Zürich, Göttingen", "Zurich, Gottingen"),
        ("雪", "?"),
    ],
)
def test_ascii_spelling(text: str, ascii: str) -> None:
    assert encodable(text, "ascii") == ascii


@pytest.mark.parametrize(
    ("text", "cp1252"),
    [
        ("10¹⁶", "10^16"),  # ¹ is in cp1252, ⁶ is not: the whole exponent in one spelling
        ("1.818 m²", "1.818 m²"),  # what the encoding has stays
        ("D-5 → D0 · 106 µmol/L", "D-5 -> D0 · 106 µmol/L"),
        ("☐", "[ ]"),
    ],
)
def test_cp1252_keeps_what_it_has(text: str, cp1252: str) -> None:
    assert encodable(text, "cp1252") == cp1252


def test_an_unknown_encoding_falls_back_to_ascii() -> None:
    assert encodable("→ 10⁶", "no-such-codec") == "-> 10^6"
