"""The protocol says how a medication washout is judged and from which step: the EBMT table
before the apheresis (default), stop-before N days before an anchor (LD, the first dose) with
the protocol's glucocorticoid limit, or none (immunosuppressants continue). Daratumumab within
6 weeks before a new leukapheresis is flagged; a re-treatment with a stored lot is not."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from tests.conftest import FIXTURES, Run

ISSUE12 = FIXTURES / "protocols" / "issue12"
TODAY = "2026-01-01"


def plan(run: Run, name: str, *args: str) -> dict[str, Any]:
    result = run(
        "schedule",
        "--protocol",
        str(ISSUE12 / f"{name}.yaml"),
        "--today",
        TODAY,
        "--label",
        "P-12",
        "--format",
        "json",
        *args,
    )
    assert result.code == 0, result.err
    out: dict[str, Any] = json.loads(result.out)
    return out


def events(p: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in p["events"]}


def start(e: dict[str, Any]) -> date:
    return date.fromisoformat(e["start"])


def test_stop_before_zero_days_anchored_to_ld_moves_ld_not_apheresis(run: Run) -> None:
    # mycophenolate until 30 Jan: the LD (D-5) may start that day at the earliest; the
    # apheresis (the plan's first day) is not held back by it
    p = plan(
        run,
        "resecel-ld-anchor",
        "--start",
        "2026-01-05",
        "--medication",
        "mycophenolate:2026-01-01",
    )
    ev = events(p)
    assert start(ev["apheresis"]) == date(2026, 1, 5)
    assert start(ev["ld"]) >= date(2026, 1, 1)
    late = plan(
        run,
        "resecel-ld-anchor",
        "--infusion",
        "2026-03-02",
        "--medication",
        "mycophenolate:2026-01-01",
    )
    assert start(events(late)["ld"]) == date(2026, 2, 25)


def test_stop_before_counts_from_the_anchor_and_says_so(run: Run) -> None:
    # teclistamab-like: immunosuppressants stopped 14 days before the first dose
    p = plan(
        run, "engager-stepup", "--infusion", "2026-01-19", "--medication", "azathioprine:2026-01-05"
    )
    assert start(events(p)["step1"]) == date(2026, 1, 19)
    result = run(
        "schedule",
        "--protocol",
        str(ISSUE12 / "engager-stepup.yaml"),
        "--today",
        TODAY,
        "--label",
        "P-12",
        "--infusion",
        "2026-01-16",
        "--medication",
        "azathioprine:2026-01-05",
    )
    assert result.code == 3
    assert "azathioprine last dose Mon 05 Jan 2026 needs >= 14 days before step1" in result.err
    assert "Mon 19 Jan 2026" in result.err


def test_the_protocols_glucocorticoid_limit_is_strictly_below(run: Run) -> None:
    def notes(dose: str) -> list[str]:
        p = plan(
            run,
            "engager-stepup",
            "--start",
            "2026-01-05",
            "--medication",
            f"prednisone:2026-01-01:{dose}",
        )
        return events(p)["step1"]["notes"]

    assert notes("4 mg/day") == []
    assert notes("5 mg/day") == [
        "prednisone 5 mg/day: reduce to below 5 mg/day prednisone-equivalent (the protocol's "
        "limit) — by Mon 12 Jan 2026"
    ]


def test_the_ebmt_default_keeps_its_limit_of_ten(run: Run) -> None:
    # LD-anchored stop-before without a limit of its own: EBMT <= 10 mg/day
    p = plan(
        run,
        "resecel-ld-anchor",
        "--start",
        "2026-01-05",
        "--medication",
        "prednisone:2026-01-01:10 mg/day",
    )
    assert not any("reduce" in n for e in p["events"] for n in e["notes"])


def test_policy_none_keeps_immunosuppressants_and_notes_it(run: Run) -> None:
    p = plan(
        run,
        "mrna-weekly",
        "--start",
        "2026-01-05",
        "--medication",
        "mycophenolate:2026-01-04",
        "--medication",
        "prednisone:2026-01-04:20 mg/day",
    )
    assert start(events(p)["apheresis"]) == date(2026, 1, 5)
    assert not any(e["notes"] for e in p["events"])
    assert (
        "immunosuppressants continue under this protocol (no washout): mycophenolate, prednisone"
        in p["warnings"]
    )


def test_daratumumab_within_six_weeks_of_a_new_leukapheresis_is_flagged(run: Run) -> None:
    p = plan(run, "mrna-weekly", "--start", "2026-01-05", "--medication", "daratumumab:2025-12-20")
    assert (
        "daratumumab last dose Sat 20 Dec 2025 is 16 days before the leukapheresis on "
        "Mon 05 Jan 2026: EBMT asks for >= 6 weeks (Greco 2024); the team decides"
    ) in p["warnings"]
    later = plan(
        run, "mrna-weekly", "--start", "2026-02-02", "--medication", "daratumumab:2025-12-20"
    )
    assert not any("daratumumab" in w and "leukapheresis" in w for w in later["warnings"])


def test_a_retreatment_with_a_stored_lot_is_not_flagged(run: Run) -> None:
    p = plan(
        run, "retreatment-thaw", "--start", "2026-01-05", "--medication", "daratumumab:2025-12-20"
    )
    assert not any("leukapheresis" in w for w in p["warnings"])
    # the EBMT interval (6 weeks) counts back from LD, the washout's anchor
    ev = events(p)
    assert start(ev["ld"]) >= date(2026, 1, 31)
    assert not any(e["stage"] in ("apheresis", "manufacturing") for e in p["events"])
