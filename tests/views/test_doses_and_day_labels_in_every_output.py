"""Issue 12 in what people read: each dose of a series is an event of its own (timeline, .ics,
checklists) titled "dose k of n", with its own watch window; a protocol that counts from day 1
shows "D1, D3, D5" everywhere while JSON keeps the internal day; mg/kg regimens and
premedication show mg for the patient's weight; `protocols list` shows the modality."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, Run

ISSUE12 = FIXTURES / "protocols" / "issue12"
PATIENT = (
    "--label",
    "P-12",
    "--weight-kg",
    "70",
    "--height-cm",
    "170",
    "--age",
    "40",
    "--sex",
    "F",
)


def schedule(run: Run, name: str, *args: str) -> str:
    result = run(
        "schedule", "--protocol", str(ISSUE12 / f"{name}.yaml"), "--start", "2026-01-05",
        "--today", "2026-01-01", *args,
    )  # fmt: skip
    assert result.code == 0, result.err
    return result.out


def checklist(run: Run, name: str, day: str, *args: str) -> str:
    result = run(
        "checklist", "--protocol", str(ISSUE12 / f"{name}.yaml"), "--start", "2026-01-05",
        "--today", "2026-01-01", "--day", day, *args,
    )  # fmt: skip
    assert result.code == 0, result.err
    return result.out


def test_day_origin_1_labels_the_doses_day_1_3_5(run: Run) -> None:
    table = schedule(run, "engager-stepup")
    assert "D1 infusion Mon 19 Jan 2026" in table
    rows = [x for x in table.splitlines() if "Step-up dose" in x or "Treatment dose" in x]
    assert [r.split()[2] for r in rows] == ["D1", "D3", "D5"]
    assert "D0" not in table.replace("D0 ", "")  # no day 0 anywhere (the header names D1)
    md = schedule(run, "engager-stepup", "--format", "markdown")
    assert "| D1 | Step-up dose 1" in md and "| D5 | Treatment dose" in md


def test_json_keeps_the_internal_day(run: Run) -> None:
    plan = json.loads(schedule(run, "engager-stepup", "--format", "json"))
    days = {e["id"]: e["day"] for e in plan["events"]}
    assert (days["step1"], days["step2"], days["step3"]) == (0, 2, 4)


def test_calendars_and_checklists_use_the_shifted_label(run: Run) -> None:
    ics = schedule(run, "engager-stepup", "--ics", "-")
    assert "SUMMARY:Step-up dose 2 D3" in ics
    assert "SUMMARY:CRS/ICANS watch D1–D7" in ics
    sheet = checklist(run, "engager-stepup", "3")  # asked in the protocol's own numbers
    assert "Wed 21 Jan 2026 · D3 ·" in sheet
    assert "* Step-up dose 2" in sheet
    assert "D1 Mon 19 Jan 2026" in sheet.splitlines()[0]


def test_day_0_does_not_exist_when_counting_from_day_1(run: Run) -> None:
    result = run(
        "checklist", "--protocol", str(ISSUE12 / "engager-stepup.yaml"), "--start", "2026-01-05",
        "--today", "2026-01-01", "--day", "0",
    )  # fmt: skip
    assert result.code == 2
    assert "counts from day 1 (no day 0)" in result.err


def test_mg_per_kg_doses_are_mg_for_a_70_kg_patient(run: Run) -> None:
    plan = json.loads(schedule(run, "engager-stepup", "--format", "json", *PATIENT))
    amounts = [
        r["amount_mg"]
        for e in plan["events"]
        for r in e.get("regimen", [])
        if r["agent"] == "teclistamab"
    ]
    assert amounts == [4.2, 21, 105]
    table = schedule(run, "engager-stepup", *PATIENT)
    for text in ("0.06 mg/kg = 4.2", "0.3 mg/kg = 21", "1.5 mg/kg = 105"):
        assert text in table


def test_premedication_is_shown_per_dose_in_mg(run: Run) -> None:
    plan = json.loads(schedule(run, "engager-stepup", "--format", "json", *PATIENT))
    pre = {e["id"]: e.get("premedication") for e in plan["events"]}
    assert pre["watch"] is None
    for sid, day in (("step1", 0), ("step2", 2), ("step3", 4)):
        entry: dict[str, Any] = pre[sid][0]  # type: ignore[index]
        assert (entry["agent"], entry["amount_mg"], entry["days"]) == ("dexamethasone", 16, [day])
    sheet = checklist(run, "engager-stepup", "5", *PATIENT)
    assert "premedication dexamethasone: 16 mg" in sheet
    assert "teclistamab: 105 mg (1.5 mg/kg)" in sheet
    md = schedule(run, "engager-stepup", "--format", "markdown", *PATIENT)
    assert "premedication: dexamethasone 16 mg = 16 mg/day on D5" in md


def test_each_dose_is_its_own_event_with_its_own_watch(run: Run) -> None:
    ics = schedule(run, "carnk-series", "--ics", "-")
    for k, days in ((1, "D0"), (2, "D3"), (3, "D6")):
        assert f"SUMMARY:CAR-NK infusion (dose {k} of 3) {days}" in ics
    for k, days in ((1, "D0–D2"), (2, "D3–D5"), (3, "D6–D8")):
        assert f"SUMMARY:CRS/ICANS watch (after dose {k} of 3) {days}" in ics
    assert ics.count("BEGIN:VEVENT") == 9
    sheet = checklist(run, "carnk-series", "3")
    assert "* CAR-NK infusion (dose 2 of 3)" in sheet
    assert "CAR-NK: 2x10^9 CAR-NK cells (flat dose)" in sheet  # the product's own cells
    assert "* CRS/ICANS watch (after dose 2 of 3) — day 1 of 3" in sheet


def test_six_weekly_infusions_in_the_calendar(run: Run) -> None:
    ics = schedule(run, "mrna-weekly", "--ics", "-")
    starts = [
        line.split(":")[1]
        for block in ics.split("BEGIN:VEVENT")[1:]
        if "SUMMARY:Infusion (dose" in block
        for line in block.splitlines()
        if line.startswith("DTSTART")
    ]
    assert starts == ["20260126", "20260202", "20260209", "20260216", "20260223", "20260302"]
    assert "Lymphodepletion" not in ics


def test_cycles_are_named_in_titles(run: Run) -> None:
    table = schedule(run, "resecel-ld-anchor", "--format", "markdown")
    assert "| D168 | Infusion (cycle 2 of 2) |" in table


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_protocols_list_shows_the_modality(
    run: Run, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "carnk-series.yaml").write_text((ISSUE12 / "carnk-series.yaml").read_text())
    monkeypatch.setenv("CARTPLAN_PROTOCOL_PATH", str(tmp_path))
    result = run("protocols", "list", "--format", fmt)
    assert result.code == 0, result.err
    if fmt == "text":
        assert "carnk-series\tv0.1\tcar-nk\tCAR-NK series fixture" in result.out
        assert "lupus-flucy\tv2.0.0\tautologous-car-t\t" in result.out
    else:
        rows = {r["id"]: r for r in json.loads(result.out)}
        assert rows["carnk-series"]["modality"] == "car-nk"
        assert rows["carnk-series"]["shipped"] is False
        assert rows["lupus-flucy"]["modality"] == "autologous-car-t"
