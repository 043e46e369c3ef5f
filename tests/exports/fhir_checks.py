"""Checks a FHIR R4 bundle the way a receiving system would, with more than fhir.resources itself.

- `schema_errors`: the HL7 R4 JSON Schema (fhir.schema.json, see README.md here) through the
  `jsonschema` package: element names, value types, date formats and the enumerated codes.
- `binding_errors`: the required-binding codes we write that the JSON Schema leaves as plain
  `code` (CarePlan.status and intent, activity kind, Procedure and MedicationAdministration
  status), against the R4 value sets.
- `invariant_failures`: FHIR invariants evaluated with fhirpathpy (R4 model): cpl-3 and per-1.
- `reference_errors`: every `urn:uuid:` reference resolves to an entry of the bundle.
- `parse_back`: the text read back by fhir.resources' R4B models and written again unchanged.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from typing import Any

SCHEMA = Path(__file__).parent / "fhir.schema.json.gz"

# FHIR invariants as the R4 specification writes them. fhirpathpy has no hasValue(): exists() is
# the same test for primitives without extensions (cartplan writes none).
INVARIANTS = {
    "cpl-3": (
        "CarePlan.activity",
        "detail.empty() or reference.empty()",
    ),
    "per-1": (
        "descendants().ofType(Period)",
        "start.exists().not() or end.exists().not() or (start <= end)",
    ),
}

# Required bindings (R4) whose codes the JSON Schema does not enumerate.
REQUIRED_CODES = {
    ("CarePlan", "status"): {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("CarePlan", "activity.detail.kind"): {
        "Appointment",
        "CommunicationRequest",
        "DeviceRequest",
        "MedicationRequest",
        "NutritionOrder",
        "Task",
        "ServiceRequest",
        "VisionPrescription",
    },
    ("Procedure", "status"): {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("MedicationAdministration", "status"): {
        "in-progress",
        "not-done",
        "on-hold",
        "completed",
        "entered-in-error",
        "stopped",
        "unknown",
    },
}


@functools.cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"  # R4
    return jsonschema.Draft6Validator(schema)


def schema_errors(bundle: dict[str, Any]) -> list[str]:
    """Problems the R4 JSON Schema finds; each resource checked against its own definition too,
    because the bundle's resource list is a oneOf whose message names no element."""
    validator = _validator()
    if validator.is_valid(bundle):
        return []
    import jsonschema

    out = ["bundle: not valid against the R4 schema"]
    for i, entry in enumerate(bundle.get("entry", [])):
        resource = entry.get("resource", {})
        single = validator.evolve(
            schema={
                "$ref": f"#/definitions/{resource.get('resourceType')}",
                "definitions": validator.schema["definitions"],
            }
        )
        for error in single.iter_errors(resource):
            best = jsonschema.exceptions.best_match([error])
            path = "/".join(str(p) for p in best.absolute_path)
            out.append(f"entry[{i}] {resource.get('resourceType')}/{path}: {best.message[:200]}")
    return out


def _values(node: Any, path: list[str]) -> list[Any]:
    if not path:
        return [node]
    if isinstance(node, list):
        return [v for item in node for v in _values(item, path)]
    if isinstance(node, dict) and path[0] in node:
        return _values(node[path[0]], path[1:])
    return []


def binding_errors(bundle: dict[str, Any]) -> list[str]:
    out = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for (kind, path), codes in REQUIRED_CODES.items():
            if resource["resourceType"] != kind:
                continue
            for value in _values(resource, path.split(".")):
                if value not in codes:
                    out.append(f"{kind}.{path}: '{value}' is not in the R4 value set")
    return out


def invariant_failures(bundle: dict[str, Any]) -> list[str]:
    from fhirpathpy import evaluate
    from fhirpathpy.models import models

    out = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        for key, (context, expression) in INVARIANTS.items():
            if context.split(".")[0] not in (kind, "descendants()"):
                continue
            holds = evaluate(resource, f"{context}.all({expression})", {}, models["r4"])
            if holds != [True]:
                out.append(f"{key} fails in {kind} {resource.get('id')}")
    return out


def reference_errors(bundle: dict[str, Any]) -> list[str]:
    urls = {e["fullUrl"] for e in bundle["entry"]}
    out = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            ref = node.get("reference")
            if isinstance(ref, str) and ref.startswith("urn:uuid:") and ref not in urls:
                out.append(f"{where}: {ref} is not in the bundle")
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    walk(bundle, "Bundle")
    return out


def all_problems(bundle: dict[str, Any]) -> list[str]:
    return [
        *schema_errors(bundle),
        *binding_errors(bundle),
        *invariant_failures(bundle),
        *reference_errors(bundle),
    ]


def parse_back(text: str) -> Any:
    """The bundle as fhir.resources reads it (R4B models); its JSON must be the text again."""
    from fhir.resources.R4B.bundle import Bundle

    parsed = Bundle.model_validate_json(text)
    assert parsed.model_dump_json(indent=2) + "\n" == text
    return parsed


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def care_plan(bundle: dict[str, Any]) -> dict[str, Any]:
    (plan,) = resources(bundle, "CarePlan")
    return plan


def step_of(activity: dict[str, Any]) -> str:
    (coding,) = activity["detail"]["code"]["coding"]
    assert coding["system"] == "urn:cartplan:step"
    return str(coding["code"])
