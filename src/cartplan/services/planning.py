"""Use case: a plan from what the user asked (protocol, anchor, parameters, site, patient).

The clock and the protocol catalogue come in here; the pure scheduler gets them as values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan.errors import InputError

if TYPE_CHECKING:
    from datetime import datetime

    from cartplan.patient.model import Patient
    from cartplan.protocol.format import Protocol
    from cartplan.schedule.plan import Plan, WorkCalendar


class PlanArgs(NamedTuple):
    protocol: str
    start: str | None
    infusion: str | None
    sets: list[str] | None
    country: str | None
    subdiv: str | None
    closures: Path | Mapping[date, str] | None  # a file, or the days a site file lists
    tz: str | None
    patient: Path | None
    label: str | None
    sex: str | None
    age: int | None
    birth_date: str | None
    weight_kg: float | None
    height_cm: float | None
    creatinine: str | None
    crcl_ml_min: float | None
    disease: str | None
    cns_involvement: bool
    medication: list[str] | None
    name: str | None
    mrn: str | None
    bsa_formula: str | None
    crcl_weight: str | None
    include_phi: bool
    today: str | None
    lang: str = "en"  # the reader's language (i18n.lang.resolve): words, dates, protocol texts
    site: Path | None = None  # --site: the site file (else $CARTPLAN_SITE, else the config one)


class Overrides(NamedTuple):
    values: dict[str, int]  # protocol parameters
    times: dict[str, str]  # STEP.time=HH:MM
    minutes: dict[str, int]  # STEP.duration=3h / 90m


def parse_duration(raw: str, value: str) -> int:
    """An appointment length: 3h, 90m, 1h30m, 1h30 -> minutes (5 min to 24 h)."""
    import re

    m = re.fullmatch(r"(?:(\d{1,2})\s*h)?\s*(?:(\d{1,4})\s*(?:m|min)?)?", value.lower())
    if not value or m is None or (m.group(1) is None and not value.lower().endswith(("m", "min"))):
        raise InputError(
            f"--set {raw}: '{value}' is not an appointment length; write 3h, 90m or 1h30m "
            "(the days a step lasts come from the protocol's parameters)"
        )
    minutes = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    if not 5 <= minutes <= 1440:
        raise InputError(f"--set {raw}: out of range; an appointment lasts 5 min to 24 h")
    return minutes


def parse_overrides(items: list[str] | None) -> Overrides:
    """--set NAME=VALUE for parameters (whole numbers), STEP.time=HH:MM for appointments and
    STEP.duration=3h|90m for their length."""
    import re

    values: dict[str, int] = {}
    times: dict[str, str] = {}
    minutes: dict[str, int] = {}
    for raw in items or []:
        name, sep, value = raw.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            raise InputError(f"--set {raw}: write NAME=VALUE, e.g. --set washout_days=14")
        if name.endswith(".time"):
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
                raise InputError(f"--set {raw}: '{value}' is not a time; write HH:MM (24 h)")
            times[name.removesuffix(".time")] = value
            continue
        if name.endswith(".duration"):
            minutes[name.removesuffix(".duration")] = parse_duration(raw, value)
            continue
        try:
            values[name] = int(value)
        except ValueError:
            raise InputError(f"--set {raw}: '{value}' is not a whole number") from None
    return Overrides(values, times, minutes)


def today_in(tz: str | None, override: str | None) -> date:
    from cartplan.dates import parse_date

    if override is not None:
        return parse_date(override, "--today")
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if tz is None:
        return datetime.now().astimezone().date()
    try:
        return datetime.now(ZoneInfo(tz)).date()
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise InputError(
            f"--tz {tz}: unknown time zone; use an IANA name such as Europe/Berlin"
        ) from None


def work_calendar(
    country: str | None, subdiv: str | None, closures: Path | Mapping[date, str] | None
) -> WorkCalendar:
    """The site's working days: a closures file (or the days it would list, with reasons)."""
    if subdiv is not None and country is None:
        raise InputError(f"--subdiv {subdiv}: give --country as well")
    if country is None and closures is None:
        from cartplan.schedule.plan import MondayToFriday

        return MondayToFriday()
    from cartplan.sources.site_calendar import MAX_CLOSED_DAYS, SiteCalendar, read_closures

    if isinstance(closures, Path):
        closures = read_closures(closures)
    elif closures is not None and len(closures) > MAX_CLOSED_DAYS:
        raise InputError(
            f"closures: more than {MAX_CLOSED_DAYS} days (ten years); list only the closures "
            "the plans can reach"
        )
    return SiteCalendar(country, subdiv, closures)


