"""The `--format json` contract: these pydantic models are both the output and its documentation.

`cartplan schema plan` prints their JSON Schema (committed as schemas/plan.schema.json). The
output is the models dumped with `exclude_unset`: a key is printed when the builder gave it,
so keys that only some plans or events have (a patient, an appointment time, a regimen) are
absent, not null, where they do not apply, while keys that are always given may be null
(`assumption`). Fields of the first kind are typed `X | SkipJsonSchema[None]`: the schema shows
them as optional, never as null. Field order is the printed key order.

Imported only by the code that prints JSON or its schema: start-up time is a feature.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from cartplan.protocol.format import Clock, Stage

if TYPE_CHECKING:
    from pydantic.config import JsonDict

SCHEMA_TITLE = "cartplan plan"


class Contract(BaseModel):
    """A part of the contract. `model_dump` and `model_dump_json` give what the contract prints
    (the keys given, `for` not `for_`) unless told otherwise."""

    # defer_build: validators are built on first use, not on import. The key `for` is a Python
    # keyword: the field is `for_`, read and written as `for`.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        defer_build=True,
        allow_inf_nan=False,
        populate_by_name=True,
    )

    def model_dump(self, **options: Any) -> dict[str, Any]:
        return super().model_dump(**{**_PRINTED, **options})

    def model_dump_json(self, **options: Any) -> str:
        return super().model_dump_json(**{**_PRINTED, **options})


_PRINTED: dict[str, Any] = {"by_alias": True, "exclude_unset": True}


def _together(*keys: str) -> JsonDict:
    """JSON Schema `dependentRequired`: each of `keys` comes with all the others."""
    return {"dependentRequired": {k: [x for x in keys if x != k] for k in keys}}


class ProtocolRef(Contract):
    """The protocol the plan was made from."""

    id: str = Field(description="Protocol id, as given to --protocol.")
    version: str = Field(description="Protocol version; changes whenever its content changes.")
    title: str = Field(description="Human-readable protocol title.")


class PhiFields(Contract):
    """Identifying data: only with --include-phi; null where unknown."""

    name: str | None = Field(description="Full name.")
    birth_date: date | None = Field(description="Date of birth (ISO date).")
    mrn: str | None = Field(description="Medical record number, as written.")


class PatientSummary(Contract):
    """The pseudonymous patient summary (present when the plan has a patient)."""

    label: str = Field(description="Pseudonymous label: the only identifier exported by default.")
    bsa_m2: float | None = Field(
        description="Body surface area used for doses, m² (3 decimals); null without dosing."
    )
    crcl_ml_min: float | None = Field(
        description="Creatinine clearance (or the child's eGFR) used for doses, mL/min "
        "(1 decimal); null when not known or not needed."
    )
    weight_kg: float | None = Field(description="Weight, kg; null when not given.")
    age: int | None = Field(
        description="Age in whole years on D0 (decides the age rules); null when not known."
    )
    phi: PhiFields | SkipJsonSchema[None] = Field(
        default=None, description="Name, birth date and record number: only with --include-phi."
    )


class PlanCellDose(Contract):
    """The CAR-T cell dose for this patient."""

    cells: float = Field(description="CAR+ cells to infuse.")
    per_kg: float | None = Field(description="CAR+ cells per kg; null for a flat dose.")
    formula: str = Field(description="How `cells` was computed, with the inputs filled in.")


class Calculation(Contract):
    """A computed patient number with the formula and inputs that produced it."""

    name: str = Field(description="What was computed: BSA, IBW, AdjBW, CrCl, eGFR, …")
    value: float = Field(description="The value (3 decimals).")
    unit: str = Field(description="Unit of the value, e.g. m², kg, mL/min.")
    formula: str = Field(description="Formula with the patient's inputs, for checking by hand.")


class Adjustment(Contract):
    """Why a dose differs from the protocol's usual dose."""

    rule: str = Field(description="The protocol's rule in words.")
    reason: str = Field(description="Why it applies to this patient, with the numbers.")
    references: list[str] = Field(description="Reference ids of the rule.")


class RegimenEntry(Contract):
    """One drug of a step: the protocol's dose, and with a patient the amount in mg."""

    model_config = ConfigDict(
        json_schema_extra=_together("amount_mg", "total_mg", "formula", "adjustment")
    )

    agent: str = Field(description="Generic drug name, e.g. fludarabine.")
    dose: float = Field(
        description="Dose per administration day in `unit`; with a patient, after any adjustment."
    )
    unit: Literal["mg/m2", "mg/kg", "mg"] = Field(description="Unit of `dose`.")
    days: list[int] = Field(description="Administration days relative to D0.")
    dates: list[date] = Field(description="The administration days as ISO dates.")
    standby: bool = Field(
        description="Held ready (e.g. tocilizumab for CRS), not given on these days."
    )
    assumption: str | None = Field(
        description="Set when the literature does not confirm the dose or days."
    )
    amount_mg: float | SkipJsonSchema[None] = Field(
        default=None,
        description="Per administration day as dispensed, mg (rounded, capped): only when the "
        "patient's doses were computed.",
    )
    total_mg: float | SkipJsonSchema[None] = Field(
        default=None,
        description="Course total: the sum of the dispensed daily amounts, mg (with doses only).",
    )
    formula: str | SkipJsonSchema[None] = Field(
        default=None, description="How the amount was computed (with doses only)."
    )
    adjustment: Adjustment | None = Field(
        default=None,
        description="With doses only: the rule that changed the dose, or null when none did.",
    )


