"""Message templates of patient profiles, dosing and washout (cartplan.patient), and of the dates
a user types (cartplan.dates).

Formulas are words too: a pharmacist reads them to check a number by hand, so they show each
input as the plan used it. Their numbers are formatted here, not by the code that computes them.
"""

from __future__ import annotations

from cartplan.i18n.marker import N_

PATIENT: dict[str, str] = {
    # dates typed by the user; {what} names where the date came from (a flag, a file line)
    "date.not_a_date": N_("{what}: '{text}' is not a date; write YYYY-MM-DD"),
    "date.not_a_real_date": N_("{what}: '{text}' is not a real calendar date ({problem})"),
    "date.outside_years": N_(
        "{what}: {text} is outside the years cartplan plans in ({first}–{last})"
    ),
    # the profile and its dates (a birth date is never shown: it identifies the patient)
    "patient.at": N_("{where}: {problem}"),
    "patient.creatinine_implausible": N_(
        "creatinine {value} {unit} is implausible (allowed 0.1–20 mg/dL, 8.8–1768 umol/L): "
        "check the value and its unit"
    ),
    "patient.birth_dates_differ": N_(
        "birth_date and phi.birth_date differ (values not shown); give one"
    ),
    "patient.born_after_today": N_(
        "{field}: after today ({today:iso}); a birth date cannot be in the future"
    ),
    "patient.born_too_long_ago": N_("{field}: more than {years} years before today ({today:iso})"),
    "patient.age_disagrees": N_(
        "age: {age} does not agree with {field} (value not shown) on {today:iso}; "
        "correct one of them or give only the birth date"
    ),
    "patient.born_after_plan_date": N_(
        "{field}: after the plan's date ({anchor:iso}, {anchor_from})"
    ),
    "patient.last_dose_after_today": N_(
        "medications[{drug}].last_dose: {last_dose:iso} is after today ({today:iso}); "
        "give the date of the last dose given or planned before the washout"
    ),
    "patient.last_dose_after_plan_date": N_(
        "medications[{drug}].last_dose: {last_dose:iso} is after today ({today:iso}) and after "
        "the plan's date ({anchor:iso}); give the date of the last dose given or planned before "
        "the washout"
    ),
    # values a dose needs
    "dose.height_required_for_bsa": N_("patient: height_cm is required for mg/m2 doses"),
    "dose.weight_required_for_bsa": N_("patient: weight_kg is required for mg/m2 doses"),
    "dose.weight_required": N_("patient: weight_kg is required for {agent} in mg/kg"),
    "dose.weight_required_for_cells": N_("patient: weight_kg is required for a per-kg cell dose"),
    "dose.kidney_function_required": N_(
        "patient: creatinine (value and unit) or crcl_ml_min is required: "
        "the protocol adjusts a dose to kidney function"
    ),
    "dose.age_required_for_kidney_function": N_(
        "patient: age (or birth_date) is required for kidney function"
    ),
    "dose.height_required_for_schwartz": N_(
        "patient: height_cm is required for the bedside Schwartz eGFR (a child)"
    ),
    "dose.sex_required_for_cockcroft_gault": N_("patient: sex is required for Cockcroft–Gault"),
    "dose.weight_required_for_cockcroft_gault": N_(
        "patient: weight_kg is required for Cockcroft–Gault"
    ),
    "dose.height_required_for_crcl_weight": N_(
        "patient: height_cm is required for the {rule} weight in Cockcroft–Gault"
    ),
    "dose.crcl_weight_needs_devine": N_(
        "patient: the {rule} weight needs Devine's ideal weight, which is defined from "
        "{min_cm:g} cm"
    ),
    # formulas, with their inputs
    "formula.bsa_mosteller": N_("√({height_cm:g} cm × {weight_kg:g} kg / 3600) (Mosteller)"),
    "formula.bsa_dubois": N_("0.007184 × {height_cm:g}^0.725 × {weight_kg:g}^0.425 (DuBois)"),
    "formula.bsa_capped": N_("capped at {cap:g} m² by the protocol"),
    "formula.ibw_devine": N_("{base:g} + 2.3 × ({height_cm:g} cm / 2.54 − 60 in) (Devine, {sex})"),
    "formula.adjbw": N_("{ibw:.1f} + 0.4 × ({weight_kg:g} − {ibw:.1f})"),
    "formula.crcl_measured": N_("measured (given)"),
    "formula.crcl_cockcroft_gault": N_(
        "(140 − {age}) × {weight_kg:.1f} kg ({weight}) / (72 × {scr:.2f} mg/dL) (Cockcroft–Gault)"
    ),
    "formula.crcl_cockcroft_gault_female": N_(
        "(140 − {age}) × {weight_kg:.1f} kg ({weight}) / (72 × {scr:.2f} mg/dL) × 0.85 (female) "
        "(Cockcroft–Gault)"
    ),
    "formula.egfr_schwartz": N_(
        "0.413 × {height_cm:g} cm / {scr:.2f} mg/dL (bedside Schwartz, age {age} < {adult})"
    ),
    "formula.dose_per_m2": N_("{dose:g} mg/m² × {bsa:.3f} m²"),
    "formula.dose_per_kg": N_("{dose:g} mg/kg × {weight_kg:g} kg"),
    "formula.dose_flat": N_("{dose:g} mg flat"),
    "formula.dose": N_(
        "{base} = {per_day:.2f} mg{cap} → {amount:g} mg (rounded to {round_mg:g} mg){course}"
    ),
    "formula.dose_capped": N_(", capped at {max_mg:g} mg"),
    "formula.course": N_("; × {days} days = {total:g} mg"),
    "formula.cells_per_kg": N_("{per_kg:cells} cells/kg × {weight_kg:g} kg"),
    "formula.cells_flat": N_("flat dose"),
    # which weight Cockcroft-Gault used, and why
    "crcl_weight.actual": N_("actual weight"),
    "crcl_weight.ideal": N_("ideal weight"),
    "crcl_weight.adjusted": N_("adjusted weight"),
    "crcl_weight.no_ideal": N_("actual weight; no ideal weight: sex or height unknown"),
    "crcl_weight.no_ideal_below": N_("actual weight; no ideal weight below {min_cm:g} cm (Devine)"),
    "crcl_weight.obese": N_(
        "adjusted weight: actual {actual:g} kg is {share:.0%} of ideal {ideal:.1f} kg, "
        "above {ratio:.0%}"
    ),
    "crcl_weight.below_ideal": N_("actual weight: below ideal {ideal:.1f} kg"),
    "crcl_weight.share_of_ideal": N_("actual weight: {share:.0%} of ideal {ideal:.1f} kg"),
    # dose adjustments: why (the rule itself is the protocol's own words)
    "adjust.dose_changed": N_("{reason}: {dose:g} → {new_dose:g} {unit}"),
    "adjust.weight_below": N_("weight {weight_kg:g} kg is below {below_kg:g} kg"),
    "adjust.renal_band": N_("{measure} {value:.1f} mL/min is in the band {band}"),
    "band.below": N_("< {high:g}"),
    "band.from": N_(">= {low:g}"),
    "band.between": N_("{low:g}–<{high:g}"),
    "band.cited": N_(" [{references}]"),
    "band.assumption": N_(" (assumption: {assumption})"),
    "dose.contraindicated": N_("{agent}: do not give — {reason}; rule: {rule}{cited}"),
    "dose.renal_warning": N_("{agent}: {reason}; {rule}{cited}{assumption}"),
    "dose.renal_bands_adult_data": N_(
        "{agents}: the renal bands are adult data (Fludara label: safety in children not "
        "established); the child's bedside Schwartz eGFR is compared with them — the physician "
        "decides"
    ),
    # medications and their washout (EBMT 2024)
    "washout.unknown_drug": N_(
        "patient: medication '{drug}' is not a known drug or class (classes: {classes})"
    ),
    "washout.unknown_class": N_(
        "patient: medication '{drug}' is not class '{drug_class}' (classes: {classes})"
    ),
    "washout.last_dose_after_start": N_(
        "patient: {drug} last dose {last_dose:iso} is after the washout start {start:iso}"
    ),
    "washout.class_as_stated": N_("{drug}: washout class {drug_class} as stated by the user"),
    "washout.class_assumed": N_("{drug}: classed as {drug_class} — {why}"),
    "washout.class_warning": N_("{drug}: {warning}"),
    "washout.needs_months": N_(
        "{drug} last dose {last_dose} needs >= {months} month(s) before apheresis "
        "({class_name}; {reference})"
    ),
    "washout.needs_days": N_(
        "{drug} last dose {last_dose} needs >= {days} days before apheresis "
        "({class_name}; {reference})"
    ),
    "washout.needs_months_before": N_(
        "{drug} last dose {last_dose} needs >= {months} month(s) before {step} "
        "({class_name}; {reference})"
    ),
    "washout.needs_days_before": N_(
        "{drug} last dose {last_dose} needs >= {days} days before {step} "
        "({class_name}; {reference})"
    ),
    "washout.stop_before": N_(
        "{drug} last dose {last_dose} needs >= {days:day|days} before {step} "
        "(the protocol's washout)"
    ),
    "washout.none_continue": N_(
        "immunosuppressants continue under this protocol (no washout): {drugs}"
    ),
    "washout.daratumumab_before_apheresis": N_(
        "daratumumab last dose {last_dose} is {days} days before the leukapheresis on "
        "{apheresis}: EBMT asks for >= {weeks} weeks (Greco 2024); the team decides"
    ),
    "washout.reduce_glucocorticoid_below": N_(
        "{dose}: reduce to below {limit:g} mg/day prednisone-equivalent (the protocol's limit)"
    ),
    "washout.dose_required": N_("patient: {drug} needs its current dose, e.g. dose: '15 mg/day'"),
    "washout.daily_dose": N_("{drug} {mg:g} mg/day"),
    "washout.prednisone_equivalent": N_(
        "{drug} {mg:g} mg/day ≈ prednisone {prednisone:.1f} mg/day"
    ),
    "washout.adrenal_replacement": N_(
        "{dose}: a dose up to {up_to:g} mg/day is usually adrenal replacement — keep it; "
        "confirm with the physician"
    ),
    "washout.reduce_glucocorticoid": N_(
        "{dose}: reduce to <= {limit:g} mg/day prednisone-equivalent (EBMT 2024)"
    ),
    "washout.check_again_before_ld": N_(
        "{task}; check again before the first lymphodepletion dose"
    ),
}
