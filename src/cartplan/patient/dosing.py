"""Patient-specific numbers: BSA, body weights, creatinine clearance, LD doses, cell dose, washout.

Pure functions. Every computed value carries its formula with the inputs filled in, so that a
pharmacist can check it by hand. Rules (renal bands, rounding, BSA cap, age substitutions) come
from the protocol file; the washout intervals from the EBMT table in data/washout.yaml.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, NamedTuple

from cartplan.errors import ContraindicatedError, InputError
from cartplan.protocol.format import Dose, Protocol

if TYPE_CHECKING:  # only named: a plan without a patient never loads the patient model
    from cartplan.patient.model import Patient

MG_DL_PER_UMOL_L = 1 / 88.4
CM_PER_INCH = 2.54


class Calc(NamedTuple):
    """A computed value with the formula and inputs that produced it."""

    name: str
    value: float
    unit: str
    formula: str


class Adjustment(NamedTuple):
    rule: str
    reason: str
    references: tuple[str, ...]


class DoseLine(NamedTuple):
    step: str
    agent: str
    dose: float  # per unit after any adjustment
    unit: str
    days: tuple[int, ...]
    amount_mg: float  # per administration day, as dispensed (rounded, capped)
    total_mg: float  # sum of the dispensed daily amounts
    formula: str
    adjustment: Adjustment | None
    standby: bool = False
    note: str = ""


class CellDose(NamedTuple):
    cells: float
    per_kg: float | None
    formula: str


class Dosing(NamedTuple):
    calcs: tuple[Calc, ...]
    bsa_m2: float | None
    crcl_ml_min: float | None
    weight_kg: float | None
    age: int | None
    doses: tuple[DoseLine, ...]
    cell_dose: CellDose | None
    warnings: tuple[str, ...] = ()


ADULT_AGE = 18  # Cockcroft-Gault and Devine are adult formulas
DEVINE_MIN_CM = 152.4  # Devine IBW is defined from 60 inches


def cells(n: float) -> str:
    """A cell count as printed in papers: 1x10^6, 1.25x10^7."""
    mantissa, exp = f"{n:.3e}".split("e")
    return f"{float(mantissa):g}x10^{int(exp)}"


def round_half_up(value: float, step: float) -> float:
    """Round to a multiple of `step`, halves up, in decimal (45.45 -> 45.5 at step 0.1)."""
    q = Decimal(repr(value)) / Decimal(repr(step))
    return float(q.quantize(Decimal(1), rounding=ROUND_HALF_UP) * Decimal(repr(step)))


def bsa(height_cm: float, weight_kg: float, formula: str) -> Calc:
    if formula == "dubois":
        value = 0.007184 * height_cm**0.725 * weight_kg**0.425
        text = f"0.007184 × {height_cm:g}^0.725 × {weight_kg:g}^0.425 (DuBois)"
    else:
        value = math.sqrt(height_cm * weight_kg / 3600)
        text = f"√({height_cm:g} cm × {weight_kg:g} kg / 3600) (Mosteller)"
    return Calc("BSA", value, "m²", text)


def ideal_weight(sex: str, height_cm: float) -> Calc:
    base = 50.0 if sex == "M" else 45.5
    inches = height_cm / CM_PER_INCH
    value = base + 2.3 * (inches - 60)
    return Calc(
        "IBW", value, "kg", f"{base:g} + 2.3 × ({height_cm:g} cm / 2.54 − 60 in) (Devine, {sex})"
    )


def adjusted_weight(ibw: float, weight_kg: float) -> Calc:
    value = ibw + 0.4 * (weight_kg - ibw)
    return Calc("AdjBW", value, "kg", f"{ibw:.1f} + 0.4 × ({weight_kg:g} − {ibw:.1f})")


def cockcroft_gault(
    age: int, weight_kg: float, scr_mg_dl: float, sex: str, weight_rule: str
) -> Calc:
    factor = 0.85 if sex == "F" else 1.0
    value = (140 - age) * weight_kg / (72 * scr_mg_dl) * factor
    female = " × 0.85 (female)" if sex == "F" else ""
    return Calc(
        "CrCl",
        value,
        "mL/min",
        f"(140 − {age}) × {weight_kg:.1f} kg ({weight_rule}) / (72 × "
        f"{scr_mg_dl:.2f} mg/dL){female} (Cockcroft–Gault)",
    )


def _need(value: object, field: str, why: str) -> None:
    if value is None:
        raise InputError(f"patient: {field} is required {why}")


def patient_numbers(protocol: Protocol, patient: Patient, on: date) -> Dosing:
    """BSA, weights, kidney function, every dose of `protocol` in mg and the cell dose."""
    settings = protocol.dosing
    doses = [(s.id, d) for s in protocol.steps for d in s.regimen]
    age = patient.age_on(on)
    calcs: list[Calc] = []
    warnings: list[str] = []
    bsa_m2 = None
    if any(d.unit == "mg/m2" for _, d in doses):
        _need(patient.height_cm, "height_cm", "for mg/m2 doses")
        _need(patient.weight_kg, "weight_kg", "for mg/m2 doses")
        assert patient.height_cm is not None and patient.weight_kg is not None  # noqa: S101
        b = bsa(patient.height_cm, patient.weight_kg, settings.bsa_formula)
        calcs.append(b)
        bsa_m2 = b.value
        if settings.bsa_cap_m2 is not None and bsa_m2 > settings.bsa_cap_m2:
            calcs.append(
                Calc(
                    "BSA used",
                    settings.bsa_cap_m2,
                    "m²",
                    f"capped at {settings.bsa_cap_m2:g} m² by the protocol",
                )
            )
            bsa_m2 = settings.bsa_cap_m2
    weights = _body_weights(patient, age)
    calcs += weights
    renal = [d for _, d in doses if d.renal]
    needed = any(not b.warn for d in renal for b in d.renal)  # a warning alone never blocks
    crcl = _clearance(protocol, patient, age, calcs, needed=needed, weights=weights)
    if crcl is not None and renal and age is not None and age < ADULT_AGE:
        warnings.append(
            f"{', '.join(sorted({d.agent for d in renal}))}: the renal bands are adult data "
            "(Fludara label: safety in children not established); the child's bedside Schwartz "
            "eGFR is compared with them — the physician decides"
        )
    renal_name = "eGFR" if age is not None and age < ADULT_AGE else "CrCl"
    lines = []
    for sid, d in doses:
        line, warning = _dose_line(sid, d, bsa_m2, patient.weight_kg, crcl, renal_name)
        lines.append(line)
        if warning:
            warnings.append(warning)
    return Dosing(
        tuple(calcs),
        bsa_m2,
        crcl,
        patient.weight_kg,
        age,
        tuple(lines),
        _cell_dose(protocol, patient),
        tuple(warnings),
    )


def _body_weights(patient: Patient, age: int | None) -> list[Calc]:
    """Ideal (Devine) and adjusted body weight: adults from 152.4 cm only, where Devine holds."""
    if patient.sex is None or patient.height_cm is None or patient.weight_kg is None:
        return []
    if patient.height_cm < DEVINE_MIN_CM or (age is not None and age < ADULT_AGE):
        return []
    ibw = ideal_weight(patient.sex, patient.height_cm)
    return [ibw, adjusted_weight(ibw.value, patient.weight_kg)]


def schwartz(height_cm: float, scr_mg_dl: float, age: int) -> Calc:
    """Bedside Schwartz eGFR, the paediatric standard (Cockcroft-Gault is an adult formula)."""
    value = 0.413 * height_cm / scr_mg_dl
    return Calc(
        "eGFR",
        value,
        "mL/min/1.73 m²",
        f"0.413 × {height_cm:g} cm / {scr_mg_dl:.2f} mg/dL (bedside Schwartz, age {age} < "
        f"{ADULT_AGE})",
    )


def _clearance(
    protocol: Protocol,
    patient: Patient,
    age: int | None,
    calcs: list[Calc],
    needed: bool,
    weights: list[Calc],
) -> float | None:
    if patient.crcl_ml_min is not None:
        calcs.append(Calc("CrCl", patient.crcl_ml_min, "mL/min", "measured (given)"))
        return patient.crcl_ml_min
    if patient.creatinine is None:
        if needed:
            raise InputError(
                "patient: creatinine (value and unit) or crcl_ml_min is required: "
                "the protocol adjusts a dose to kidney function"
            )
        return None
    c = patient.creatinine
    scr = c.value if c.unit == "mg/dL" else c.value * MG_DL_PER_UMOL_L
    _need(age, "age (or birth_date)", "for kidney function")
    assert age is not None  # noqa: S101
    if age < ADULT_AGE:
        _need(patient.height_cm, "height_cm", "for the bedside Schwartz eGFR (a child)")
        assert patient.height_cm is not None  # noqa: S101
        egfr = schwartz(patient.height_cm, scr, age)
        calcs.append(egfr)
        return egfr.value
    why = "for Cockcroft–Gault"
    _need(patient.sex, "sex", why)
    _need(patient.weight_kg, "weight_kg", why)
    assert patient.sex is not None and patient.weight_kg is not None  # noqa: S101
    weight, label = _crcl_weight(protocol, patient.weight_kg, patient.height_cm, weights)
    cg = cockcroft_gault(age, weight, scr, patient.sex, label)
    calcs.append(cg)
    return cg.value


def _crcl_weight(
    protocol: Protocol, actual: float, height_cm: float | None, weights: list[Calc]
) -> tuple[float, str]:
    """The Cockcroft-Gault weight and the words saying which one and why."""
    rule = protocol.dosing.crcl_weight
    ratio = protocol.dosing.obese_ratio
    if rule == "actual":
        return actual, "actual weight"
    if not weights:
        if rule == "auto":
            why = (
                "no ideal weight: sex or height unknown"
                if height_cm is None
                else f"no ideal weight below {DEVINE_MIN_CM:g} cm (Devine)"
            )
            return actual, f"actual weight; {why}"
        _need(height_cm, "height_cm", f"for the {rule} weight in Cockcroft–Gault")
        raise InputError(
            f"patient: the {rule} weight needs Devine's ideal weight, which is defined from "
            f"{DEVINE_MIN_CM:g} cm: use --crcl-weight actual"
        )
    ibw, adj = weights
    if rule == "ideal":
        return ibw.value, "ideal weight"
    if rule == "adjusted":
        return adj.value, "adjusted weight"
    share = actual / ibw.value
    if share > ratio:
        return adj.value, (
            f"adjusted weight: actual {actual:g} kg is {share:.0%} of ideal {ibw.value:.1f} kg, "
            f"above {ratio:.0%}"
        )
    if share < 1:
        return actual, f"actual weight: below ideal {ibw.value:.1f} kg"
    return actual, f"actual weight: {share:.0%} of ideal {ibw.value:.1f} kg"


def _dose_line(
    step: str,
    d: Dose,
    bsa_m2: float | None,
    weight: float | None,
    crcl: float | None,
    renal_name: str = "CrCl",
) -> tuple[DoseLine, str | None]:
    dose, adjustment, warning = d.dose, None, None
    if weight is not None:
        for wb in d.weight:
            if weight < wb.below_kg:
                adjustment = Adjustment(
                    wb.rule,
                    f"weight {weight:g} kg is below {wb.below_kg:g} kg: {d.dose:g} → "
                    f"{wb.dose:g} {d.unit}",
                    tuple(wb.references),
                )
                dose = wb.dose
                break
    for band in d.renal:
        if crcl is None:
            break
        low = band.crcl_min if band.crcl_min is not None else -math.inf
        high = band.crcl_below if band.crcl_below is not None else math.inf
        if not low <= crcl < high:
            continue
        reason = (
            f"{renal_name} {crcl:.1f} mL/min is in the band {_band(band.crcl_min, band.crcl_below)}"
        )
        refs = f" [{', '.join(band.references)}]" if band.references else ""
        if band.stop:
            raise ContraindicatedError(
                f"{d.agent}: do not give — {reason}; rule: {band.rule}{refs}"
            )
        if band.warn:
            flag = f" (assumption: {band.assumption})" if band.assumption else ""
            warning = f"{d.agent}: {reason}; {band.rule}{refs}{flag}"
            break
        dose = band.dose if band.dose is not None else d.dose * (band.factor or 1)
        adjustment = Adjustment(
            band.rule, f"{reason}: {d.dose:g} → {dose:g} {d.unit}", tuple(band.references)
        )
        break
    if d.unit == "mg/m2":
        assert bsa_m2 is not None  # noqa: S101
        per_day, formula = dose * bsa_m2, f"{dose:g} mg/m² × {bsa_m2:.3f} m²"
    elif d.unit == "mg/kg":
        if weight is None:
            raise InputError(f"patient: weight_kg is required for {d.agent} in mg/kg")
        per_day, formula = dose * weight, f"{dose:g} mg/kg × {weight:g} kg"
    else:
        per_day, formula = dose, f"{dose:g} mg flat"
    formula += f" = {per_day:.2f} mg"
    if d.max_mg is not None and per_day > d.max_mg:
        per_day = d.max_mg
        formula += f", capped at {d.max_mg:g} mg"
    n = len(d.days)
    amount = round_half_up(per_day, d.round_mg)
    total = round_half_up(amount * n, d.round_mg)  # what pharmacy dispenses, day by day
    formula += f" → {amount:g} mg (rounded to {d.round_mg:g} mg)"
    if n > 1:
        formula += f"; × {n} days = {total:g} mg"
    line = DoseLine(
        step,
        d.agent,
        dose,
        d.unit,
        tuple(d.days),
        amount,
        total,
        formula,
        adjustment,
        d.standby,
        d.note,
    )
    return line, warning


def _band(low: float | None, high: float | None) -> str:
    if low is None:
        return f"< {high:g}"
    if high is None:
        return f">= {low:g}"
    return f"{low:g}–<{high:g}"


def _cell_dose(protocol: Protocol, patient: Patient) -> CellDose | None:
    c = protocol.day0_step.cell_dose
    if c is None:
        return None
    if c.per_kg is not None:
        _need(patient.weight_kg, "weight_kg", "for a per-kg cell dose")
        assert patient.weight_kg is not None  # noqa: S101
        total = c.per_kg * patient.weight_kg
        return CellDose(total, c.per_kg, f"{cells(c.per_kg)} cells/kg × {patient.weight_kg:g} kg")
    return CellDose(c.flat or 0, None, "flat dose")