def creatinine_flag(text: str) -> dict[str, str]:
    """--creatinine '106 µmol/L' (or '1.2 mg/dl', '106umol/L'): the value and its unit, the
    unit in any case and with µ or u. A missing or unknown unit is an error (never guessed);
    the value is checked with the patient file's rules."""
    import re

    from cartplan.patient.model import creatinine_unit

    m = re.fullmatch(r"\s*([^\sA-Za-zµμ]*)\s*(.*?)\s*", text, re.DOTALL)
    value, unit = (m[1], m[2]) if m is not None else ("", "")
    if value and creatinine_unit(unit) is not None:
        return {"value": value, "unit": str(creatinine_unit(unit))}
    problem = (
        "give the value and its unit"
        if not value
        else "give the unit"
        if not unit
        else "the unit is mg/dL or umol/L"
    )
    raise InputError(
        f"--creatinine {text}: {problem}, e.g. '1.2 mg/dL' or '106 umol/L' "
        "(µmol/L, any case; units are never guessed)"
    )


def patient_from(
    args: PlanArgs,
    today: date | None = None,
    anchor: date | None = None,
    *,
    doses_continue: bool = False,
) -> Patient | None:
    """The patient profile: the file's keys, overridden by flags; None when neither is given.

    With `today`, dates that cannot be right (a birth date in the future, a last dose far ahead)
    are errors too. No message shows an identifying value (name, record number, birth date).
    """
    from cartplan.errors import PatientError
    from cartplan.sources import yamlfiles

    where = str(args.patient) if args.patient is not None else "patient"
    data: dict[str, Any] = {}
    if args.patient is not None:
        raw = yamlfiles.read_yaml(args.patient)
        if not isinstance(raw, dict):
            raise InputError(f"{where}: a patient file holds a mapping (label:, …)")
        data = raw
    flags = {
        k: getattr(args, k)
        for k in (
            "label",
            "sex",
            "age",
            "birth_date",
            "weight_kg",
            "height_cm",
            "crcl_ml_min",
            "disease",
        )
    }
    data.update({k: v for k, v in flags.items() if v is not None})
    if args.cns_involvement:
        data["cns_involvement"] = True
    if args.creatinine is not None:
        data["creatinine"] = creatinine_flag(args.creatinine)
    if args.medication:
        listed = data.get("medications", [])
        if not isinstance(listed, list):
            raise PatientError([f"{where}: medications: a list of {{drug:, last_dose:}} entries"])
        data["medications"] = [*listed, *map(parse_medication, args.medication)]
    phi = {k: v for k, v in (("name", args.name), ("mrn", args.mrn)) if v is not None}
    if phi:
        known = data.get("phi", {})
        if not isinstance(known, dict):
            raise PatientError(
                [f"{where}: phi: a mapping (name:, birth_date:, mrn:); value not shown"]
            )
        data["phi"] = {**known, **phi}
    if not data:
        return None
    if args.tz is not None and "timezone" not in data:
        data["timezone"] = args.tz
    return patient_of(data, where, today, anchor, doses_continue=doses_continue)


def patient_of(
    data: Mapping[str, Any],
    where: str,
    today: date | None = None,
    anchor: date | None = None,
    *,
    doses_continue: bool = False,
) -> Patient:
    """A patient profile from its keys, each problem on one line starting with `where`; with
    `today`, its dates are checked too (see check_patient_dates)."""
    from pydantic import ValidationError

    from cartplan.errors import PatientError
    from cartplan.patient.model import Patient

    try:
        patient = Patient.model_validate(data)
    except ValidationError as e:
        raise PatientError(
            [f"{where}: {_patient_problem(data, err)}" for err in e.errors()]
        ) from None
    check_patient_dates(patient, where, today, anchor, doses_continue=doses_continue)
    return patient