class ProductDose(Contract):
    """The product dose the protocol gives for the infusion step."""

    product: str = Field(description="Product description.")
    per_kg: float | None = Field(description="CAR+ cells per kg, or null for a flat dose.")
    flat: float | None = Field(description="CAR+ cells per infusion, or null for a per-kg dose.")


class ChecklistItem(Contract):
    """A checklist item of the step that applies to this patient."""

    text: str = Field(description="What to do or measure.")
    times_per_day: int = Field(description="Occurrences per day.")
    for_: str | None = Field(
        serialization_alias="for",
        validation_alias="for",
        description="Whom the item is for when the patient's age, sex or facts are unknown "
        "('age ≤ 12', 'women'); null when it applies to this patient.",
    )


class EscalationItem(Contract):
    """An escalation criterion of the step that applies to this patient."""

    criterion: str = Field(description="What is observed.")
    action: str = Field(description="What to do.")
    for_: str | None = Field(
        serialization_alias="for",
        validation_alias="for",
        description="Whom the criterion is for when age or sex are unknown; null when it "
        "applies to this patient.",
    )


class EventJson(Contract):
    """One dated step of the plan."""

    model_config = ConfigDict(json_schema_extra=_together("time", "minutes"))

    id: str = Field(description="Step id in the protocol.")
    stage: Stage = Field(description="Pathway stage of the step.")
    title: str = Field(description="Short title of the step.")
    start: date = Field(description="First day (ISO date).")
    end: date = Field(description="Last day (ISO date, inclusive).")
    day: int = Field(description="First day relative to D0 (the infusion).")
    day_end: int = Field(description="Last day relative to D0.")
    teams: list[str] = Field(description="Ids of the protocol's teams that act in this step.")
    notes: list[str] = Field(description="Why the step moved, tasks due before it: in words.")
    time: Clock | SkipJsonSchema[None] = Field(
        default=None,
        description="Appointment time, HH:MM local, on each day of the step: only for timed "
        "steps (absent: an all-day step).",
    )
    minutes: int | SkipJsonSchema[None] = Field(
        default=None, description="Length of the timed appointment: only with `time`."
    )
    watch: list[str] | SkipJsonSchema[None] = Field(
        default=None,
        description="What a monitoring step watches for (crs, icans, iec-hs, licats, …): only "
        "when the step names something.",
    )
    regimen: list[RegimenEntry] | SkipJsonSchema[None] = Field(
        default=None, description="Drugs given in this step: only when it gives drugs."
    )
    premedication: list[RegimenEntry] | SkipJsonSchema[None] = Field(
        default=None,
        description="Drugs given before the step's dose (premedication): only when it has any.",
    )
    cell_dose: ProductDose | SkipJsonSchema[None] = Field(
        default=None, description="The product dose: only on the infusion step."
    )
    checklist: list[ChecklistItem] | SkipJsonSchema[None] = Field(
        default=None, description="Checklist items for this patient: only when there are any."
    )
    escalation: list[EscalationItem] | SkipJsonSchema[None] = Field(
        default=None,
        description="Escalation criteria for this patient: only when there are any.",
    )
    references: list[str] = Field(description="Reference ids of the protocol for this step.")
    assumption: str | None = Field(
        description="Set when the literature does not confirm the step's timing or content."
    )


class PlanJson(Contract):
    """A dated CAR-T plan, as `cartplan schedule --format json` prints it."""

    model_config = ConfigDict(
        json_schema_extra={
            "dependentRequired": {
                "cell_dose": ["calculations", "patient"],
                "calculations": ["cell_dose", "patient"],
            }
        }
    )

    protocol: ProtocolRef = Field(description="Id, version and title of the protocol.")
    start: date = Field(description="First day of the plan (ISO date).")
    day0: date = Field(description="The infusion day D0 (ISO date).")
    parameters: dict[str, int] = Field(
        description="Every protocol parameter with the value this plan used."
    )
    patient: PatientSummary | SkipJsonSchema[None] = Field(
        default=None, description="The patient summary: only when a patient was given."
    )
    cell_dose: PlanCellDose | None = Field(
        default=None,
        description="Only when the patient's doses were computed (weight and height known): "
        "the cell dose, or null when the protocol gives none.",
    )
    calculations: list[Calculation] | SkipJsonSchema[None] = Field(
        default=None,
        description="BSA, weights, kidney function with formulas: only when the patient's doses "
        "were computed.",
    )
    events: list[EventJson] = Field(description="The plan's steps, in order of their first day.")
    warnings: list[str] = Field(description="What the plan warns about, in words.")


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON-ready data of a contract model: only the keys its builder gave."""
    return model.model_dump(mode="json", **_PRINTED)


def text(model: BaseModel) -> str:
    """The printed form: two-space indents, UTF-8 as is, a final newline."""
    return json.dumps(dump(model), indent=2, ensure_ascii=False) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema of the plan output (what the models say a plan looks like)."""
    out = PlanJson.model_json_schema(mode="serialization")
    _tidy(out)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **out, "title": SCHEMA_TITLE}


def schema_json() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def _tidy(node: Any) -> None:
    """Drop `"default": null` from optional keys that are never null (SkipJsonSchema[None])."""
    if isinstance(node, dict):
        if node.get("default", 0) is None and not _nullable(node):
            del node["default"]
        for value in node.values():
            _tidy(value)
    elif isinstance(node, list):
        for value in node:
            _tidy(value)


def _nullable(spec: dict[str, Any]) -> bool:
    return spec.get("type") == "null" or any(
        isinstance(x, dict) and x.get("type") == "null" for x in spec.get("anyOf", [])
    )
