"""The protocol format: these pydantic models are both the parser and its documentation.

`cartplan protocols schema` prints their JSON Schema. Day numbers are relative to the infusion
(D0); a "value" is either a whole number or the name of a protocol parameter (``washout_days``),
optionally with ``.min`` or ``.max`` for the ends of its allowed range.

Every number has a range (printed in the JSON Schema as minimum/maximum) and every list a
length limit, so that whatever validates can be planned in bounded time: day counts within
±MAX_DAYS (about ten years), at most MAX_STEPS steps, doses and cell counts within what any
protocol could mean. `validation` adds the limit on the plan's whole span.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_DAYS = 3660  # any day count or offset, about ten years
MAX_STEPS = 200
MAX_DOSE = 10_000  # in the dose unit (mg/m2, mg/kg or mg)
MAX_CELLS_PER_KG = 1e10
MAX_CELLS = 1e13

Days = Annotated[int, Field(ge=-MAX_DAYS, le=MAX_DAYS)]
Value = Annotated[
    Days | Annotated[str, Field(max_length=100)],
    Field(
        description="A whole number of days (within ±3660), or a parameter name (optionally "
        "NAME.min / NAME.max)."
    ),
]
Clock = Annotated[
    str,
    Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Local time of day, HH:MM (24 h)."),
]
Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Lower-case identifier: letters, digits, '-' and '_'.",
    ),
]


class Model(BaseModel):
    # defer_build: validators are built on first validation, not on import.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, allow_inf_nan=False)


class Stage(StrEnum):
    washout = "washout"
    apheresis = "apheresis"
    manufacturing = "manufacturing"
    release = "release"
    lymphodepletion = "lymphodepletion"
    infusion = "infusion"
    monitoring = "monitoring"
    follow_up = "follow-up"
    other = "other"


class Rule(StrEnum):
    """How a step lands on the calendar inside its window."""

    calendar = "calendar"
    next = "next"
    previous = "previous"
    nearest = "nearest"


class Reference(Model):
    id: Id = Field(description="Key that steps, parameters and doses use to cite this source.")
    citation: str = Field(
        min_length=10, description="Author(s), journal, year, volume and pages, as printed."
    )
    kind: Literal["article", "guideline", "label", "regulatory"] = Field(
        default="article",
        description="Articles and guidelines are cited by PMID, DOI or PMCID; drug labels and "
        "regulatory notices by their official URL.",
    )
    pmid: str | None = Field(default=None, description="PubMed identifier (digits only).")
    pmcid: str | None = Field(
        default=None, description="PubMed Central id (PMC + digits), where no PMID is known."
    )
    doi: str | None = Field(default=None, description="Digital Object Identifier, e.g. 10.1038/…")
    url: str | None = Field(default=None, description="Official URL (labels, regulatory notices).")
    status: Literal["V", "V2", "R", "SEED"] = Field(
        default="V",
        description="Evidence label as in clinical-facts.md: V verified primary source, "
        "V2 secondary source only, R unconfirmed recollection, SEED seed review only.",
    )


class Parameter(Model):
    name: Id = Field(description="Name used by --set NAME=VALUE and by values in steps.")
    description: str = Field(description="What the number means, for the person changing it.")
    unit: Literal["days", "months", "count"] = Field(
        default="days", description="Unit of the value."
    )
    default: int = Field(
        ge=-MAX_DAYS, le=MAX_DAYS, description="Value used when the plan does not set it."
    )
    min: int = Field(ge=-MAX_DAYS, le=MAX_DAYS, description="Smallest value a plan may set.")
    max: int = Field(ge=-MAX_DAYS, le=MAX_DAYS, description="Largest value a plan may set.")
    references: list[str] = Field(default=[], description="Reference ids supporting the range.")
    assumption: str | None = Field(
        default=None,
        description="Set when the literature does not confirm the number: says what is assumed.",
    )


class Team(Model):
    id: Id = Field(description="Team key used by steps and by --team filters.")
    name: str = Field(description="Human-readable team name.")
    description: str = Field(default="", description="What this team does in the pathway.")


class Placement(Model):
    """Where a step starts: a target day relative to an anchor, a window, and a working-day rule.

    The target is ``anchor + offset_months + offset``; allowed days run from ``target - early``
    to ``target + late``. With rule ``next`` the first working day from the target onwards is
    taken (then earlier days of the window), ``previous`` the reverse, ``nearest`` the closest
    working day, ``calendar`` any day (target first, then later, then earlier days).
    """

    after: str | None = Field(
        default=None,
        description="Step id, or 'day0' for the infusion day; omitted only for the step that "
        "starts the plan (its first day is --start).",
    )
    edge: Literal["start", "end"] = Field(
        default="end", description="Which day of the 'after' step the offset counts from."
    )
    offset: Value = Field(default=0, description="Days from the anchor day to the target day.")
    offset_months: int = Field(
        default=0,
        ge=0,
        le=240,
        description="Calendar months added to the anchor before 'offset' (month-end clamped).",
    )
    early: Value = Field(default=0, description="Days the step may start before its target.")
    late: Value = Field(default=0, description="Days the step may start after its target.")
    rule: Rule = Field(default=Rule.calendar, description="Working-day rule inside the window.")


class Endpoint(Model):
    step: str = Field(description="Step id.")
    edge: Literal["start", "end"] = Field(
        default="start", description="First or last day of that step."
    )


class Constraint(Model):
    """``then`` must fall between ``min`` and ``max`` days after ``first`` (either may be open)."""

    id: Id = Field(description="Constraint key, named in messages when it cannot be met.")
    description: str = Field(description="The rule in words, e.g. 'LD only after QC release'.")
    first: Endpoint = Field(description="The earlier day.")
    then: Endpoint = Field(description="The later day.")
    min: Value | None = Field(default=None, description="Fewest days from first to then.")
    max: Value | None = Field(default=None, description="Most days from first to then.")
    medication_extends: bool = Field(
        default=False,
        description="A patient's medication washout may push 'then' past 'max' (the plan says "
        "which drug and why); 'hard_max' still holds.",
    )
    hard_max: Value | None = Field(
        default=None,
        description="Never exceeded, not even for a medication washout (with medication_extends).",
    )
    references: list[str] = Field(default=[], description="Reference ids supporting the rule.")


class RenalBand(Model):
    """A creatinine-clearance band and what it does to the dose: one of dose, factor, stop, warn."""

    crcl_min: float | None = Field(
        default=None, ge=0, le=1000, description="Lower bound, mL/min (inclusive)."
    )
    crcl_below: float | None = Field(
        default=None, gt=0, le=1000, description="Upper bound, mL/min (exclusive)."
    )
    dose: float | None = Field(
        default=None, gt=0, le=MAX_DOSE, description="Dose in this band, in the dose unit."
    )
    factor: float | None = Field(
        default=None, gt=0, lt=1, description="Multiply the dose by this (0.5 = 50 % reduction)."
    )
    stop: bool = Field(default=False, description="Do not give in this band: the plan stops.")
    warn: bool = Field(
        default=False,
        description="Keep the dose but warn on the plan: the team decides (no label band).",
    )
    rule: str = Field(description="The rule in words, as the plan names it.")
    references: list[str] = Field(default=[], description="Reference ids for the band.")
    assumption: str | None = Field(
        default=None, description="Set when the band is not confirmed by the literature."
    )


class WeightBand(Model):
    """A lighter patient's dose, e.g. tocilizumab 12 mg/kg below 30 kg."""

    below_kg: float = Field(
        gt=0, le=350, description="Applies when the patient weighs less than this, kg."
    )
    dose: float = Field(gt=0, le=MAX_DOSE, description="Dose in this band, in the dose unit.")
    rule: str = Field(description="The rule in words, as the plan names it.")
    references: list[str] = Field(default=[], description="Reference ids for the band.")


