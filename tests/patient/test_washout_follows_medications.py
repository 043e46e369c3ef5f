"""The medication history sets the earliest apheresis (EBMT intervals); never silently extended."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from tests.conftest import TODAY, Run

BASE = ("schedule", "--protocol", "lupus-flucy", "--today", TODAY, "--label", "P-W")


def events(run: Run, *args: str) -> dict[str, dict[str, Any]]:
    result = run(*BASE, "--format", "json", *args)
    assert result.code == 0, result.err
    return {e["id"]: e for e in json.loads(result.out)["events"]}


def test_mycophenolate_10_days_before_start_keeps_14_days(run: Run) -> None:
    ev = events(
        run,
        "--start",
        "2025-05-01",
        "--set",
        "washout_days=7",
        "--medication",
        "mycophenolate mofetil:2025-04-21",
    )
    apheresis = date.fromisoformat(ev["apheresis"]["start"])
    assert (apheresis - date(2025, 4, 21)).days >= 14
    # washout 7 days would collect on Thu 8 May; mycophenolate needs Mon 5 May -> not binding
    assert apheresis == date(2025, 5, 8)


def test_anti_cytokine_antibody_moves_apheresis_and_says_why(run: Run) -> None:
    # tocilizumab 25 Apr -> >= 1 month -> 25 May (Sunday) -> Mon 26 May, 25 days of washout
    ev = events(
        run,
        "--start",
        "2025-05-01",
        "--set",
        "washout_days=14",
        "--medication",
        "tocilizumab:2025-04-25",
    )
    assert ev["apheresis"]["start"] == "2025-05-26"
    assert ev["apheresis"]["notes"][0].startswith("moved from Thu 15 May 2025: tocilizumab")
    assert "Anti-cytokine antibodies" in ev["apheresis"]["notes"][0]


def test_unknown_drug_lists_the_known_classes(run: Run) -> None:
    result = run(*BASE, "--start", "2025-05-01", "--medication", "unobtainium:2025-04-01")
    assert result.code == 2
    assert "medication 'unobtainium' is not a known drug or class" in result.err
    assert "b-cell-antibody" in result.err and "anti-cytokine-antibody" in result.err


def test_a_drug_class_name_is_accepted(run: Run) -> None:
    ev = events(run, "--start", "2025-05-01", "--medication", "b-cell-antibody:2025-04-28")
    assert ev["apheresis"]["start"] == "2025-05-22"


def test_prednisone_above_10_mg_gets_a_dated_taper_task(run: Run) -> None:
    ev = events(run, "--start", "2025-05-01", "--medication", "prednisone:2025-04-30:15 mg/day")
    assert ev["washout"]["notes"] == [
        "prednisone 15 mg/day: reduce to <= 10 mg/day prednisone-equivalent (EBMT 2024) "
        "— by Thu 15 May 2025"
    ]


def test_glucocorticoid_without_dose_is_refused(run: Run) -> None:
    result = run(*BASE, "--start", "2025-05-01", "--medication", "prednisone:2025-04-30")
    assert result.code == 2 and "needs its current dose" in result.err


def test_prior_rituximab_extends_immune_follow_up(run: Run) -> None:
    with_rtx = events(run, "--start", "2025-05-01", "--medication", "rituximab:2025-03-10")
    without = events(run, "--start", "2025-05-01")
    assert {"fu-m30-immune", "fu-m36-immune"} <= set(with_rtx)
    assert not {"fu-m30-immune", "fu-m36-immune"} & set(without)
