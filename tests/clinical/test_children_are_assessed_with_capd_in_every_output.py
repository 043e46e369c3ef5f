"""ASTCT 2019: children aged 12 or under are assessed with CAPD, not ICE — in every output, decided
by age alone; an output that cannot know the age says which score applies to which ages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clinical.helpers import events, outputs, plan
from tests.conftest import Run

START = ("--start", "2025-05-01")
ADULT_ICE_GRADE_3 = "ICE 0-2"
CAPD_ITEM = "CAPD score (Cornell Assessment of Pediatric Delirium) and level of consciousness"


def plain(text: str) -> str:
    """Output with HTML and Markdown escapes undone."""
    return text.replace("&gt;", ">").replace("\\", "")


@pytest.mark.parametrize(
    "who",
    [
        ("--label", "P-KID", "--age", "8"),  # age only: no weight, no height
        ("--label", "P-KID", "--birth-date", "2016-09-01"),  # 8 years old on D0 (Jun 2025)
    ],
    ids=["age-only", "birth-date-only"],
)
def test_a_child_gets_capd_items_and_thresholds_in_every_format(
    run: Run, tmp_path: Path, who: tuple[str, ...]
) -> None:
    out = outputs(run, tmp_path, *START, *who)
    for fmt, text in out.items():
        assert "CAPD" in text, f"{fmt}: no CAPD for a child"
        assert ADULT_ICE_GRADE_3 not in text, f"{fmt}: adult ICE thresholds shown to a child"
        assert "ICE score (10 points)" not in text, f"{fmt}: adult ICE item shown to a child"
    for fmt in ("checklist-text", "checklist-markdown", "checklist-html", "ics", "json"):
        assert "CAPD >= 9" in plain(out[fmt]), fmt


def test_the_json_of_a_child_lists_only_capd_for_icans(run: Run) -> None:
    p = plan(run, *START, "--label", "P-KID", "--age", "8")
    icans = events(p)["icans-watch"]
    texts = [x["text"] for x in icans["checklist"]] + [x["criterion"] for x in icans["escalation"]]
    assert any("CAPD" in t for t in texts)
    assert not any(t.startswith("ICE") for t in texts)
    assert all(x["for"] is None for x in icans["escalation"])  # known age: no condition left
    assert p["patient"]["age"] == 8


def test_an_adult_gets_ice_and_never_capd(run: Run, tmp_path: Path) -> None:
    out = outputs(run, tmp_path, *START, "--label", "P-ADULT", "--age", "13")
    for fmt, text in out.items():
        assert "ICE" in text, fmt
        assert CAPD_ITEM not in text, f"{fmt}: CAPD item shown to a 13-year-old"
        assert "CAPD >= 9" not in plain(text), fmt


def test_without_a_patient_each_score_names_its_ages(run: Run, tmp_path: Path) -> None:
    out = outputs(run, tmp_path, *START)
    for fmt in ("checklist-text", "ics", "markdown"):
        assert "(age ≤ 12)" in out[fmt], fmt
        assert "(age ≥ 13)" in out[fmt], fmt
    icans = events(plan(run, *START))["icans-watch"]
    fors = {x["for"] for x in icans["escalation"]}
    assert fors == {"age ≥ 13", "age ≤ 12"}


def test_children_get_no_driving_line_adults_do(run: Run) -> None:
    child = events(plan(run, *START, "--label", "P-KID", "--age", "9"))
    adult = events(plan(run, *START, "--label", "P-AD", "--age", "30"))
    assert "no-driving" not in child
    assert "no-driving" in adult
    assert "no-driving" in events(plan(run, *START))  # age unknown: keep the advice


def test_children_get_bedside_schwartz_not_cockcroft_gault(run: Run) -> None:
    # 8 y, 125 cm, 25 kg, creatinine 0.5 mg/dL: eGFR = 0.413 x 125 / 0.5 = 103.25
    p = plan(
        run, *START, "--label", "P-KID", "--age", "8", "--sex", "F",
        "--weight-kg", "25", "--height-cm", "125", "--creatinine", "0.5 mg/dL",
    )  # fmt: skip
    names = [c["name"] for c in p["calculations"]]
    assert "eGFR" in names and "CrCl" not in names
    egfr = next(c for c in p["calculations"] if c["name"] == "eGFR")
    assert egfr["value"] == 103.25 and "Schwartz" in egfr["formula"]
    assert "IBW" not in names and "AdjBW" not in names  # Devine: adults from 152.4 cm only
    assert any("adult data" in w for w in p["warnings"])


def test_no_devine_ideal_weight_below_152_cm(run: Run) -> None:
    p = plan(
        run, *START, "--label", "P-SHORT", "--age", "50", "--sex", "F",
        "--weight-kg", "50", "--height-cm", "150", "--creatinine", "0.8 mg/dL",
    )  # fmt: skip
    names = [c["name"] for c in p["calculations"]]
    assert "IBW" not in names
    crcl = next(c for c in p["calculations"] if c["name"] == "CrCl")
    # (140 - 50) x 50 / (72 x 0.8) x 0.85 = 66.4 on actual weight
    assert round(crcl["value"], 1) == 66.4
    assert "no ideal weight below 152.4 cm" in crcl["formula"]


@pytest.mark.parametrize(
    ("weight", "mg", "per_kg"),
    [("25", 300, 12), ("29.9", 358.8, 12), ("30", 240, 8), ("70", 560, 8), ("110", 800, 8)],
)
def test_tocilizumab_on_site_follows_the_label_weight_rule(
    run: Run, weight: str, mg: float, per_kg: float
) -> None:
    # label: 8 mg/kg (max 800 mg); 12 mg/kg below 30 kg
    p = plan(
        run, *START, "--label", "P-T", "--age", "40", "--sex", "F",
        "--weight-kg", weight, "--height-cm", "170", "--crcl-ml-min", "95",
    )  # fmt: skip
    toci = next(r for r in events(p)["infusion"]["regimen"] if r["agent"] == "tocilizumab")
    assert toci["standby"] is True
    assert (toci["amount_mg"], toci["dose"]) == (mg, per_kg)