class Dose(Model):
    agent: str = Field(description="Generic drug name, e.g. fludarabine.")
    dose: float = Field(gt=0, le=MAX_DOSE, description="Amount per administration day, in 'unit'.")
    unit: Literal["mg/m2", "mg/kg", "mg"] = Field(description="Dose unit.")
    days: list[Days] = Field(
        min_length=1, max_length=366, description="Administration days relative to D0."
    )
    round_mg: float = Field(
        default=0.1,
        ge=0.001,
        le=1000,
        description="Pharmacy rounding step for the mg amounts (half up).",
    )
    renal: list[RenalBand] = Field(
        default=[], max_length=20, description="Creatinine-clearance bands that change this dose."
    )
    weight: list[WeightBand] = Field(
        default=[],
        max_length=20,
        description="Body-weight bands that change this dose (lightest band first).",
    )
    max_mg: float | None = Field(
        default=None, gt=0, le=100_000, description="Cap on one administration, mg (e.g. 800 mg)."
    )
    standby: bool = Field(
        default=False,
        description="Held ready on the ward (e.g. tocilizumab before infusion), not given "
        "routinely: sheets ask to confirm it is on site.",
    )
    note: str = Field(
        default="", description="What goes with the dose (e.g. 'further dose within 8 h')."
    )
    references: list[str] = Field(default=[], description="Reference ids for dose and days.")
    assumption: str | None = Field(
        default=None, description="Set when dose or days are not confirmed by the literature."
    )


