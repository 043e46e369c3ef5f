"""`--format json` is a documented, stable interface: pinned against exact expected output."""

from __future__ import annotations

import json

from tests.conftest import GOLDEN, TODAY, Run

ARGS = ("schedule", "--protocol", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


def test_json_matches_the_golden_file_exactly(run: Run) -> None:
    result = run(*ARGS, "--format", "json")
    assert result.code == 0, result.err
    assert result.out == (GOLDEN / "lupus-flucy-2025-05-01.json").read_text()


def test_markdown_matches_the_golden_file_exactly(run: Run) -> None:
    result = run(*ARGS, "--format", "markdown")
    assert result.code == 0, result.err
    assert result.out == (GOLDEN / "lupus-flucy-2025-05-01.md").read_text()


def test_lupus_flucy_from_1_may_2025_hand_computed(run: Run) -> None:
    """Dates worked out by hand from the protocol text, independent of the golden file.

    Start Thu 1 May; 21-day washout -> apheresis Thu 22 May; manufacturing 12 days 23 May - 3 Jun;
    QC 7 days -> release Tue 10 Jun; product on site +1 -> LD Wed 11 - Fri 13 Jun (D-5..D-3);
    D0 Mon 16 Jun; IEC-HS D4..D32 = 20 Jun - 18 Jul; M3 visit Tue 16 Sep.
    """
    plan = json.loads(run(*ARGS, "--format", "json").out)
    ev = {e["id"]: e for e in plan["events"]}
    assert plan["protocol"] == {
        "id": "lupus-flucy",
        "version": "2.0.0",
        "title": plan["protocol"]["title"],
    }
    assert plan["day0"] == "2025-06-16"
    assert (ev["washout"]["start"], ev["washout"]["end"]) == ("2025-05-01", "2025-05-21")
    assert ev["apheresis"]["start"] == ev["apheresis"]["end"] == "2025-05-22"
    assert (ev["manufacturing"]["start"], ev["manufacturing"]["end"]) == (
        "2025-05-23",
        "2025-06-03",
    )
    assert ev["release"]["start"] == "2025-06-10"
    ld = ev["lymphodepletion"]
    assert (ld["start"], ld["end"], ld["day"], ld["day_end"]) == (
        "2025-06-11",
        "2025-06-13",
        -5,
        -3,
    )
    assert [(r["agent"], r["dose"], r["unit"], r["days"]) for r in ld["regimen"]] == [
        ("fludarabine", 25.0, "mg/m2", [-5, -4, -3]),
        ("cyclophosphamide", 1000.0, "mg/m2", [-3]),
    ]
    assert ev["infusion"]["stage"] == "infusion" and ev["infusion"]["day"] == 0
    iec = ev["iec-hs-watch"]
    assert (iec["start"], iec["end"], iec["day"], iec["day_end"], iec["watch"]) == (
        "2025-06-20",
        "2025-07-18",
        4,
        32,
        ["iec-hs"],
    )
    assert ev["fu-m3"]["start"] == "2025-09-16"


def test_every_event_carries_the_contract_fields(run: Run) -> None:
    plan = json.loads(run(*ARGS, "--format", "json").out)
    assert {"protocol", "day0", "events"} <= set(plan)
    stages = {
        "washout",
        "apheresis",
        "manufacturing",
        "release",
        "lymphodepletion",
        "infusion",
        "monitoring",
        "follow-up",
        "other",
    }
    for e in plan["events"]:
        assert {"id", "stage", "title", "start", "end", "day", "day_end", "teams"} <= set(e)
        assert e["stage"] in stages
        assert e["start"] <= e["end"]
        if e["stage"] == "monitoring":
            assert e["watch"]
        if e["stage"] == "lymphodepletion":
            assert all({"agent", "dose", "unit", "days"} <= set(r) for r in e["regimen"])
