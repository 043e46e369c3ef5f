"""The formats of what the store keeps as JSON: the request, each revision, the audit detail.

Pydantic models (frozen, no unknown fields): a row that does not read back as its model is a
damaged store, not a guess. Dates are ISO strings in the JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Request(Record):
    """What the plan was asked for: kept so that re-planning asks the same again."""

    protocol: str = Field(description="Protocol id the plan was made from.")
    start: date | None = Field(default=None, description="First washout day (forward plans).")
    infusion: date | None = Field(default=None, description="Target D0 (backward plans).")
    sets: list[str] = Field(default=[], description="--set NAME=VALUE items, as given.")
    country: str | None = Field(default=None, description="Country of public holidays.")
    subdiv: str | None = Field(default=None, description="Subdivision of public holidays.")
    closures: dict[date, str] = Field(
        default={}, description="Site closures (day -> reason), as read when the plan was made."
    )
    tz: str | None = Field(default=None, description="The site's time zone (IANA name).")
    patient: dict[str, Any] | None = Field(
        default=None,
        description="The patient profile as validated; identifying data only if it was given.",
    )
    bsa_formula: str | None = Field(default=None, description="BSA formula chosen for the plan.")
    crcl_weight: str | None = Field(
        default=None, description="Cockcroft-Gault weight chosen for the plan."
    )


class Actual(Record):
    start: date = Field(description="First day the step actually took place (or failed).")
    end: date = Field(description="Last day, inclusive.")


class StoredEvent(Record):
    step: str = Field(description="Protocol step id.")
    start: date = Field(description="First day in this revision.")
    end: date = Field(description="Last day in this revision, inclusive.")
    day: int = Field(description="First day relative to D0.")
    day_end: int = Field(description="Last day relative to D0.")
    notes: list[str] = Field(default=[], description="Why the step sits where it does.")
    time: str | None = Field(default=None, description="Appointment time HH:MM, if any.")
    minutes: int = Field(default=60, description="Length of the appointment.")
    status: str = Field(
        default="planned", description="planned, done, deferred, cancelled or failed."
    )
    actual: date | None = Field(default=None, description="Recorded day (done, failed).")
    reason: str | None = Field(default=None, description="Reason recorded with the status.")


class StoredRevision(Record):
    """One revision of a plan: its dated events with their states."""

    status: str = Field(description="The plan's status: active, completed or stopped.")
    start: date = Field(description="The plan's first day.")
    day0: date = Field(description="The infusion day.")
    parameters: dict[str, int] = Field(description="Every protocol parameter's value.")
    warnings: list[str] = Field(default=[], description="The plan's warnings, in words.")
    age: int | None = Field(default=None, description="The patient's age on D0, if known.")
    facts: list[str] = Field(default=[], description="Patient facts (prior:<class>, …).")
    events: list[StoredEvent] = Field(description="The plan's events in date order.")


class SlotRecord(Record):
    start: date = Field(description="First day.")
    end: date = Field(description="Last day, inclusive.")
    status: str = Field(description="The step's status.")


class ChangeRecord(Record):
    step: str = Field(description="Protocol step id.")
    title: str = Field(description="The step's title.")
    old: SlotRecord | None = Field(description="Before the change; null for a new step.")
    new: SlotRecord | None = Field(description="After the change; null for a step that left.")
    why: str = Field(description="Why it changed, in words.")


class FactRecord(Record):
    step: str = Field(description="Protocol step id.")
    status: str = Field(description="done, deferred, cancelled or failed.")
    date: str | None = Field(description="The day it happened, or the new day of a deferral.")
    reason: str = Field(description="Why, as recorded.")
    cascade: str = Field(description="downstream or none.")


class AuditDetail(Record):
    """What an audit entry records besides who, when and why."""

    fact: FactRecord | None = Field(default=None, description="The fact recorded, if any.")
    changes: list[ChangeRecord] = Field(default=[], description="Every step that moved.")
    notices: list[str] = Field(default=[], description="What the team was told.")
    protocol: dict[str, str] | None = Field(
        default=None, description="Protocol id, version and snapshot digest (create, migrate)."
    )
    status: dict[str, str] | None = Field(
        default=None, description="The plan's status, old and new (close)."
    )
