"""When a medication washout makes a backward plan impossible, the error names the drug, the days
missing, and an infusion day that actually works."""

from __future__ import annotations

import re

from tests.clinical.helpers import events, plan
from tests.conftest import TODAY, Run

MED = ("--label", "P-N", "--medication", "natalizumab:2025-05-01")


def test_natalizumab_washout_names_the_drug_and_suggests_a_day_that_works(run: Run) -> None:
    # natalizumab: apheresis no earlier than Thu 12 Jun 2025; D0 on Mon 16 Jun is far too early
    result = run(
        "schedule", "-p", "lupus-flucy", "--today", TODAY, "--infusion", "2025-06-16", *MED
    )
    assert result.code == 3
    assert "natalizumab" in result.err
    assert "cannot be before Thu 12 Jun 2025" in result.err
    assert re.search(r"\d+ days too early", result.err)
    suggested = re.search(r"--infusion (\d{4}-\d{2}-\d{2})", result.err)
    assert suggested is not None
    p = plan(run, "--infusion", suggested[1], *MED)
    assert p["day0"] == suggested[1]
    assert events(p)["apheresis"]["start"] >= "2025-06-12"
