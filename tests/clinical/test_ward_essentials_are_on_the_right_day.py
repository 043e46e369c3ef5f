"""Ward essentials (clinical-facts-2 1.6) appear on the sheet of the day they belong to."""

from __future__ import annotations

from tests.conftest import TODAY, Run

BASE = ("checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


def sheet(run: Run, day: str, *args: str) -> str:
    result = run(*BASE, "--day", day, *args)
    assert result.code == 0, result.err
    return result.out


def test_mesna_and_antiemetics_only_on_cyclophosphamide_days(run: Run) -> None:
    assert "mesna" in sheet(run, "-3").lower()  # lupus-flucy: Cy on D-3 only
    assert "mesna" not in sheet(run, "-5").lower()


def test_pregnancy_test_for_women_only_hbv_and_spo2_for_all(run: Run) -> None:
    # lupus-flucy from 2025-05-01: pre-LD check on Tue 10 Jun 2025 = D-6
    woman = sheet(run, "-6", "--label", "P-F", "--sex", "F")
    man = sheet(run, "-6", "--label", "P-M", "--sex", "M")
    unknown = sheet(run, "-6")
    assert "pregnancy" in woman.lower() and "pregnancy" not in man.lower()
    assert "pregnancy" in unknown.lower() and "(women)" in unknown
    for text in (woman, man):
        assert "HBV" in text and "SpO2" in text


def test_tocilizumab_dose_in_mg_is_on_the_infusion_sheet(run: Run) -> None:
    text = sheet(
        run, "0", "--label", "P-T", "--sex", "F", "--age", "40",
        "--weight-kg", "70", "--height-cm", "170", "--crcl-ml-min", "95",
    )  # fmt: skip
    assert "tocilizumab on site: 560 mg (8 mg/kg)" in text
    assert "[ ] on site" in text


def test_anticonvulsant_prophylaxis_only_with_cns_involvement(run: Run) -> None:
    assert "levetiracetam" in sheet(run, "1", "--label", "P-N", "--cns-involvement").lower()
    assert "levetiracetam" not in sheet(run, "1", "--label", "P-N").lower()
    assert "levetiracetam" not in sheet(run, "1").lower()


def test_monthly_igg_cd4_and_yearly_long_term_follow_up_are_planned(run: Run) -> None:
    import json

    result = run(
        "schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
        "--format", "json",
    )  # fmt: skip
    ids = [e["id"] for e in json.loads(result.out)["events"]]
    texts = result.out
    assert sum("IgG and CD4" in e["title"] for e in json.loads(result.out)["events"]) >= 6
    years = [i for i in ids if i.startswith("ltfu-y")]
    assert years[-1] == "ltfu-y15" and len(years) == 13
    assert "malignanc" in texts.lower()
