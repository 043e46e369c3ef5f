"""Message templates of the scheduler: moves, warnings, infeasible plans (cartplan.schedule).

`{n:day|days}` writes a count with its word in the right number, `{n:signed}` a signed offset
(see cartplan.i18n). Dates are rendered by i18n ('Thu 01 May 2025').
"""

from __future__ import annotations

from cartplan.i18n.marker import N_

SCHEDULE: dict[str, str] = {
    # why a day is not a working day (WorkCalendar.closed)
    "day.weekend": N_("weekend"),
    "day.public_holiday": N_("public holiday ({name})"),
    "day.site_closed": N_("site closed ({reason})"),
    "day.reasons": N_("{first}; {rest}"),
    # what a step's target day counts from
    "anchor.plan_start": N_("the plan start"),
    "anchor.day0": N_("D0"),
    "anchor.step": N_("{step} {edge}"),
    "window.days": N_(
        "{lo} to {hi} (target {target}, {offset:signed} days from {anchor}, "
        "window -{early}/+{late})"
    ),
    # notes: why a step is not on its target day
    "step.moved": N_("moved from {target}: {why}"),
    "step.moved_earlier": N_("moved from {target}: {why}; later days: {problem}"),
    "step.outside_window_before": N_(
        "no working day in its window {window}: {target} is {reason}; "
        "placed {days:day|days} before the window"
    ),
    "step.outside_window_after": N_(
        "no working day in its window {window}: {target} is {reason}; "
        "placed {days:day|days} after the window"
    ),
    "task.due": N_("{task} — by {by}"),
    # warnings
    "plan.step_outside_window": N_("{step}: {note}"),
    "plan.below_min_age": N_(
        "protocol {protocol} is for patients aged {min_age} or more on the day of the first dose "
        "or infusion; this patient is {age} then: its doses are not for this age"
    ),
    "plan.for_min_age": N_(
        "protocol {protocol} is for patients aged {min_age} or more on the day of the first dose "
        "or infusion: no age or birth date was given, so the plan could not check it"
    ),
    "plan.extended_by_medication": N_(
        "{constraint}: {then} is {gap:day|days} after {first} {first_edge}, beyond the "
        "protocol's usual maximum of {max} — extended because {reason}"
    ),
    "plan.starts_before_today": N_(
        "the plan starts on {start}, {days:day|days} before today ({today})"
    ),
    "dosing.not_computed": N_(
        "doses in mg not computed: the patient has no weight_kg and height_cm"
    ),
    # why a placement fails
    "step.no_working_day": N_(
        "{step}: no working day from {window}; the nearest working day is "
        "{days:day|days} outside the window"
    ),
    "step.ends_before_start": N_("{step}: would end on {end}, before it starts on {start}"),
    "constraint.too_short": N_(
        "constraint {constraint} ({description}): {then} {then_edge} {then_day} is "
        "{gap:day|days} after {first} {first_edge} {first_day}; needs at least {min} — "
        "{short:day|days} short"
    ),
    "constraint.too_long": N_(
        "constraint {constraint} ({description}): {then} {then_edge} {then_day} is "
        "{gap:day|days} after {first} {first_edge} {first_day}; allows at most {max} — "
        "{over:day|days} over"
    ),
    "constraint.too_long_for_drug": N_(
        "constraint {constraint} ({description}): {then} {then_edge} {then_day} is "
        "{gap:day|days} after {first} {first_edge} {first_day}; allows at most {max} — "
        "{over:day|days} over; {reason}"
    ),
    "constraint.hard_limit": N_(
        "constraint {constraint} ({description}): {reason}; that needs {then} {gap:day|days} "
        "after {first} {first_edge}, beyond the protocol's hard limit of {hard} — "
        "{over:day|days} over"
    ),
    "calendar.closed_year_after": N_(
        "no working day within a year after {day}: every day is closed ({reasons})"
    ),
    "calendar.closed_year_before": N_(
        "no working day within a year before {day}: every day is closed ({reasons})"
    ),
    # pins: a step's first day fixed by the user (or a recorded date), or D0 when planning back
    "infusion.too_early": N_(
        "infusion {day} is {days:day|days} too early: {step} may start {lo}–{hi} "
        "({anchor} {offset:signed} days)"
    ),
    "infusion.too_late": N_(
        "infusion {day} is {days:day|days} too late: {step} may start {lo}–{hi} "
        "({anchor} {offset:signed} days)"
    ),
    "infusion.not_working_day": N_("infusion {day} is not a working day ({reason})"),
    "pin.too_early": N_(
        "{step} pinned to {day} is {days:day|days} too early: {step} may start {lo}–{hi} "
        "({anchor} {offset:signed} days)"
    ),
    "pin.too_late": N_(
        "{step} pinned to {day} is {days:day|days} too late: {step} may start {lo}–{hi} "
        "({anchor} {offset:signed} days)"
    ),
    "pin.not_working_day": N_("{step} pinned to {day}: not a working day ({reason})"),
    "pin.moved": N_("pinned to this day"),
    "pin.breaks": N_("{step} pinned to {day}: {problem}"),
    "pin.not_preferred": N_(
        "{step} pinned to {day}: {days:day|days} from its target {target}, on the side of its "
        "window its rule takes only when no day on the other side fits"
    ),
    "pin.before_floor": N_("{reason}, so it cannot be before {floor}"),
    "pin.unknown_step": N_("protocol {protocol} has no step '{step}' to pin (steps: {steps})"),
    "pin.other_infusion": N_(
        "{step} is pinned to {pinned}, but the infusion (D0) is asked for {day}"
    ),
    # no plan
    "plan.not_found": N_("no plan found"),
    "plan.no_problem": N_("none"),
    "plan.search_limit": N_("no plan found within {limit} placements; last problem: {problem}"),
    "plan.work_limit": N_(
        "no plan found after looking at {limit} candidate days; last problem: {problem}"
    ),
    "plan.one_anchor": N_(
        "give exactly one of a plan start (first washout day) or an infusion day (D0)"
    ),
    "set.unknown_step": N_("protocol {protocol} has no step '{step}' (steps: {steps})"),
    "backward.infeasible": N_("no plan puts the infusion on {day}: {reason}"),
    "backward.no_start": N_("no plan start found"),
    "backward.drug": N_(
        "no plan puts the infusion on {day}: {reason}, so {step} cannot be before {floor}; "
        "a plan for that infusion collects on {planned} — {short:day|days} too early"
    ),
    "backward.drug_suggest": N_(
        "no plan puts the infusion on {day}: {reason}, so {step} cannot be before {floor}; "
        "a plan for that infusion collects on {planned} — {short:day|days} too early. "
        "The earliest infusion that works is {suggestion}"
    ),
}
