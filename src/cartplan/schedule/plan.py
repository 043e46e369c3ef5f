"""What a plan is: dated events of a protocol for one patient, and the working-day calendar it
was solved with. Pure data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, NamedTuple
from typing import Protocol as TypingProtocol

from cartplan.messages import Message, Text, msg
from cartplan.protocol.format import Protocol, Step

if TYPE_CHECKING:
    from cartplan.patient.dosing import Dosing
    from cartplan.patient.model import Patient


class WorkCalendar(TypingProtocol):
    def closed(self, day: date) -> Message | None:
        """Why `day` is not a working day (day.weekend, day.public_holiday, day.site_closed),
        or None if it is one. The same day must always get the same answer: solvers remember
        it."""
        ...


WEEKEND = msg("day.weekend")


class MondayToFriday:
    """Working days when no country or site calendar is given."""

    def closed(self, day: date) -> Message | None:
        return WEEKEND if day.weekday() >= 5 else None


class Event(NamedTuple):
    step: Step
    start: date
    end: date  # inclusive
    day: int  # start relative to D0
    day_end: int
    notes: tuple[Text, ...] = ()  # why it moved, tasks due: messages (views.facts words them)
    time: str | None = None  # HH:MM local: a timed appointment on each day of the step
    minutes: int = 60  # length of the timed appointment


class Plan(NamedTuple):
    protocol: Protocol
    parameters: Mapping[str, int]
    start: date
    day0: date
    events: tuple[Event, ...]
    warnings: tuple[Text, ...] = ()
    patient: Patient | None = None
    dosing: Dosing | None = None
    age: int | None = None  # on D0: decides CAPD/ICE and the other age rules everywhere
    facts: frozenset[str] = frozenset()  # patient facts: prior:<class>, cns-involvement
    calendar: WorkCalendar | None = None  # the working days the plan was solved with
