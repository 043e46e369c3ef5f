"""Patient-specific numbers: BSA, body weights, creatinine clearance, LD doses, cell dose, washout.

Pure functions. Every computed value carries its formula with the inputs filled in, so that a
pharmacist can check it by hand. Rules (renal bands, rounding, BSA cap, age substitutions) come
from the protocol file; the washout intervals from the EBMT table in data/washout.yaml.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from cartplan.dates import add_months, fmt
from cartplan.errors import ContraindicatedError, InputError
from cartplan.patient import Patient, WashoutTable
from cartplan.protocol import Dose, Protocol, Stage

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
    amount_mg: float  # per administration day
    total_mg: float
    formula: str
    adjustment: Adjustment | None


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
        f"(140 − {age}) × {weight_kg:.1f} kg ({weight_rule} weight) / (72 × "
        f"{scr_mg_dl:.2f} mg/dL){female} (Cockcroft–Gault)",
    )


def _need(value: object, field: str, why: str) -> None:
    if value is None:
        raise InputError(f"patient: {field} is required {why}")


def patient_numbers(protocol: Protocol, patient: Patient, on: date) -> Dosing:
    """BSA, weights, CrCl, the LD doses of `protocol` and its cell dose for `patient`."""
    settings = protocol.dosing
    doses = [
        (s.id, d) for s in protocol.steps if s.stage is Stage.lymphodepletion for d in s.regimen
    ]
    age = patient.age_on(on)
    calcs: list[Calc] = []
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
    weights = _body_weights(patient)
    calcs += weights
    crcl = _clearance(
        protocol, patient, age, calcs, needed=any(d.renal for _, d in doses), weights=weights
    )
    lines = tuple(_dose_line(sid, d, bsa_m2, patient.weight_kg, crcl) for sid, d in doses)
    return Dosing(
        tuple(calcs),
        bsa_m2,
        crcl,
        patient.weight_kg,
        age,
        lines,
        _cell_dose(protocol, patient),
    )


def _body_weights(patient: Patient) -> list[Calc]:
    """Ideal (Devine) and adjusted body weight, when sex, height and weight are known."""
    if patient.sex is None or patient.height_cm is None or patient.weight_kg is None:
        return []
    ibw = ideal_weight(patient.sex, patient.height_cm)
    return [ibw, adjusted_weight(ibw.value, patient.weight_kg)]


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
    why = "for Cockcroft–Gault"
    _need(age, "age (or birth_date)", why)
    _need(patient.sex, "sex", why)
    _need(patient.weight_kg, "weight_kg", why)
    assert age is not None and patient.sex is not None and patient.weight_kg is not None  # noqa: S101
    c = patient.creatinine
    scr = c.value if c.unit == "mg/dL" else c.value * MG_DL_PER_UMOL_L
    rule = protocol.dosing.crcl_weight
    weight = patient.weight_kg
    if rule != "actual":
        _need(patient.height_cm, "height_cm", f"for the {rule} weight in Cockcroft–Gault")
        ibw, adj = weights
        weight = ibw.value if rule == "ideal" else adj.value
    cg = cockcroft_gault(age, weight, scr, patient.sex, rule)
    calcs.append(cg)
    return cg.value


def _dose_line(
    step: str, d: Dose, bsa_m2: float | None, weight: float | None, crcl: float | None
) -> DoseLine:
    dose, adjustment = d.dose, None
    for band in d.renal:
        if crcl is None:
            break
        low = band.crcl_min if band.crcl_min is not None else -math.inf
        high = band.crcl_below if band.crcl_below is not None else math.inf
        if not low <= crcl < high:
            continue
        reason = f"CrCl {crcl:.1f} mL/min is in the band {_band(band.crcl_min, band.crcl_below)}"
        if band.stop:
            raise ContraindicatedError(
                f"{d.agent}: do not give — {reason}; rule: {band.rule} "
                f"[{', '.join(band.references)}]"
            )
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
    n = len(d.days)
    return DoseLine(
        step,
        d.agent,
        dose,
        d.unit,
        tuple(d.days),
        round_half_up(per_day, d.round_mg),
        round_half_up(per_day * n, d.round_mg),
        f"{formula} = {per_day:.2f} mg/day; × {n} day(s) = {per_day * n:.2f} mg "
        f"(rounded to {d.round_mg:g} mg)",
        adjustment,
    )


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


class Washout(NamedTuple):
    """What the medication history asks of the plan."""

    earliest_apheresis: date | None
    reason: str
    tasks: tuple[tuple[str, int], ...]  # (what to do, days before apheresis it must be done)
    facts: frozenset[str]  # 'prior:<class>' for each class in the history


def washout_from_medications(table: WashoutTable, patient: Patient, start: date | None) -> Washout:
    earliest: date | None = None
    reason = ""
    tasks: list[tuple[str, int]] = []
    facts: set[str] = set()
    known = ", ".join(c.id for c in table.classes)
    for m in patient.medications:
        cls = table.find(m.drug)
        if cls is None:
            raise InputError(
                f"patient: medication '{m.drug}' is not a known drug or class "
                f"(known classes: {known}; see data/washout.yaml)"
            )
        if start is not None and m.last_dose > start:
            raise InputError(
                f"patient: {m.drug} last dose {m.last_dose} is after the washout start {start}"
            )
        facts.add(f"prior:{cls.id}")
        if cls.max_prednisone_mg is not None:
            if m.mg_per_day is None:
                raise InputError(
                    f"patient: {m.drug} needs its current dose, e.g. dose: '15 mg/day'"
                )
            if m.mg_per_day > cls.max_prednisone_mg:
                tasks.append(
                    (
                        f"{m.drug} {m.mg_per_day:g} mg/day: reduce to <= "
                        f"{cls.max_prednisone_mg:g} mg/day (EBMT 2024)",
                        cls.by_days_before or 0,
                    )
                )
            continue
        ready = add_months(m.last_dose, cls.min_months) + timedelta(days=cls.min_days)
        if earliest is None or ready > earliest:
            earliest = ready
            wait = f"{cls.min_months} month(s)" if cls.min_months else f"{cls.min_days} days"
            reason = (
                f"{m.drug} last dose {fmt(m.last_dose)} needs >= {wait} before apheresis "
                f"({cls.name}; {cls.reference})"
            )
    return Washout(earliest, reason, tuple(tasks), frozenset(facts))
