"""cartplan for Python programs: notebooks, batch jobs, other services.

    from cartplan import api

    plan = api.make_plan("lupus-flucy", start="2025-05-01", patient={"label": "P-017"})
    print(api.to_json(plan))

The functions take the command line's path to a plan (services.planning.solve): the same
checks, the same errors, the same output. Errors are `cartplan.errors.CartplanError`s (also
importable from here), with the exit code the CLI would return and one line per problem in
`str(error)`. Importing this module is cheap: pydantic, the scheduler and everything else load
on the first call that needs them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan.errors import (
    CartplanError,
    ContraindicatedError,
    InfeasiblePlanError,
    InputError,
    PatientError,
    ProtocolError,
)

if TYPE_CHECKING:
    from cartplan.exports.contract import PlanJson
    from cartplan.patient.model import Patient
    from cartplan.protocol.format import Protocol
    from cartplan.schedule.plan import Event, Plan, WorkCalendar

__all__ = [
    "CartplanError",
    "ContraindicatedError",
    "Event",
    "InfeasiblePlanError",
    "InputError",
    "Patient",
    "PatientError",
    "Plan",
    "PlanJson",
    "Protocol",
    "ProtocolError",
    "Site",
    "WorkCalendar",
    "load_protocol",
    "make_plan",
    "plan_schema",
    "to_contract",
    "to_json",
    "validate_protocol",
]

# Types re-exported for annotations, loaded when first asked for (PEP 562).
_LAZY = {
    "Event": "cartplan.schedule.plan",
    "Plan": "cartplan.schedule.plan",
    "WorkCalendar": "cartplan.schedule.plan",
    "Patient": "cartplan.patient.model",
    "Protocol": "cartplan.protocol.format",
    "PlanJson": "cartplan.exports.contract",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Site(NamedTuple):
    """Where a plan is made: the centre's working days and its time zone.

    Working days are Monday-Friday (or the country's own weekend and make-up working days)
    minus the public holidays of `country`/`subdiv` (ISO codes of the `holidays` package) minus
    `closures`: a file in the `--closures` format, or the closed days with their reasons.
    `timezone` (an IANA name) decides "today" when `make_plan` is not told, and is the
    patient's time zone when a patient mapping gives none.
    """

    country: str | None = None
    subdiv: str | None = None
    closures: Mapping[date, str] | str | os.PathLike[str] | None = None
    timezone: str | None = None


def load_protocol(id_or_path: str | os.PathLike[str]) -> Protocol:
    """A shipped or own protocol (`cartplan protocols list`) by id, or a `.yaml` file: parsed
    and checked against every validation rule; a ProtocolError lists the problems."""
    from cartplan.sources import catalogue

    return _sound(catalogue.load(os.fspath(id_or_path)))


def validate_protocol(path: str | os.PathLike[str]) -> list[str]:
    """Every problem of a protocol file, one line each with file and field; empty when sound.

    The checks of `cartplan protocols validate`: format, validation rules, file name = id."""
    from cartplan.i18n import render
    from cartplan.sources import catalogue

    try:
        catalogue.parse(Path(path))
    except ProtocolError as e:
        return [render(p) for p in e.problems]
    except InputError as e:  # unreadable, not a regular file, too large, not YAML
        return [str(e)]
    return []


def make_plan(
    protocol: Protocol | str | os.PathLike[str],
    *,
    start: date | str | None = None,
    infusion: date | str | None = None,
    site: Site | WorkCalendar | None = None,
    patient: Patient | Mapping[str, Any] | None = None,
    overrides: Mapping[str, int | str] | None = None,
    today: date | str | None = None,
) -> Plan:
    """A dated plan, forward from `start` (the first washout day) or backward from a target
    infusion day `infusion` (D0): give exactly one.

    - `protocol`: a Protocol (`load_protocol`), or an id or path to load.
    - `site`: a `Site`, or any object with `closed(day) -> reason | None` (a WorkCalendar);
      default Monday-Friday.
    - `patient`: a `Patient`, or a mapping with the keys of a patient file (`label`, `sex`,
      `age`, `weight_kg`, `height_cm`, `crcl_ml_min`, `medications`, …).
    - `overrides`: what `--set` changes: protocol parameters (`{"washout_days": 14}`),
      appointment times (`{"apheresis.time": "08:30"}`) and lengths (`{"apheresis.duration":
      "3h"}`, or whole minutes: `180`).
    - `today`: the date the plan is made on (patient dates are checked against it, a plan
      starting before it warns); default: today in the site's time zone.

    Dates are `date`s or `YYYY-MM-DD` strings. Raises InputError (bad input, including a
    PatientError or ProtocolError), InfeasiblePlanError (no plan meets every constraint) or
    ContraindicatedError (a protocol rule forbids a drug for this patient).
    """
    from cartplan.services import planning

    if (start is None) == (infusion is None):
        raise InputError("give exactly one of start (first washout day) or infusion (D0)")
    begin = _day(start, "start")
    d0 = _day(infusion, "infusion")
    changes = planning.parse_overrides(_set_items(overrides))
    if isinstance(site, Site) or site is None:
        where = site or Site()
        tz = where.timezone
        closures = where.closures
        if isinstance(closures, str | os.PathLike):
            closures = Path(closures)
        calendar = planning.work_calendar(where.country, where.subdiv, closures)
    else:
        tz, calendar = None, site
    now = _day(today, "today") or planning.today_in(tz, None)
    if isinstance(protocol, str | os.PathLike):
        chosen = load_protocol(protocol)
    else:
        chosen = _checked(protocol)
    return planning.solve(
        chosen,
        start=begin,
        infusion=d0,
        overrides=changes,
        calendar=calendar,
        today=now,
        patient=_patient(patient, tz, now, begin or d0, not chosen.washout_starts_plan),
    )


def to_contract(plan: Plan, *, include_phi: bool = False) -> PlanJson:
    """The plan as the JSON contract's pydantic model (`cartplan schema plan` documents it).

    Name, birth date and record number are in it only with `include_phi`."""
    from cartplan.exports import json as json_contract

    return json_contract.contract(plan, include_phi)


def to_json(plan: Plan, *, include_phi: bool = False) -> str:
    """The plan as `cartplan schedule --format json` prints it, byte for byte."""
    from cartplan.exports import json as json_contract

    return json_contract.to_json(plan, include_phi)


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of `to_json`'s output (as `cartplan schema plan` prints it)."""
    from cartplan.exports.contract import schema

    return schema()


# Protocols known to pass every validation rule, by identity (kept here so that no other
# object takes their id): one made or changed in Python is checked once before it is planned.
_SOUND: dict[int, Protocol] = {}


def _sound(protocol: Protocol) -> Protocol:
    if len(_SOUND) >= 64:
        _SOUND.clear()
    _SOUND[id(protocol)] = protocol
    return protocol


def _checked(protocol: Protocol) -> Protocol:
    """`protocol` if it passes the rules `load_protocol` applies; else a ProtocolError."""
    if _SOUND.get(id(protocol)) is not protocol:
        from cartplan.protocol.rules import check

        check(protocol)
        _sound(protocol)
    return protocol


def _day(value: date | str | None, what: str) -> date | None:
    """A date given as a date or as YYYY-MM-DD, in the years cartplan plans in."""
    from cartplan.dates import parse_date

    if value is None:
        return None
    if isinstance(value, date):
        value = value.isoformat()  # a datetime is refused: its time has no place here
    if not isinstance(value, str):
        raise InputError(f"{what}: {type(value).__name__} is not a date; give a date")
    return parse_date(value, what)


def _set_items(overrides: Mapping[str, int | str] | None) -> list[str]:
    """The overrides as `--set` items: NAME=VALUE, STEP.time=HH:MM, STEP.duration=3h|90m."""
    items = []
    for name, value in (overrides or {}).items():
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InputError(f"overrides[{name!r}]: give a whole number or a string")
        if name.endswith(".duration") and isinstance(value, int):
            value = f"{value}m"
        items.append(f"{name}={value}")
    return items


def _patient(
    given: Patient | Mapping[str, Any] | None,
    tz: str | None,
    today: date,
    anchor: date | None,
    doses_continue: bool,
) -> Patient | None:
    from cartplan.services import planning

    if given is None:
        return None
    if isinstance(given, Mapping):
        data = dict(given)
        if tz is not None and "timezone" not in data:
            data["timezone"] = tz
        return planning.patient_of(data, "patient", today, anchor, doses_continue=doses_continue)
    planning.check_patient_dates(given, "patient", today, anchor, doses_continue=doses_continue)
    return given