CellsPerKg = Annotated[float, Field(gt=0, le=MAX_CELLS_PER_KG)]


class CellDose(Model):
    """The CAR-T product dose: per kg body weight or flat."""

    product: str = Field(description="Product description, e.g. autologous CD19 CAR-T (4-1BB).")
    per_kg: float | None = Field(
        default=None, gt=0, le=MAX_CELLS_PER_KG, description="CAR+ cells per kg."
    )
    flat: float | None = Field(
        default=None, gt=0, le=MAX_CELLS, description="CAR+ cells per infusion."
    )
    range_per_kg: tuple[CellsPerKg, CellsPerKg] | None = Field(
        default=None, description="Acceptable per-kg range [low, high] where the protocol has one."
    )
    references: list[str] = Field(default=[], description="Reference ids for the dose.")


class Dosing(Model):
    """How patient-specific doses are computed."""

    bsa_formula: Literal["mosteller", "dubois"] = Field(
        default="mosteller", description="Body-surface-area formula."
    )
    bsa_cap_m2: float | None = Field(
        default=None, gt=0, le=5, description="Optional BSA cap (ASCO advises against capping)."
    )
    crcl_weight: Literal["auto", "actual", "ideal", "adjusted"] = Field(
        default="auto",
        description="Weight used in Cockcroft-Gault. 'auto': adjusted body weight when the "
        "actual weight is above 120 % of ideal, else the actual weight.",
    )
    obese_ratio: float = Field(
        default=1.2,
        gt=1,
        le=2,
        description="With 'auto': actual/ideal weight above which adjusted weight is used.",
    )
    references: list[str] = Field(default=[], description="Reference ids for the formulas.")


class ForWhom(Model):
    """Who an item is for. Unknown age or sex shows the item with its condition in words."""

    min_age: int | None = Field(
        default=None, ge=0, le=120, description="Only for patients at least this old (years)."
    )
    max_age: int | None = Field(
        default=None, ge=0, le=120, description="Only for patients at most this old (years)."
    )
    sex: Literal["F", "M"] | None = Field(
        default=None, description="Only for patients of this sex (e.g. pregnancy test: F)."
    )
    only_if: list[str] = Field(
        default=[],
        description="Patient facts that must all hold: 'cns-involvement' or "
        "'prior:<drug class>'; hidden unless the patient has them.",
    )


class CheckItem(ForWhom):
    """One thing the ward does or measures; the sheet gives one row per occurrence.

    Without `times`, occurrences follow the default ward schedule, counted from the start of the
    protocol's first shift (06:00 by default): once daily at start + 2 h (08:00), twice daily at
    start + 2 h and + 14 h (08:00, 20:00), otherwise every 24/n hours aligned to the shift start
    (q4h 02:00, 06:00, 10:00, 14:00, 18:00, 22:00; q8h 06:00, 14:00, 22:00). A once-daily item of a
    step with an appointment time is due at that time.
    """

    text: str = Field(description="What to do or measure, as a nurse reads it.")
    times_per_day: int = Field(
        default=1, ge=1, le=24, description="Occurrences per day (q4h = 6, twice daily = 2)."
    )
    times: list[Clock] | None = Field(
        default=None,
        description="Explicit clock times of the occurrences, HH:MM local, one per occurrence "
        "(as many as times_per_day), e.g. ['08:00', '20:00']; default: the ward schedule.",
    )
    record: list[str] = Field(
        default=[],
        description="Values the nurse writes down at each occurrence, each with its unit, e.g. "
        "['T °C', 'HR /min', 'BP mmHg', 'SpO2 %'] or ['ICE score 0-10']: the sheet gives a "
        "labelled field for each. Empty: the item is ticked, not measured.",
    )
    with_agent: str | None = Field(
        default=None,
        description="Only on the days this step gives that agent (e.g. mesna with "
        "cyclophosphamide).",
    )
    references: list[str] = Field(default=[], description="Reference ids for item and frequency.")


