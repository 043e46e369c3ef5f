"""The issue-12 protocols plan the schedules the sources publish (clinical-facts-2 §2): six weekly
mRNA CAR-T infusions without lymphodepletion, teclistamab step-up in mg for the patient's weight
on days 1, 3 and 5, three CAR-NK infusions after Flu/Cy d-5..-3, an allogeneic product without
washout, apheresis or manufacturing, rese-cel's washout anchored to lymphodepletion, and a
re-treatment that thaws a stored lot."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from cartplan.protocol.format import Stage
from cartplan.sources import catalogue

from tests.conftest import TODAY, Run

NEW = [
    "allo-cd19",
    "carnk-cd19-sle",
    "mrna-bcma-mg",
    "teclistamab-ad",
    "resecel-ssc",
    "lupus-flucy-retreat",
]


def plan(run: Run, pid: str, *extra: str) -> dict[str, Any]:
    r = run(
        "schedule", "-p", pid, "--start", "2025-05-01", "--today", TODAY, "--format", "json",
        *extra,
    )  # fmt: skip
    assert r.code == 0, r.err
    data: dict[str, Any] = json.loads(r.out)
    return data


def per_kg(pid: str) -> float | None:
    dose = catalogue.load(pid).day0_step.cell_dose
    assert dose is not None
    return dose.per_kg


def stages(p: dict[str, Any]) -> set[str]:
    return {e["stage"] for e in p["events"]}


def by_stage(p: dict[str, Any], stage: str) -> list[dict[str, Any]]:
    return sorted((e for e in p["events"] if e["stage"] == stage), key=lambda e: e["start"])


def test_mrna_car_t_has_six_infusions_seven_days_apart_and_no_lymphodepletion(run: Run) -> None:
    p = plan(run, "mrna-bcma-mg")
    infusions = by_stage(p, "infusion")
    assert len(infusions) == 6
    days = [date.fromisoformat(e["start"]) for e in infusions]
    assert [(b - a).days for a, b in pairwise(days)] == [7] * 5
    assert [e["day"] for e in infusions] == [0, 7, 14, 21, 28, 35]
    assert "lymphodepletion" not in stages(p) and "washout" not in stages(p)
    assert {"apheresis", "manufacturing", "release"} <= stages(p)  # autologous product
    assert per_kg("mrna-bcma-mg") == 52.5e6


def test_mrna_contraception_runs_to_14_days_after_the_last_infusion(run: Run) -> None:
    p = plan(run, "mrna-bcma-mg")
    last = by_stage(p, "infusion")[-1]
    contraception = next(e for e in p["events"] if e["id"] == "contraception")
    assert (date.fromisoformat(contraception["end"]) - date.fromisoformat(last["start"])).days == 14


def test_mrna_immunosuppressants_continue(run: Run) -> None:
    assert catalogue.load("mrna-bcma-mg").washout is not None
    assert catalogue.load("mrna-bcma-mg").washout.policy.value == "none"  # type: ignore[union-attr]


def test_teclistamab_doses_are_mg_for_a_70_kg_patient_on_days_1_3_5(run: Run) -> None:
    p = plan(run, "teclistamab-ad", "--label", "P-1", "--weight-kg", "70", "--height-cm", "170")
    doses = [
        (e["day"], r["amount_mg"])
        for e in p["events"]
        for r in e.get("regimen", [])
        if r["agent"] == "teclistamab"
    ]
    # internal days 0, 2, 4 are shown as day 1, 3, 5 (day_origin 1); then one dose 4 weeks later
    assert doses == [(0, 4.2), (2, 21.0), (4, 105.0), (32, 105.0)]
    assert catalogue.load("teclistamab-ad").day_origin == 1


def test_teclistamab_premedication_precedes_each_step_up_and_the_first_full_dose() -> None:
    p = catalogue.load("teclistamab-ad")
    for sid in ("step-up-1", "step-up-2", "full-dose-1"):
        agents = {d.agent for d in p.step(sid).premedication}
        assert agents == {"dexamethasone", "paracetamol", "diphenhydramine"}, sid
        dex = next(d for d in p.step(sid).premedication if d.agent == "dexamethasone")
        assert (dex.dose, dex.unit) == (16, "mg")
    assert p.step("maintenance-dose").premedication == []


def test_teclistamab_stops_immunosuppressants_two_weeks_before_the_first_dose() -> None:
    w = catalogue.load("teclistamab-ad").washout
    assert w is not None
    assert (w.policy.value, w.anchor, w.stop_days) == ("stop-before", "step-up-1", 14)
    assert w.glucocorticoid_max_mg is not None and w.glucocorticoid_max_mg < 5


def test_teclistamab_watches_crs_and_icans_after_each_dose(run: Run) -> None:
    p = plan(run, "teclistamab-ad")
    doses = [e for e in p["events"] if e["stage"] == "infusion"]
    for k, dose in enumerate(doses, start=1):
        for watch in ("crs", "icans"):
            w = next(e for e in p["events"] if e["id"] == f"{watch}-watch-{k}")
            assert w["start"] == dose["start"] and watch in w["watch"]


def test_car_nk_has_three_infusions_after_flu_cy_d_minus_5_to_3(run: Run) -> None:
    p = plan(run, "carnk-cd19-sle")
    infusions = by_stage(p, "infusion")
    assert [e["day"] for e in infusions] == [0, 3, 6]
    (ld,) = by_stage(p, "lymphodepletion")
    assert (ld["day"], ld["day_end"]) == (-5, -3)
    regimen = {r["agent"]: (r["dose"], r["days"]) for r in ld["regimen"]}
    assert regimen == {"fludarabine": (25, [-5, -4, -3]), "cyclophosphamide": (300, [-5, -4, -3])}


def test_car_nk_spacing_is_a_parameter(run: Run) -> None:
    p = plan(run, "carnk-cd19-sle", "--set", "infusion_spacing_days=7")
    assert [e["day"] for e in by_stage(p, "infusion")] == [0, 7, 14]


def test_car_nk_visits_end_the_dlt_window_and_run_monthly_to_m6_then_m9_m12() -> None:
    p = catalogue.load("carnk-cd19-sle")
    visits = {s.id for s in p.steps if s.stage is Stage.follow_up}
    assert {"fu-d28", "fu-m2", "fu-m3", "fu-m4", "fu-m5", "fu-m6", "fu-m9", "fu-m12"} <= visits
    assert "DLT" in p.step("fu-d28").description


def test_allogeneic_plan_has_no_washout_apheresis_or_manufacturing(run: Run) -> None:
    p = plan(run, "allo-cd19")
    assert not {"washout", "apheresis", "manufacturing"} & stages(p)
    assert any(e["id"] == "product-reservation" for e in p["events"])
    (infusion,) = by_stage(p, "infusion")
    assert infusion["day"] == 0 and per_kg("allo-cd19") == 1e6
    proto = catalogue.load("allo-cd19")
    assert proto.product_source == "allogeneic"
    # the LD regimen is not published: a placeholder that every plan flags
    assert proto.warning and "TEMPLATE" in proto.warning
    assert all("UNCONFIRMED" in (d.assumption or "") for d in proto.step("lymphodepletion").regimen)


def test_resecel_washout_is_anchored_to_lymphodepletion(run: Run) -> None:
    proto = catalogue.load("resecel-ssc")
    assert proto.washout is not None
    assert (proto.washout.policy.value, proto.washout.anchor, proto.washout.stop_days) == (
        "stop-before",
        "lymphodepletion",
        1,
    )
    p = plan(run, "resecel-ssc")
    (ld,) = by_stage(p, "lymphodepletion")
    regimen = {r["agent"]: (r["dose"], r["days"]) for r in ld["regimen"]}
    assert regimen == {"fludarabine": (25, [-5, -4, -3]), "cyclophosphamide": (1000, [-3])}
    (stop,) = by_stage(p, "washout")
    assert stop["day"] == -5  # non-glucocorticoid immunosuppressants stopped by D-5
    assert by_stage(p, "apheresis")[0]["start"] == "2025-05-01"  # IS continue through apheresis
    assert per_kg("resecel-ssc") == 1e6
    assert "28-day safety window" in proto.step("fu-d28").description


def test_resecel_no_immunosuppressant_on_the_first_ld_day_and_they_continue_through_collection(
    run: Run,
) -> None:
    """ "Stopped by D-5": a last dose on the first LD day moves LD (and D0) one day later and
    says why; the day before is in time; a dose after the plan's start (the apheresis) is no
    error, as the drugs continue through collection and manufacturing."""
    (ld,) = by_stage(plan(run, "resecel-ssc", "--label", "X"), "lymphodepletion")
    first = date.fromisoformat(ld["start"])
    day_before = date.fromordinal(first.toordinal() - 1).isoformat()
    kept = plan(run, "resecel-ssc", "--label", "X", "--medication", f"mycophenolate:{day_before}")
    assert by_stage(kept, "lymphodepletion")[0]["start"] == ld["start"]
    moved = plan(run, "resecel-ssc", "--label", "X", "--medication", f"mycophenolate:{ld['start']}")
    (later,) = by_stage(moved, "lymphodepletion")
    assert date.fromisoformat(later["start"]) > first
    notes = " ".join(n for e in moved["events"] for n in e.get("notes", []))
    assert "mycophenolate" in notes and "lymphodepletion" in notes


def test_daratumumab_after_the_collection_is_not_flagged_as_before_it(run: Run) -> None:
    """The EBMT >= 6-week flag is for daratumumab given before a new leukapheresis: a dose after
    the collection (bridging to the infusion) is not that case and gives no negative count."""
    (aph,) = by_stage(plan(run, "resecel-ssc", "--label", "X"), "apheresis")
    day = date.fromisoformat(aph["start"])
    before = date.fromordinal(day.toordinal() - 10).isoformat()
    after = date.fromordinal(day.toordinal() + 10).isoformat()
    flagged = plan(run, "resecel-ssc", "--label", "X", "--medication", f"daratumumab:{before}")
    assert any("daratumumab" in w for w in flagged["warnings"])
    r = run(
        "schedule", "-p", "resecel-ssc", "--start", "2025-05-01", "--label", "X", "--today",
        after, "--format", "json", "--medication", f"daratumumab:{after}",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert not any("leukapheresis" in w for w in json.loads(r.out)["warnings"])


def test_retreatment_thaws_the_stored_lot_with_full_dose_ld_again(run: Run) -> None:
    proto = catalogue.load("lupus-flucy-retreat")
    assert proto.retreatment is True
    p = plan(run, "lupus-flucy-retreat")
    assert not {"washout", "apheresis", "manufacturing"} & stages(p)
    thaw = next(e for e in p["events"] if e["id"] == "thaw")
    assert thaw["day"] == 0
    first = catalogue.load("lupus-flucy").step("lymphodepletion").regimen
    assert proto.step("lymphodepletion").regimen == first  # full-dose Flu/Cy as the first course
    assert proto.warning and "failed to expand" in proto.warning


@pytest.mark.parametrize("pid", NEW)
def test_every_new_protocol_names_its_modality(pid: str) -> None:
    expected = {
        "allo-cd19": "allogeneic-car-t",
        "carnk-cd19-sle": "car-nk",
        "mrna-bcma-mg": "mrna-car-t",
        "teclistamab-ad": "t-cell-engager",
        "resecel-ssc": "autologous-car-t",
        "lupus-flucy-retreat": "autologous-car-t",
    }
    assert catalogue.load(pid).modality.value == expected[pid]


def test_teclistamab_timeline_shows_mg_on_days_1_3_5(run: Run, monkeypatch: Any) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    r = run(
        "schedule", "-p", "teclistamab-ad", "--start", "2025-05-01", "--today", TODAY,
        "--label", "P-1", "--weight-kg", "70", "--height-cm", "170",
    )  # fmt: skip
    assert r.code == 0, r.err
    for text in ("= 4.2 mg/day on D1", "= 21 mg/day on D3", "= 105 mg/day on D5"):
        assert text in r.out, text
    assert "D0" not in r.out  # day 1 is the first dose: no day 0 is shown
