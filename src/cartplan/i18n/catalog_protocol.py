"""Message templates of the protocol format and its rules (cartplan.protocol).

A validation problem starts with `{where}`: the place in the protocol file (steps[ld].regimen[0]),
written in the file's own keys, which stay untranslated.
"""

from __future__ import annotations

from cartplan.i18n.marker import N_

PROTOCOL: dict[str, str] = {
    "failure.not_upstream": N_(
        "steps[{step}].on_failure.repeat_from: '{back}' is not a step that {step} follows "
        "from; the path must go back to an earlier step"
    ),
    "list.none": N_("none"),
    # parameters and their values (graph)
    "parameter.unknown": N_("protocol {protocol} has no parameter '{name}' (known: {known})"),
    "parameter.out_of_range": N_("{name}={value}: out of range; allowed {min}–{max} {unit}"),
    "parameter.unknown_reference": N_("{protocol}: unknown parameter reference '{value}'"),
    "steps.cycle": N_("steps caught in a dependency cycle (or waiting on one): {steps:join= -> }"),
    # ids and references between parts of the file
    "ids.duplicate": N_("{where}: id '{id}' is used {times} times; ids must be unique"),
    "value.not_a_parameter": N_(
        "{where}: '{value}' is neither a number nor a parameter "
        "(known: {known}; NAME, NAME.min or NAME.max)"
    ),
    "reference.unknown": N_("{where}.references: unknown reference '{ref}' (known: {known})"),
    "step.unknown": N_("{where}: unknown step '{step}' (known: {known})"),
    "team.undeclared": N_("{where}.teams: team '{team}' is not declared (declared: {declared})"),
    # references (sources cited by the file)
    "reference.article_needs_id": N_("{where}: an article needs a pmid, a doi or a pmcid"),
    "reference.guideline_needs_id": N_("{where}: a guideline needs a pmid, a doi or a pmcid"),
    "reference.label_needs_url": N_("{where}: a label needs its official url"),
    "reference.regulatory_needs_url": N_("{where}: a regulatory needs its official url"),
    "reference.bad_pmid": N_("{where}.pmid: '{value}' is not a PubMed id (1–8 digits)"),
    "reference.bad_doi": N_("{where}.doi: '{value}' is not a DOI (10.NNNN/suffix)"),
    "reference.bad_pmcid": N_("{where}.pmcid: '{value}' is not a PubMed Central id (PMC + digits)"),
    "reference.bad_url": N_("{where}.url: '{value}' is not an https URL"),
    # the anchors of a plan: D0 and the first step
    "steps.no_day0": N_("steps: exactly one step must be the D0 anchor (day0: true); found 0"),
    "steps.several_day0": N_(
        "steps: exactly one step must be the D0 anchor (day0: true); found {found} ({steps})"
    ),
    "steps.no_start": N_(
        "steps: exactly one step must start the plan (no placement.after); found 0"
    ),
    "steps.several_starts": N_(
        "steps: exactly one step must start the plan (no placement.after); found {found} ({steps})"
    ),
    "day0.not_infusion": N_("{where}.stage: the D0 anchor must be an infusion, not {stage}"),
    "day0.after_day0": N_("{where}.placement.after: the D0 anchor cannot be placed after day0"),
    "day0.conditional": N_("{where}.only_if: the D0 anchor cannot be conditional"),
    "day0.depends_on_age": N_("{where}.min_age: the D0 anchor cannot depend on age"),
    # steps
    "step.several_ends": N_(
        "{where}: give at most one of duration, end_day, ends_before (got {given})"
    ),
    "step.monitoring_without_watch": N_(
        "{where}.watch: a monitoring step must say what it watches"
    ),
    "step.lymphodepletion_without_drugs": N_(
        "{where}.regimen: a lymphodepletion step must list its drugs"
    ),
    "step.too_short": N_("{where}.duration: {days} days; a step lasts at least 1 day"),
    "step.span_too_long": N_(
        "{where}: its {edge} can fall {days} days from the plan start (with the parameters' "
        "ranges and the windows); plans reach at most {max} days either way"
    ),
    # ranges and windows
    "bounds.min_above_max": N_("{where}: min {min} is above max {max}"),
    "parameter.default_outside_range": N_(
        "{where}.default: {default} is outside its range {min}–{max}"
    ),
    "window.negative": N_("{where}: window is {days} days; must be 0 or more"),
    "placement.nearest_needs_both": N_(
        "{where}.placement: rule 'nearest' needs both early and late ({missing} missing)"
    ),
    "constraint.no_bounds": N_("{where}: give min, max or both"),
    "constraint.hard_max_alone": N_("{where}.hard_max: only with medication_extends: true"),
    # drugs of a step
    "regimen.day_outside_step": N_(
        "{where}.days: {agent} on day(s) {days} outside the step's days {first}..{last}"
    ),
    "regimen.day_twice": N_("{where}.days: a day is listed twice"),
    "renal.one_action": N_("{where}: give exactly one of dose, factor, stop, warn (got {got})"),
    "renal.no_bounds": N_("{where}: give crcl_min, crcl_below or both"),
    "renal.min_not_below": N_(
        "{where}: crcl_min {crcl_min:g} is not below crcl_below {crcl_below:g}"
    ),
    # who a step or an item is for
    "condition.not_a_fact": N_(
        "{where}.only_if: '{fact}' is not a fact (cns-involvement, prior:<drug class>)"
    ),
    "condition.anchors_a_step": N_(
        "{where}: '{step}' is conditional (only_if, min_age) and cannot anchor another step"
    ),
    "condition.in_constraint": N_("{where}: step '{step}' is conditional (only_if)"),
    "audience.ages_crossed": N_("{where}: min_age {min_age} is above max_age {max_age}"),
    "audience.agent_not_in_step": N_(
        "{where}.with_agent: '{agent}' is not given in this step (agents: {agents})"
    ),
    # the ward's day
    "ward.times_count": N_(
        "{where}: {given} times for times_per_day {times_per_day}; give one time per occurrence"
    ),
    "ward.time_twice": N_("{where}: the same time is given twice"),
    "shifts.gap_or_overlap": N_(
        "{where} ({name}): ends {end} but the next shift ({next_name}) starts {next_start}; "
        "shifts must follow each other without gap or overlap"
    ),
    "shifts.not_a_day": N_("shifts: cover {hours} h {minutes} min; together they must cover 24 h"),
    # issue 12: product source, re-treatment, washout policy, dose series, cycles
    "source.step_not_allowed": N_(
        "{where}.stage: a protocol with product_source {source} has no {stage} step"
    ),
    "retreatment.step_not_allowed": N_(
        "{where}.stage: a re-treatment uses a stored lot, so it has no {stage} step"
    ),
    "washout.stop_days_missing": N_(
        "washout.stop_days: policy stop-before needs the days before the anchor (0 or more)"
    ),
    "washout.stop_days_unused": N_(
        "washout.stop_days: only policy stop-before uses it (policy is {policy})"
    ),
    "washout.glucocorticoid_with_none": N_(
        "washout.glucocorticoid_max_mg: policy none has no glucocorticoid check"
    ),
    "washout.no_anchor": N_(
        "washout.anchor: there is no apheresis step to count the washout ({policy}) back from; "
        "name the anchor step or use policy none"
    ),
    "series.days_or_repeat": N_("{where}: give exactly one of days and repeat"),
    "series.first_day_not_zero": N_("{where}: the first dose is day 0 of the series"),
    "series.days_not_increasing": N_("{where}: the days must increase from dose to dose"),
    "series.count_out_of_range": N_("{where}: {value} doses; a series has 1 to {max}"),
    "series.spacing_too_short": N_("{where}: {value} days; doses are at least 1 day apart"),
    "series.not_after_day0": N_(
        "{where}.placement: a step with a series is the D0 step or is placed after day0"
    ),
    "series.with_each_dose": N_("{where}: a step has a series or each_dose, not both"),
    "series.id_taken": N_("{where}.series: the dose id '{id}' is already a step id"),
    "series.dose_missing": N_(
        "{where}: step '{step}' does not exist with these parameters (the series has fewer doses)"
    ),
    "premedication.not_fixed": N_(
        "{where}: premedication is for the D0 step or a step placed after day0 (its days count "
        "from the step's first day)"
    ),
    "each_dose.not_a_series": N_("{where}: step '{step}' has no series"),
    "each_dose.not_after_series": N_(
        "{where}: a step repeated after each dose is placed after '{step}' (its dose 1)"
    ),
    "cycles.out_of_range": N_("cycles: {value} cycles; a protocol has 1 to {max}"),
    "cycles.gap_missing": N_("cycle_gap_days: needed with more than one cycle"),
    "cycles.gap_too_short": N_("cycle_gap_days: {days} days; cycles are at least 1 day apart"),
    "cycles.from_not_anchored": N_(
        "{where}: '{step}' is not placed from D0 (after day0 or a step that is), so it cannot "
        "start a cycle"
    ),
    "cycles.id_taken": N_("steps: the cycle id '{id}' is already a step id"),
    # titles of expanded steps (protocol/expand.py writes the English form)
    "step.dose_title": N_("{title} (dose {k} of {n})"),
    "step.after_dose_title": N_("{title} (after dose {k} of {n})"),
    "step.cycle_title": N_("{title} (cycle {k} of {n})"),
}