class Escalation(ForWhom):
    """A finding that must trigger action, printed on every checklist day the step is open."""

    criterion: str = Field(
        description="What the nurse sees or measures, e.g. 'Temperature >= 38 C'."
    )
    action: str = Field(description="What to do, e.g. 'Call the physician now; grade CRS'.")
    references: list[str] = Field(default=[], description="Reference ids for the criterion.")


class Shift(Model):
    """A nursing shift: who signs off the rows that fall between start and end."""

    name: str = Field(min_length=1, max_length=20, description="Shift name, e.g. Early.")
    start: Clock = Field(description="First minute of the shift, HH:MM local.")
    end: Clock = Field(description="End of the shift, HH:MM local (the next shift's start).")


DEFAULT_SHIFTS = (
    ("Early", "06:00", "14:00"),
    ("Late", "14:00", "22:00"),
    ("Night", "22:00", "06:00"),
)


def default_shifts() -> list[Shift]:
    return [Shift(name=n, start=a, end=b) for n, a, b in DEFAULT_SHIFTS]


class Alarm(Model):
    days_before: int = Field(ge=0, le=366, description="Days before the step's first day.")
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Local time of day, HH:MM.")


class Repeat(Model):
    """A dose every `every_days` days, `count` doses in all."""

    count: Value = Field(description="Number of doses (1-100), the first included.")
    every_days: Value = Field(description="Days from one dose to the next (at least 1).")


class Series(Model):
    """Several doses on one step: dose 1 is the step itself (D0 = dose 1 on the D0 step), the
    later doses are events of their own, ids `<step>-2` … `<step>-n`, titles "<title> (dose k of
    n)". Give exactly one of `days` and `repeat`. The step's regimen, premedication and
    cell_dose apply to each dose, their `days` counted from that dose's day (0 = the dose day).
    Placements and constraints naming `<step>` mean dose 1; `<step>-k` names dose k."""

    days: list[Days] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Days of the doses after the first dose, first 0, increasing, e.g. [0, 3, 6].",
    )
    repeat: Repeat | None = Field(
        default=None, description="Regular doses instead of explicit days: count and spacing."
    )
    rule: Rule = Field(
        default=Rule.calendar,
        description="Working-day rule for doses 2..n inside their window (default calendar: the "
        "spacing is kept to the day).",
    )
    early: Value = Field(default=0, description="Days doses 2..n may come before their target.")
    late: Value = Field(default=0, description="Days doses 2..n may come after their target.")
    references: list[str] = Field(default=[], description="Reference ids for the doses' days.")
    assumption: str | None = Field(
        default=None, description="Set when the doses' days are not confirmed by the literature."
    )


class OnFailure(Model):
    """What the pathway does when a step fails (e.g. a failed manufacturing): go back to an
    earlier step and plan it and everything after it again (the re-collection path)."""

    repeat_from: str = Field(
        description="The earlier step to repeat (e.g. apheresis): it and every step that follows "
        "from it are planned again; the failed step must follow from it."
    )
    after: Value = Field(
        default=0,
        description="Days after the failure day the repeated step may start at the earliest "
        "(then its own working-day rule applies).",
    )
    note: str = Field(default="", description="What the team does on this path, in words.")
    references: list[str] = Field(default=[], description="Reference ids for the path.")
    assumption: str | None = Field(
        default=None, description="Set when the path is not confirmed by the literature."
    )


