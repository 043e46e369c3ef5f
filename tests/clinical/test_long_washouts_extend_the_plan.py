"""EBMT 2024 Table 5: a drug's interval may be longer than the protocol's usual washout range; the
washout then extends, naming the drug; only a protocol hard limit makes the plan infeasible."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartplan.sources import catalogue

from tests.clinical.helpers import events, plan
from tests.conftest import TODAY, Run

START = ("--start", "2025-05-01", "--label", "P-W")


def test_natalizumab_stopped_at_the_washout_start_extends_the_washout_to_6_weeks(
    run: Run,
) -> None:
    # last dose Thu 1 May 2025 + 42 days = Thu 12 Jun 2025, a working day
    p = plan(run, *START, "--medication", "natalizumab:2025-05-01")
    ev = events(p)
    assert ev["apheresis"]["start"] == "2025-06-12"
    assert ev["washout"]["end"] == "2025-06-11"
    assert "natalizumab" in ev["apheresis"]["notes"][0]
    assert any(
        w.startswith("washout-range:") and "42 days" in w and "natalizumab" in w
        for w in p["warnings"]
    )


def test_cladribine_6_months_extends_instead_of_failing(run: Run) -> None:
    # last dose Sat 1 Mar 2025 + 6 months = Mon 1 Sep 2025
    ev = events(plan(run, *START, "--medication", "cladribine:2025-03-01"))
    assert ev["apheresis"]["start"] == "2025-09-01"


def test_a_protocol_hard_limit_makes_it_infeasible_and_names_the_drug(
    run: Run, tmp_path: Path
) -> None:
    text = catalogue.find("lupus-flucy").path.read_text(encoding="utf-8")
    assert "  medication_extends: true\n" in text
    hard = text.replace(
        "  medication_extends: true\n", "  medication_extends: true\n  hard_max: 35\n"
    )
    path = tmp_path / "lupus-flucy.yaml"
    path.write_text(hard, encoding="utf-8")
    result = run(
        "schedule", "-p", str(path), "--today", TODAY, *START,
        "--medication", "natalizumab:2025-05-01",
    )  # fmt: skip
    assert result.code == 3
    assert "natalizumab" in result.err and "hard limit of 35" in result.err


@pytest.mark.parametrize(
    "drug",
    ["leflunomide", "nintedanib", "abatacept", "etanercept", "anakinra", "ivig", "telitacicept"],
)
def test_common_drugs_missing_from_ebmt_are_known_and_flagged(run: Run, drug: str) -> None:
    p = plan(run, *START, "--medication", f"{drug}:2025-04-01")
    assert any(w.startswith(f"{drug}: classed as") and "assumption" in w for w in p["warnings"])


def test_inebilizumab_is_flagged_as_anti_cd19(run: Run) -> None:
    p = plan(run, *START, "--medication", "inebilizumab:2025-04-01")
    assert any("anti-CD19" in w for w in p["warnings"])


def test_an_unknown_drug_is_refused_with_the_classes_and_the_way_to_name_one(run: Run) -> None:
    result = run(
        "schedule", "-p", "lupus-flucy", "--today", TODAY, *START,
        "--medication", "unobtainium:2025-04-01",
    )  # fmt: skip
    assert result.code == 2
    assert "anti-cytokine-antibody" in result.err and "DRUG=CLASS" in result.err


def test_drug_equals_class_states_the_class_and_is_reported(run: Run) -> None:
    # >= 1 month: Tue 15 Apr -> Thu 15 May 2025, before the usual 21 days (Thu 22 May) decide
    p = plan(run, *START, "--medication", "newmab=anti-cytokine-antibody:2025-04-15")
    assert events(p)["apheresis"]["start"] == "2025-05-22"
    assert any("newmab: washout class anti-cytokine-antibody as stated" in w for w in p["warnings"])
