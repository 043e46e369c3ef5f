"""EBMT 2024: <= 10 mg/day prednisone or equivalent by 7 days before leukapheresis and again
before lymphodepletion; equivalents from the standard tables; hydrocortisone replacement is kept."""

from __future__ import annotations

import pytest

from tests.clinical.helpers import events, plan
from tests.conftest import Run

START = ("--start", "2025-05-01", "--label", "P-GC")


def notes(run: Run, medication: str) -> tuple[list[str], list[str], list[str]]:
    p = plan(run, *START, "--medication", medication)
    ev = events(p)
    return ev["washout"]["notes"], ev["lymphodepletion"]["notes"], p["warnings"]


def test_dexamethasone_4_mg_is_prednisone_26_7_mg_and_must_be_reduced(run: Run) -> None:
    # 4 / 0.15 = 26.7 mg prednisone > 10: taper by apheresis - 7 (Thu 22 May - 7 = Thu 15 May)
    washout, ld, _ = notes(run, "dexamethasone:2025-04-30:4 mg/day")
    assert washout == [
        "dexamethasone 4 mg/day ≈ prednisone 26.7 mg/day: reduce to <= 10 mg/day "
        "prednisone-equivalent (EBMT 2024) — by Thu 15 May 2025"
    ]
    # and again before the first LD dose (Wed 11 Jun 2025)
    assert len(ld) == 1 and ld[0].startswith("dexamethasone 4 mg/day ≈ prednisone 26.7 mg/day")
    assert "before the first lymphodepletion dose — by Wed 11 Jun 2025" in ld[0]


@pytest.mark.parametrize(
    ("medication", "equivalent"),
    [
        ("methylprednisolone:2025-04-30:16 mg/day", "prednisone 20.0 mg/day"),  # 16 / 0.8
        ("deflazacort:2025-04-30:18 mg/day", "prednisone 15.0 mg/day"),  # 18 / 1.2
        ("hydrocortisone:2025-04-30:60 mg/day", "prednisone 15.0 mg/day"),  # 60 / 4
    ],
)
def test_doses_above_10_mg_prednisone_equivalent_get_a_taper_task(
    run: Run, medication: str, equivalent: str
) -> None:
    washout, ld, _ = notes(run, medication)
    assert equivalent in washout[0] and "reduce to <= 10 mg/day" in washout[0]
    assert ld


@pytest.mark.parametrize(
    "medication",
    ["methylprednisolone:2025-04-30:8 mg/day", "dexamethasone:2025-04-30:1.5 mg/day"],
)
def test_doses_at_most_10_mg_prednisone_equivalent_need_nothing(run: Run, medication: str) -> None:
    # 8 / 0.8 = 10.0 and 1.5 / 0.15 = 10.0: at the limit, allowed
    washout, ld, _ = notes(run, medication)
    assert (washout, ld) == ([], [])


def test_hydrocortisone_replacement_is_a_warning_never_a_reduce_task(run: Run) -> None:
    washout, ld, warnings = notes(run, "hydrocortisone:2025-04-30:20 mg/day")
    assert (washout, ld) == ([], [])
    assert any("adrenal replacement" in w and "keep it" in w for w in warnings)
    assert not any("reduce" in w for w in warnings)