class Step(Model):
    id: Id = Field(description="Step key; unique in the protocol.")
    title: str = Field(description="Short title shown in timelines and calendars.")
    stage: Stage = Field(description="Pathway stage this step belongs to.")
    teams: list[str] = Field(
        min_length=1, max_length=50, description="Ids of the teams that act on this step."
    )
    description: str = Field(default="", description="What the team must do.")
    placement: Placement = Field(description="Where the step starts.")
    duration: Value | None = Field(
        default=None, description="Length in calendar days (default 1). Excludes end_day."
    )
    end_day: Value | None = Field(
        default=None, description="Last day relative to D0 (inclusive), instead of duration."
    )
    ends_before: str | None = Field(
        default=None,
        description="Step id: this step lasts until the day before that step starts.",
    )
    day0: bool = Field(default=False, description="True for the one infusion step that is D0.")
    only_if: list[str] = Field(
        default=[],
        description="Patient facts that must all hold for the step to be planned, e.g. "
        "'prior:b-cell-antibody' (a drug of that class in the medication history).",
    )
    min_age: int | None = Field(
        default=None,
        ge=0,
        le=120,
        description="Planned only for patients at least this old (e.g. no-driving advice); "
        "kept when the age is unknown.",
    )
    outside_window: Literal["fail", "warn"] = Field(
        default="fail",
        description="When no working day in the window fits: 'fail' the plan, or 'warn' and take "
        "the nearest working day outside the window (for visits that must not move the infusion).",
    )
    watch: list[str] = Field(
        default=[], description="What a monitoring step watches for: crs, icans, iec-hs, …"
    )
    checklist: list[CheckItem] = Field(
        default=[], max_length=100, description="Items nurses tick on each day."
    )
    escalation: list[Escalation] = Field(
        default=[], description="Criteria that call for action while the step is open."
    )
    regimen: list[Dose] = Field(default=[], max_length=20, description="Drugs given in this step.")
    cell_dose: CellDose | None = Field(default=None, description="Product dose (infusion step).")
    alarms: list[Alarm] = Field(
        default=[], max_length=20, description="Calendar reminders for the step."
    )
    time: str | None = Field(
        default=None,
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
        description="Appointment time, HH:MM local, on each day of the step (a timed calendar "
        "event per day; its once-daily checklist items are due then); without it the step is an "
        "all-day event.",
    )
    minutes: int = Field(
        default=60,
        ge=5,
        le=1440,
        description="Length of a timed appointment in minutes (e.g. 240 for a 4-hour apheresis); "
        "--set STEP.duration=3h or 90m changes it for one plan.",
    )
    on_failure: OnFailure | None = Field(
        default=None,
        description="The path when this step fails (e.g. manufacturing: a new apheresis); "
        "without it a failure stops the pathway there and the team decides.",
    )
    series: Series | None = Field(
        default=None,
        description="Several doses on this step (explicit days or a repeat), each an event of its "
        "own; regimen, premedication and cell_dose apply to each dose, their days counted from "
        "that dose's day.",
    )
    each_dose: str | None = Field(
        default=None,
        description="Id of a step with a series: this step (placed after that step) is repeated "
        "after each of its doses, ids `<step>-1` … `<step>-n`, each anchored to dose k with this "
        "step's own placement (e.g. a CRS/ICANS watch after every dose).",
    )
    premedication: list[Dose] = Field(
        default=[],
        max_length=20,
        description="Drugs given before the step's dose, days counted from the dose day (the "
        "step's first day; each dose's day in a series), usually [0]; only on the D0 step or a "
        "step placed after day0. Shown like the regimen, marked as premedication.",
    )
    references: list[str] = Field(default=[], description="Reference ids for timing and content.")
    assumption: str | None = Field(
        default=None, description="Set when timing or content is not confirmed by the literature."
    )
    resources: list[Id] = Field(
        default=[],
        max_length=20,
        description="Resources of the site file (site.yaml `resources:`) this step uses, e.g. "
        "apheresis-chair: on each day it spans, or only its first day where the site file says "
        "start_only; the site file gives each one's capacity.",
    )


class Modality(StrEnum):
    """What kind of therapy the protocol plans (shown by `protocols list`)."""

    autologous_car_t = "autologous-car-t"
    allogeneic_car_t = "allogeneic-car-t"
    car_nk = "car-nk"
    mrna_car_t = "mrna-car-t"
    t_cell_engager = "t-cell-engager"


class WashoutPolicy(StrEnum):
    ebmt_table = "ebmt-table"
    stop_before = "stop-before"
    none = "none"


class Washout(Model):
    """How the patient's medication washout is judged, and from which step's first day."""

    policy: WashoutPolicy = Field(
        default=WashoutPolicy.ebmt_table,
        description="'ebmt-table': the EBMT 2024 per-drug intervals (data/washout.yaml); "
        "'stop-before': every non-glucocorticoid immunosuppressant last taken at least "
        "stop_days before the anchor; 'none': immunosuppressants continue (no washout task, no "
        "glucocorticoid check; the plan notes that they continue).",
    )
    anchor: str | None = Field(
        default=None,
        description="Step id whose first day the stop dates count back from (e.g. the "
        "lymphodepletion or the first dose); default: the apheresis step.",
    )
    stop_days: int | None = Field(
        default=None,
        ge=0,
        le=MAX_DAYS,
        description="With 'stop-before': days from the last dose of a non-glucocorticoid "
        "immunosuppressant to the anchor's first day, at least (0: stopped by that day).",
    )
    glucocorticoid_max_mg: float | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="Prednisone-equivalent mg/day the dose must stay BELOW at the anchor (a "
        "strict limit: teclistamab's '< 5 mg/day' is written 5). Without it the EBMT rule "
        "applies: at most 10 mg/day. Not with 'none'.",
    )
    references: list[str] = Field(default=[], description="Reference ids for the washout rule.")
    assumption: str | None = Field(
        default=None, description="Set when the rule is not confirmed by the literature."
    )


