"""Every shipped protocol's `--format json` output — without a patient, with one, with
identifying data, with timed steps, planned backward — is valid against the committed plan
schema, and the contract models read it back and print it again byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cartplan.exports.contract import PlanJson, text

from tests.conftest import FIXTURES, Run
from tests.exports.plan_json_cases import SHIPPED, VARIANTS, schedule_args

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def output(run: Run, protocol: str, variant: str) -> str:
    result = run(*schedule_args(protocol, variant))
    assert result.code == 0, result.err
    return result.out


def problems(data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)
    ]


def test_the_committed_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("protocol", SHIPPED)
def test_output_is_valid_against_the_schema(run: Run, protocol: str, variant: str) -> None:
    assert problems(json.loads(output(run, protocol, variant))) == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("protocol", SHIPPED)
def test_models_read_the_output_back_byte_for_byte(run: Run, protocol: str, variant: str) -> None:
    printed = output(run, protocol, variant)
    assert text(PlanJson.model_validate_json(printed)) == printed


def test_the_cases_reach_every_optional_key(run: Run) -> None:
    """The variants above print each key the schema marks optional at least once, and leave
    it out at least once: the schema is checked where it matters."""
    plans = [json.loads(output(run, "lupus-flucy", v)) for v in VARIANTS]
    # premedication: a step-up antibody fixture (issue 12), with and without a patient
    engager = str(FIXTURES / "protocols" / "issue12" / "engager-stepup.yaml")
    for variant in ("no-patient", "patient"):
        plans.append(json.loads(output(run, engager, variant)))
    assert all(problems(p) == [] for p in plans[-2:])
    events = [e for p in plans for e in p["events"]]
    doses = [r for e in events for r in e.get("regimen", [])]
    for where, items, defs in (
        ("plan", plans, "PlanJson"),
        ("event", events, "EventJson"),
        ("regimen", doses, "RegimenEntry"),
        ("patient", [p["patient"] for p in plans if "patient" in p], "PatientSummary"),
    ):
        spec = SCHEMA if defs == "PlanJson" else SCHEMA["$defs"][defs]
        optional = set(spec["properties"]) - set(spec["required"])
        for key in optional:
            assert any(key in x for x in items), f"no {where} has {key}"
            assert any(key not in x for x in items), f"every {where} has {key}"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda p: p["events"][0].update(stage="washing"), "'washing' is not one of"),
        (lambda p: p["events"][0].update(colour="red"), "Additional properties"),
        (lambda p: p["events"][0].pop("day_end"), "'day_end' is a required property"),
        (lambda p: p["events"][0].update(start="1 May 2025"), "is not a 'date'"),
        (lambda p: p["events"][0].update(time="8:30"), "does not match"),
        (lambda p: p["events"][0].update(time="08:30"), "'minutes' is a dependency of 'time'"),
        (lambda p: p.update(calculations=[]), "'cell_dose' is a dependency of 'calculations'"),
    ],
)
def test_the_schema_refuses_what_the_contract_does_not_print(
    run: Run, change: Any, complaint: str
) -> None:
    plan = json.loads(output(run, "lupus-flucy", "no-patient"))
    change(plan)
    found = problems(plan)
    assert any(complaint in p for p in found), found
