"""Issue 12's format: product source, re-treatment, washout policy, dose series, per-dose steps
and cycles are checked by `protocols validate`, one line per problem, naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cartplan.protocol.expand import expand
from cartplan.protocol.format import Protocol
from cartplan.protocol.rules import validate
from cartplan.sources import catalogue

from tests.conftest import FIXTURES, Run

ISSUE12 = FIXTURES / "protocols" / "issue12"
NAMES = sorted(p.stem for p in ISSUE12.glob("*.yaml"))


def data(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ISSUE12 / f"{name}.yaml").read_text())
    return loaded


def problems(d: dict[str, Any]) -> list[str]:
    return [str(m) for m in validate(Protocol.model_validate(d))]


def step(d: dict[str, Any], sid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in d["steps"] if s["id"] == sid)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_issue12_fixture_validates(run: Run, name: str) -> None:
    result = run("protocols", "validate", str(ISSUE12 / f"{name}.yaml"))
    assert result.code == 0, result.err


@pytest.mark.parametrize("name", NAMES)
def test_a_cached_protocol_keeps_the_new_fields(name: str) -> None:
    first = catalogue.load(ISSUE12 / f"{name}.yaml")
    again = catalogue.load(ISSUE12 / f"{name}.yaml")  # the second read comes from the cache
    assert again == first


def test_an_allogeneic_product_refuses_an_apheresis_step() -> None:
    d = data("mrna-weekly")
    d["product_source"] = "allogeneic"
    got = problems(d)
    assert got == [
        "steps[apheresis].stage: a protocol with product_source allogeneic has no apheresis step",
        "steps[manufacturing].stage: a protocol with product_source allogeneic has no "
        "manufacturing step",
    ]


def test_an_antibody_protocol_has_no_apheresis() -> None:
    d = data("mrna-weekly")
    d["product_source"] = "none"
    assert len(problems(d)) == 2


def test_a_retreatment_refuses_an_apheresis_step() -> None:
    d = data("mrna-weekly")
    d["retreatment"] = True
    assert "steps[apheresis].stage: a re-treatment uses a stored lot" in problems(d)[0]


def test_stop_before_needs_its_days() -> None:
    d = data("resecel-ld-anchor")
    del d["washout"]["stop_days"]
    assert problems(d) == [
        "washout.stop_days: policy stop-before needs the days before the anchor (0 or more)"
    ]


def test_policy_none_has_no_glucocorticoid_limit() -> None:
    d = data("mrna-weekly")
    d["washout"]["glucocorticoid_max_mg"] = 5
    assert problems(d) == ["washout.glucocorticoid_max_mg: policy none has no glucocorticoid check"]


def test_the_washout_anchor_must_be_a_step() -> None:
    d = data("resecel-ld-anchor")
    d["washout"]["anchor"] = "lymphodepletion"
    assert problems(d)[0].startswith("washout.anchor: unknown step 'lymphodepletion'")


def test_without_apheresis_the_washout_needs_an_anchor() -> None:
    d = data("carnk-series")
    d["washout"] = {"policy": "ebmt-table"}
    assert "washout.anchor: there is no apheresis step" in problems(d)[0]


def test_a_series_gives_days_or_repeat_not_both() -> None:
    d = data("carnk-series")
    step(d, "infusion")["series"]["repeat"] = {"count": 3, "every_days": 3}
    assert problems(d) == ["steps[infusion].series: give exactly one of days and repeat"]


@pytest.mark.parametrize(
    ("days", "words"),
    [
        ([1, 3, 6], "steps[infusion].series.days: the first dose is day 0 of the series"),
        ([0, 6, 3], "steps[infusion].series.days: the days must increase from dose to dose"),
    ],
)
def test_series_days_start_at_zero_and_increase(days: list[int], words: str) -> None:
    d = data("carnk-series")
    step(d, "infusion")["series"]["days"] = days
    assert words in problems(d)


def test_a_repeat_count_is_bounded_over_its_parameter_range() -> None:
    d = data("mrna-weekly")
    d["parameters"][0]["max"] = 500
    assert problems(d) == ["steps[infusion].series.repeat.count: 500 doses; a series has 1 to 100"]


def test_each_dose_names_a_series_step() -> None:
    d = data("carnk-series")
    step(d, "watch")["each_dose"] = "ld"
    assert "steps[watch].each_dose: step 'ld' has no series" in problems(d)


def test_each_dose_is_placed_after_its_series() -> None:
    d = data("carnk-series")
    step(d, "watch")["placement"] = {"after": "ld"}
    assert problems(d) == [
        "steps[watch].placement.after: a step repeated after each dose is placed after "
        "'infusion' (its dose 1)"
    ]


def test_a_later_dose_can_anchor_a_step_and_an_unmade_one_cannot() -> None:
    d = data("carnk-series")
    assert problems(d) == []  # fu-d28 is placed after infusion-3
    step(d, "fu-d28")["placement"]["after"] = "infusion-4"
    assert problems(d)[0].startswith("steps[fu-d28].placement.after: unknown step 'infusion-4'")


def test_cycles_need_their_gap() -> None:
    d = data("resecel-ld-anchor")
    del d["cycle_gap_days"]
    assert problems(d) == ["cycle_gap_days: needed with more than one cycle"]


def test_a_cycle_starts_at_a_step_placed_from_d0() -> None:
    d = data("resecel-ld-anchor")
    d["cycle_from"] = "release"
    assert problems(d) == [
        "cycle_from: 'release' is not placed from D0 (after day0 or a step that is), so it "
        "cannot start a cycle"
    ]


def test_premedication_days_fall_on_the_dose() -> None:
    d = data("engager-stepup")
    step(d, "step2")["premedication"][0]["days"] = [1]  # counted from the dose day
    assert problems(d) == [
        "steps[step2].premedication[0].days: dexamethasone on day(s) 1 outside the step's days 0..0"
    ]


def test_premedication_belongs_to_a_step_fixed_from_d0() -> None:
    d = data("carnk-series")
    step(d, "reserve")["premedication"] = [
        {"agent": "paracetamol", "dose": 1000, "unit": "mg", "days": [0]}
    ]
    assert problems(d) == [
        "steps[reserve].premedication: premedication is for the D0 step or a step placed after "
        "day0 (its days count from the step's first day)"
    ]


def test_expansion_leaves_a_protocol_without_new_features_alone() -> None:
    p = catalogue.load("lupus-flucy")
    assert expand(p, {x.name: x.default for x in p.parameters}) is p


def test_expansion_makes_dose_and_cycle_steps() -> None:
    p = Protocol.model_validate(data("carnk-series"))
    ids = [s.id for s in expand(p, {}).steps]
    assert ids == [
        "reserve",
        "ld",
        "infusion",
        "infusion-2",
        "infusion-3",
        "watch-1",
        "watch-2",
        "watch-3",
        "fu-d28",
    ]
    p = Protocol.model_validate(data("resecel-ld-anchor"))
    ids = [s.id for s in expand(p, {}).steps]
    assert ids[-3:] == ["ld-c2", "infusion-c2", "watch-c2"]  # follow-up visits are not repeated
    assert "fu-m3-c2" not in ids


def test_the_schema_documents_the_new_fields() -> None:
    schema = Path(__file__).parents[2] / "protocols" / "protocol.schema.json"
    text = schema.read_text()
    for word in ("product_source", "day_origin", "cycle_gap_days", "each_dose", "premedication"):
        assert f'"{word}"' in text


def test_show_describes_the_new_settings(run: Run) -> None:
    out = run("protocols", "show", str(ISSUE12 / "engager-stepup.yaml")).out
    assert "modality: t-cell-engager; product: none" in out
    assert "washout: stop-before, 14 days before step1; glucocorticoids below 5 mg/day" in out
    assert "day numbers shown from day 1" in out
    assert "premedication dexamethasone 16 mg on dose day +0" in out
    out = run("protocols", "show", str(ISSUE12 / "mrna-weekly.yaml")).out
    assert "doses = 6 count" in out
    assert "doses (= 6) doses, every 7 days" in out
    plain = run("protocols", "show", "lupus-flucy").out
    assert "modality:" not in plain and "washout:" not in plain