class Protocol(Model):
    id: Id = Field(description="Protocol id used by --protocol; matches the file name.")
    version: str = Field(description="Protocol version; changes whenever the content changes.")
    title: str = Field(description="Human-readable title.")
    description: str = Field(default="", description="Scope and provenance of the protocol.")
    diseases: list[str] = Field(min_length=1, description="Diseases the protocol is meant for.")
    references: list[Reference] = Field(
        min_length=1, max_length=500, description="Sources cited by the file."
    )
    parameters: list[Parameter] = Field(
        default=[], max_length=100, description="Tunable numbers with ranges."
    )
    teams: list[Team] = Field(
        min_length=1, max_length=50, description="Teams that act in the pathway."
    )
    steps: list[Step] = Field(
        min_length=1, max_length=MAX_STEPS, description="The pathway's steps (at most 200)."
    )
    constraints: list[Constraint] = Field(
        default=[],
        max_length=500,
        description="Extra rules between steps that every plan must satisfy.",
    )
    dosing: Dosing = Field(
        default_factory=Dosing,
        description="BSA formula, optional BSA cap and Cockcroft-Gault weight for patient doses.",
    )
    warning: str | None = Field(
        default=None,
        description="Printed on every plan made from this protocol (e.g. an unsourced template).",
    )
    min_age: int | None = Field(
        default=None,
        ge=0,
        le=120,
        description="Only for patients at least this old (years) on D0, e.g. 18 for a protocol "
        "whose fixed doses are adult doses: a younger patient is refused (exit 5); without an "
        "age or birth date the plan is made and says the age it is for.",
    )
    assumptions: list[str] = Field(
        default=[], description="Protocol-wide assumptions not confirmed by the literature."
    )
    shifts: list[Shift] = Field(
        default_factory=default_shifts,
        min_length=1,
        max_length=6,
        description="Ward shifts in order, covering the 24 hours without gap or overlap (each "
        "ends where the next starts); the first one's start begins the nursing day of a sheet. "
        "Default: Early 06:00-14:00, Late 14:00-22:00, Night 22:00-06:00.",
    )

    modality: Modality = Field(
        default=Modality.autologous_car_t,
        description="Kind of therapy, shown by `protocols list`.",
    )
    product_source: Literal["autologous", "allogeneic", "none"] = Field(
        default="autologous",
        description="Where the product comes from: the patient's own cells (autologous), a "
        "donor's stored cells (allogeneic) or no cells (antibodies: none). With allogeneic or "
        "none no step may be an apheresis or a manufacturing.",
    )
    washout: Washout | None = Field(
        default=None,
        description="How the medication washout is judged (default: the EBMT table, counted "
        "back from the apheresis).",
    )
    day_origin: Literal[0, 1] = Field(
        default=0,
        description="How day labels shown to people count: 0 (D0 = infusion day) or 1 (the first "
        "dose is day 1 and there is no day 0: D2 is shown as day 3, D-1 stays day -1).",
    )
    cycles: Value = Field(
        default=1, description="Number of treatment cycles (1-20; int or parameter name)."
    )
    cycle_gap_days: Value | None = Field(
        default=None,
        description="Days from one cycle's D0 to the next cycle's D0 (needed with cycles > 1).",
    )
    cycle_from: str | None = Field(
        default=None,
        description="First step repeated in each cycle (e.g. the lymphodepletion): it and the "
        "steps after it in the file up to the end of the D0-anchored part are planned again for "
        "cycles 2..n, ids with suffix -c2, -c3, titles '(cycle 2 of n)'.",
    )
    retreatment: bool = Field(
        default=False,
        description="The plan re-uses a stored cryopreserved lot of an earlier plan (a thaw step): "
        "no apheresis or manufacturing step is allowed.",
    )

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def parameter(self, name: str) -> Parameter:
        return next(p for p in self.parameters if p.name == name)

    @property
    def washout_starts_plan(self) -> bool:
        """The plan starts with the medication washout (else the drugs continue through the
        first steps, e.g. collection: a last dose after the start is expected)."""
        first = next((s for s in self.steps if s.placement.after is None), None)
        return first is not None and first.stage is Stage.washout

    @property
    def day0_step(self) -> Step:
        return next(s for s in self.steps if s.day0)
