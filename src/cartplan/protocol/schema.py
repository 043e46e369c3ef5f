"""The JSON Schema of the protocol format, printed from the pydantic models."""

from __future__ import annotations

import json

from cartplan.protocol.format import Protocol


def schema_json() -> str:
    schema = Protocol.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cartplan protocol"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