def check_patient_dates(
    patient: Patient,
    where: str,
    today: date | None,
    anchor: date | None = None,
    *,
    doses_continue: bool = False,
) -> None:
    """Dates that cannot be right on `today` for a plan from `anchor` are errors (no message
    shows an identifying value); without `today` nothing is checked."""
    from cartplan.errors import PatientError
    from cartplan.messages import msg
    from cartplan.patient.model import date_problems

    problems = []
    if today is not None:  # the core names no flags: say where the plan's date came from
        problems = date_problems(
            patient,
            today,
            anchor,
            anchor_from="--start or --infusion",
            doses_continue=doses_continue,
        )
    if problems:  # kept as messages: the CLI (or another edge) writes them
        raise PatientError([msg("patient.at", where=where, problem=p) for p in problems])


def _patient_problem(data: Mapping[str, Any], err: Any) -> str:
    """Field and problem, without the value when the field identifies the patient."""
    from cartplan.patient.model import PHI_FIELDS, Phi
    from cartplan.sources import yamlfiles

    loc = err["loc"]
    if not loc or loc[0] not in PHI_FIELDS:
        return f"{yamlfiles.field_path(data, loc)}: {yamlfiles.error_text(err)}"
    # keys under phi: are shown only when they are field names (a stray key may be a name)
    named = [str(k) for k in loc if k in PHI_FIELDS or k in Phi.model_fields]
    return f"{'.'.join(named)}: {yamlfiles.error_text(err, show_value=False)}"


def parse_medication(text: str) -> dict[str, str]:
    drug, _, rest = text.partition(":")
    last, _, dose = rest.partition(":")
    if not drug.strip() or not last.strip():
        raise InputError(
            f"--medication {text}: write DRUG[=CLASS]:LAST_DOSE[:DOSE], e.g. "
            "'mycophenolate mofetil:2025-04-28'"
        )
    name, _, drug_class = drug.partition("=")
    out = {"drug": name.strip(), "last_dose": last.strip()}
    if drug_class.strip():
        out["drug_class"] = drug_class.strip()
    if dose.strip():
        out["dose"] = dose.strip()
    return out


def with_dosing_choices(protocol: Protocol, args: PlanArgs) -> Protocol:
    """The protocol with this plan's choice of BSA formula and Cockcroft-Gault weight."""
    choices = {
        "bsa_formula": (args.bsa_formula, ("mosteller", "dubois")),
        "crcl_weight": (args.crcl_weight, ("auto", "actual", "ideal", "adjusted")),
    }
    update = {}
    for field, (value, allowed) in choices.items():
        if value is None:
            continue
        if value not in allowed:
            raise InputError(f"--{field.replace('_', '-')} {value}: allowed {', '.join(allowed)}")
        update[field] = value
    if not update:
        return protocol
    return protocol.model_copy(update={"dosing": protocol.dosing.model_copy(update=update)})


def make_plan(args: PlanArgs) -> Plan:
    """A plan from the shared planning options."""
    from cartplan.dates import parse_date

    if (args.start is None) == (args.infusion is None):
        raise InputError("give exactly one of --start (first washout day) or --infusion (D0)")
    begin = parse_date(args.start, "--start") if args.start is not None else None
    d0 = parse_date(args.infusion, "--infusion") if args.infusion is not None else None
    return planner_for(args, begin or d0)(begin, d0)


def planner_for(args: PlanArgs, anchor: date | None) -> Callable[[date | None, date | None], Plan]:
    """plan(start, infusion): the options read and checked once (protocol, site calendar,
    patient as of the anchor day), planned from any anchor — `make_plan`, and `--fit` trying
    one start after another."""
    from cartplan.sources import catalogue

    overrides = parse_overrides(args.sets)
    now = today_in(args.tz, args.today)
    calendar = work_calendar(args.country, args.subdiv, args.closures)
    protocol = with_dosing_choices(catalogue.load(args.protocol), args)
    patient = patient_from(args, now, anchor, doses_continue=not protocol.washout_starts_plan)

    def plan(start: date | None, infusion: date | None) -> Plan:
        return solve(
            protocol,
            start=start,
            infusion=infusion,
            overrides=overrides,
            calendar=calendar,
            today=now,
            patient=patient,
        )

    return plan


