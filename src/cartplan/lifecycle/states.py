"""What is known about a plan's steps and the plan itself (FHIR's words in brackets)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import NamedTuple


class StepStatus(StrEnum):
    """A step's state: planned (not-started), done (completed), deferred (on-hold: moved to a
    new day), cancelled (will not happen: leaves the calendars), failed (stopped)."""

    planned = "planned"
    done = "done"
    deferred = "deferred"
    cancelled = "cancelled"
    failed = "failed"


class PlanStatus(StrEnum):
    active = "active"
    completed = "completed"
    stopped = "stopped"


class Cascade(StrEnum):
    downstream = "downstream"
    none = "none"


class Fact(NamedTuple):
    """Something recorded about one step. `on`: the day it happened (done, failed) or the new day
    (deferred); None for a cancellation."""

    step: str
    status: StepStatus
    on: date | None
    reason: str


class State(NamedTuple):
    """A step's state in one revision: its status, the recorded day, and the recorded reason."""

    status: StepStatus = StepStatus.planned
    actual: date | None = None  # the day it was done or failed
    reason: str | None = None


PLANNED = State()

# Statuses whose recorded day fixes the step's first day when the plan is solved again.
DATED = (StepStatus.done, StepStatus.failed, StepStatus.deferred)
# Steps that leave the calendars.
GONE = (StepStatus.cancelled,)
