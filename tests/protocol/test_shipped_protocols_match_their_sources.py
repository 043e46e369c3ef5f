"""The shipped library encodes the regimens the literature reports, and flags what it does not."""

from __future__ import annotations

import pytest

from cartplan.protocol.format import Protocol, Stage
from cartplan.sources import catalogue

IDS = [
    "lupus-flucy",
    "ssc-flucy",
    "myositis-flucy",
    "lupus-cy-reduced",
    "ssc-3rdgen",
    "jdm-flucy",
    "lupus-bcma-cd19",
]


def regimen(p: Protocol) -> dict[str, tuple[float, tuple[int, ...]]]:
    ld = next(s for s in p.steps if s.stage is Stage.lymphodepletion)
    return {d.agent: (d.dose, tuple(d.days)) for d in ld.regimen}


def cell_dose(p: Protocol) -> tuple[float | None, float | None]:
    """(cells per kg, flat cells per infusion) of the product."""
    dose = p.day0_step.cell_dose
    assert dose is not None
    return dose.per_kg, dose.flat


PER_KG_1E6 = (1e6, None)
EXPECTED = {
    # Mackensen 2022 / Park 2025: Flu 25 mg/m2 d-5..-3 + Cy 1000 mg/m2 d-3; 1x10^6/kg
    "lupus-flucy": (
        {"fludarabine": (25, (-5, -4, -3)), "cyclophosphamide": (1000, (-3,))},
        PER_KG_1E6,
    ),
    "ssc-flucy": (
        {"fludarabine": (25, (-5, -4, -3)), "cyclophosphamide": (1000, (-3,))},
        PER_KG_1E6,
    ),
    # Pecher 2023 (Flu 25 + Cy 1000) with the Erlangen days
    "myositis-flucy": (
        {"fludarabine": (25, (-5, -4, -3)), "cyclophosphamide": (1000, (-3,))},
        PER_KG_1E6,
    ),
    # Merkt 2024: Cy 500 + Flu 30 mg/m2 on d-4, -3, -2; 400x10^6 cells (5x10^6/kg at ~80 kg)
    "ssc-3rdgen": (
        {"fludarabine": (30, (-4, -3, -2)), "cyclophosphamide": (500, (-4, -3, -2))},
        (None, 4e8),
    ),
    # Nicolai 2024: Cy 1000 mg/m2 over 2 days, Flu 90 mg/m2 over 3 days; 1x10^6/kg
    "jdm-flucy": (
        {"fludarabine": (30, (-5, -4, -3)), "cyclophosphamide": (500, (-4, -3))},
        PER_KG_1E6,
    ),
    # template only: Cy 300 mg/m2 without fludarabine (seed review)
    "lupus-cy-reduced": ({"cyclophosphamide": (300, (-3,))}, PER_KG_1E6),
    "lupus-bcma-cd19": ({"cyclophosphamide": (300, (-3,))}, (3e6, None)),
}


@pytest.mark.parametrize("pid", IDS)
def test_regimen_and_cell_dose(pid: str) -> None:
    p = catalogue.load(pid)
    doses, cells = EXPECTED[pid]
    assert regimen(p) == doses
    assert cell_dose(p) == cells


def test_jdm_totals_match_the_paper() -> None:
    r = regimen(catalogue.load("jdm-flucy"))
    assert r["cyclophosphamide"][0] * len(r["cyclophosphamide"][1]) == 1000
    assert r["fludarabine"][0] * len(r["fludarabine"][1]) == 90


NEW = [  # issue 12: other modalities (their schedules: tests/clinical/test_new_modalities_*)
    "allo-cd19",
    "carnk-cd19-sle",
    "mrna-bcma-mg",
    "teclistamab-ad",
    "resecel-ssc",
    "lupus-flucy-retreat",
]


@pytest.mark.parametrize("pid", IDS + NEW)
def test_every_unconfirmed_number_is_flagged(pid: str) -> None:
    """Doses, parameters and steps resting only on SEED/R sources (or none) carry an assumption."""
    p = catalogue.load(pid)
    weak = {r.id for r in p.references if r.status in ("SEED", "R")}
    for x in p.parameters:
        if set(x.references) <= weak:
            assert x.assumption, f"parameter {x.name}"
    for s in p.steps:
        for d in s.regimen:
            if set(d.references) <= weak:
                assert d.assumption, f"{s.id} {d.agent}"
        if s.stage is not Stage.follow_up and set(s.references) <= weak:
            assert s.assumption, f"step {s.id}"
    if pid == "lupus-cy-reduced":
        assert "UNCONFIRMED" in regimen_assumption(p)
        assert p.warning and "TEMPLATE" in p.warning


def regimen_assumption(p: Protocol) -> str:
    ld = next(s for s in p.steps if s.stage is Stage.lymphodepletion)
    return " ".join(d.assumption or "" for d in ld.regimen)


@pytest.mark.parametrize("pid", IDS)
def test_pathway_is_complete(pid: str) -> None:
    p = catalogue.load(pid)
    stages = {s.stage for s in p.steps}
    assert set(Stage) - {Stage.other} <= stages
    watched = {w for s in p.steps for w in s.watch}
    assert {"crs", "icans", "iec-hs", "licats"} <= watched
    icans = next(s for s in p.steps if "icans" in s.watch)
    assert any(i.times_per_day >= 2 and "ICE" in i.text for i in icans.checklist)
    params = {x.name: x for x in p.parameters}
    assert (params["iec_hs_from_day"].default, params["iec_hs_until_day"].default) == (4, 32)
    assert params["proximity_until_day"].default == params["no_driving_until_day"].default == 14
    assert params["washout_days"].min == 7 and params["washout_days"].max == 28
    visits = {s.id for s in p.steps if s.stage is Stage.follow_up}
    assert {"fu-d7", "fu-d14", "fu-d28", "fu-m3", "fu-m6", "fu-m12"} <= visits
    m6 = next(s for s in p.steps if s.id == "fu-m6")
    assert any("IgG" in i.text and "CD19" in i.text and "CD4" in i.text for i in m6.checklist)
    prophylaxis = {s.id for s in p.steps if "prophylaxis" in s.id}
    assert {"hsv-prophylaxis", "pjp-prophylaxis"} <= prophylaxis
    constraints = {c.id for c in p.constraints}
    if pid == "jdm-flucy":  # fresh product: LD during manufacturing, infusion at its end
        assert {"ld-during-manufacturing", "infusion-after-manufacturing"} <= constraints
        assert "ld-after-release" not in constraints
    else:  # cryopreserved product: LD only once it is on site
        assert "ld-after-release" in constraints


@pytest.mark.parametrize(
    ("pid", "words"),
    [
        ("ssc-flucy", ["FVC", "DLCO", "Rodnan"]),
        ("ssc-3rdgen", ["FVC", "DLCO"]),
        ("myositis-flucy", ["CK", "muscle"]),
        ("jdm-flucy", ["CK", "muscle"]),
        ("lupus-flucy", ["SLEDAI-2K", "anti-dsDNA", "complement"]),
    ],
)
def test_disease_specific_follow_up(pid: str, words: list[str]) -> None:
    p = catalogue.load(pid)
    m3 = next(s for s in p.steps if s.id == "fu-m3")
    text = " ".join(i.text for i in m3.checklist)
    for w in words:
        assert w in text
