"""The committed plan schema (schemas/plan.schema.json) is exactly what `cartplan schema plan`
prints from the contract models, and documents every field; `cartplan schema protocol` is the
protocol schema `cartplan protocols schema` prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Run

ROOT = Path(__file__).parents[2]
PLAN_SCHEMA = ROOT / "schemas" / "plan.schema.json"
PROTOCOL_SCHEMA = ROOT / "protocols" / "protocol.schema.json"


def test_committed_plan_schema_matches_the_models(run: Run) -> None:
    result = run("schema", "plan")
    assert result.code == 0, result.err
    assert result.out == PLAN_SCHEMA.read_text(encoding="utf-8"), (
        f"regenerate: cartplan schema plan > {PLAN_SCHEMA}"
    )


def test_every_plan_field_has_a_description() -> None:
    schema = json.loads(PLAN_SCHEMA.read_text(encoding="utf-8"))
    models: dict[str, Any] = {**schema["$defs"], "(plan)": schema}
    for name, model in models.items():
        for field, spec in model.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_optional_keys_are_never_null_unless_documented_so() -> None:
    """Keys left out where they do not apply are never null in the schema (SkipJsonSchema)."""
    schema = json.loads(PLAN_SCHEMA.read_text(encoding="utf-8"))
    event = schema["$defs"]["EventJson"]
    for key in ("time", "minutes", "watch", "regimen", "cell_dose", "checklist", "escalation"):
        assert key not in event["required"]
        assert "anyOf" not in event["properties"][key] and "default" not in event["properties"][key]
    assert "null" in json.dumps(event["properties"]["assumption"])


def test_schema_protocol_prints_the_protocol_schema(run: Run) -> None:
    new, old = run("schema", "protocol"), run("protocols", "schema")
    assert new.code == old.code == 0
    assert new.out == old.out == PROTOCOL_SCHEMA.read_text(encoding="utf-8")
