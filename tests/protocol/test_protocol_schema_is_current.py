"""The committed JSON Schema (for editors) is exactly what `cartplan protocols schema` prints."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Run

SCHEMA = Path(__file__).parents[2] / "protocols" / "protocol.schema.json"


def test_committed_schema_matches_the_models(run: Run) -> None:
    result = run("protocols", "schema")
    assert result.code == 0
    assert result.out == SCHEMA.read_text(), "regenerate: cartplan protocols schema > " + str(
        SCHEMA
    )


def test_every_field_has_a_description() -> None:
    schema = json.loads(SCHEMA.read_text())
    for name, model in schema["$defs"].items():
        for field, spec in model.get("properties", {}).items():
            assert "description" in spec, f"{name}.{field} has no description"
    for field, spec in schema["properties"].items():
        assert "description" in spec, field