def solve(
    protocol: Protocol,
    *,
    start: date | None,
    infusion: date | None,
    overrides: Overrides,
    calendar: WorkCalendar,
    today: date,
    patient: Patient | None,
) -> Plan:
    """The plan, from inputs already read and checked: the one path from a request to the
    scheduler, for the command line and the Python API (cartplan.api) alike."""
    from cartplan.schedule import planner
    from cartplan.sources import catalogue

    return planner.schedule(
        protocol,
        start=start,
        infusion=infusion,
        overrides=overrides.values,
        calendar=calendar,
        today=today,
        patient=patient,
        washout=catalogue.washout_table() if patient is not None else None,
        times=overrides.times,
        durations=overrides.minutes,
    )


def for_reader(plan: Plan, args: PlanArgs) -> Plan:
    """The plan as its reader sees it: in English as planned, else with the protocol's texts
    from its translation file (i18n/<lang>/<id>.po beside the protocol; a text without one shows
    in English behind ‹EN›). JSON and FHIR, contracts for programs, keep the planned plan."""
    from cartplan.i18n import is_english

    if is_english(args.lang):
        return plan
    from cartplan.i18n import protocols as protocol_texts
    from cartplan.sources import catalogue

    source = catalogue.find(args.protocol)
    translation = protocol_texts.load(source.path, plan.protocol.id, args.lang)
    return protocol_texts.localize(plan, translation)


def check_teams(plan: Plan, teams: list[str] | None) -> None:
    known = [t.id for t in plan.protocol.teams]
    for t in teams or []:
        if t not in known:
            raise InputError(
                f"--team {t}: protocol {plan.protocol.id} has no such team "
                f"(teams: {', '.join(known)})"
            )


def clock(now: str | None) -> datetime:
    """The injected clock of audit stamps and DTSTAMPs (--now), else the real one, in UTC."""
    from datetime import UTC, datetime

    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        stamp = datetime.fromisoformat(now)
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted to UTC
        raise InputError(f"--now {now}: write an ISO date-time") from None


def sheet_days(
    plan: Plan,
    day: str | None,
    on: str | None,
    first: str | None,
    last: str | None,
    tz: str | None,
    today: str | None,
) -> list[date]:
    """The days ward sheets are asked for: --day, --date, a --from/--to booklet, else today (in
    the site's zone). One reading for `checklist` and `plan checklist`."""
    from cartplan.views import checklist as sheets

    chosen = [x for x in (day, on) if x is not None]
    if len(chosen) + (first is not None or last is not None) > 1:
        raise InputError("give one of --day, --date, or --from/--to")
    if (first is None) != (last is None):
        raise InputError("give both --from and --to for a booklet")
    if first is not None and last is not None:
        lo, hi = day_or_date(first, plan, "--from"), day_or_date(last, plan, "--to")
        if hi < lo:
            raise InputError(f"--to {last} is before --from {first}")
        if (hi - lo).days > 400:
            raise InputError(f"--from {first} --to {last}: at most 400 days in one booklet")
        days = sheets.day_range(plan, lo, hi)
    elif day is not None:
        days = [day_or_date(day, plan, "--day")]
    elif on is not None:
        days = [day_or_date(on, plan, "--date")]
    else:
        days = [today_in(tz, today)]
    return days


def day_or_date(text: str, plan: Plan, what: str) -> date:
    """A day relative to D0 (-5, 14) or a calendar date (YYYY-MM-DD). A protocol that counts
    from day 1 (day_origin 1) is asked in its own numbers: day 1 is D0, day 3 is D2."""
    import re
    from datetime import timedelta

    from cartplan.dates import parse_date

    if re.fullmatch(r"[+-]?\d{1,4}", text.strip()):
        n = int(text)
        if plan.protocol.day_origin == 1:
            if n == 0:
                raise InputError(f"{what} 0: {plan.protocol.id} counts from day 1 (no day 0)")
            n = n - 1 if n > 0 else n
        return plan.day0 + timedelta(days=n)
    return parse_date(text, what)
