"""Patient-specific numbers: BSA, body weights, creatinine clearance, LD doses, cell dose, washout.

Pure functions. Every computed value carries its formula with the inputs filled in (a Message:
the edge writes it in words), so that a pharmacist can check it by hand. Rules (renal bands,
rounding, BSA cap, age substitutions) come from the protocol file; the washout intervals from the
EBMT table in data/washout.yaml.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan.errors import ContraindicatedError, InputError
from cartplan.messages import Message, Text, msg
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
    formula: Message


class Adjustment(NamedTuple):
    rule: str  # the protocol's words for the rule (data)
    reason: Message
    references: tuple[str, ...]


class DoseLine(NamedTuple):
    step: str
    agent: str
    dose: float  # per unit after any adjustment
    unit: str
    days: tuple[int, ...]
    amount_mg: float  # per administration day, as dispensed (rounded, capped)
    total_mg: float  # sum of the dispensed daily amounts
    formula: Message
    adjustment: Adjustment | None
    standby: bool = False
    note: str = ""
    premedication: bool = False  # given before the step's dose (Step.premedication)


class CellDose(NamedTuple):
    cells: float
    per_kg: float | None
    formula: Message


# Messages the scheduler passes on into the plan's warnings. Any, not Message, only while
# schedule/ (being converted on its own branch) still annotates its warnings as str.
PlanWarning = Any


class Dosing(NamedTuple):
    calcs: tuple[Calc, ...]
    bsa_m2: float | None
    crcl_ml_min: float | None
    weight_kg: float | None
    age: int | None
    doses: tuple[DoseLine, ...]
    cell_dose: CellDose | None
    warnings: tuple[PlanWarning, ...] = ()


ADULT_AGE = 18  # Cockcroft-Gault and Devine are adult formulas
DEVINE_MIN_CM = 152.4  # Devine IBW is defined from 60 inches


def round_half_up(value: float, step: float) -> float:
    """Round to a multiple of `step`, halves up, in decimal (45.45 -> 45.5 at step 0.1)."""
    q = Decimal(repr(value)) / Decimal(repr(step))
    return float(q.quantize(Decimal(1), rounding=ROUND_HALF_UP) * Decimal(repr(step)))


def bsa(height_cm: float, weight_kg: float, formula: str) -> Calc:
    if formula == "dubois":
        value = 0.007184 * height_cm**0.725 * weight_kg**0.425
        text = msg("formula.bsa_dubois", height_cm=height_cm, weight_kg=weight_kg)
    else:
        value = math.sqrt(height_cm * weight_kg / 3600)
        text = msg("formula.bsa_mosteller", height_cm=height_cm, weight_kg=weight_kg)
    return Calc("BSA", value, "m²", text)


def ideal_weight(sex: str, height_cm: float) -> Calc:
    base = 50.0 if sex == "M" else 45.5
    inches = height_cm / CM_PER_INCH
    value = base + 2.3 * (inches - 60)
    return Calc(
        "IBW", value, "kg", msg("formula.ibw_devine", base=base, height_cm=height_cm, sex=sex)
    )


def adjusted_weight(ibw: float, weight_kg: float) -> Calc:
    value = ibw + 0.4 * (weight_kg - ibw)
    return Calc("AdjBW", value, "kg", msg("formula.adjbw", ibw=ibw, weight_kg=weight_kg))


def cockcroft_gault(
    age: int, weight_kg: float, scr_mg_dl: float, sex: str, weight_rule: Text
) -> Calc:
    """Creatinine clearance; `weight_rule` says which weight (a Message from _crcl_weight)."""
    factor = 0.85 if sex == "F" else 1.0
    value = (140 - age) * weight_kg / (72 * scr_mg_dl) * factor
    formula = msg(
        "formula.crcl_cockcroft_gault_female" if sex == "F" else "formula.crcl_cockcroft_gault",
        age=age,
        weight_kg=weight_kg,
        weight=weight_rule,
        scr=scr_mg_dl,
    )
    return Calc("CrCl", value, "mL/min", formula)


def _need(value: object, problem: Message) -> None:
    if value is None:
        raise InputError(problem)


def patient_numbers(protocol: Protocol, patient: Patient, on: date) -> Dosing:
    """BSA, weights, kidney function, every dose of `protocol` in mg and the cell dose."""
    settings = protocol.dosing
    # a step's regimen first (in order: outputs pair them by position), then its premedication
    doses = [(s.id, d) for s in protocol.steps for d in (*s.regimen, *s.premedication)]
    premedication = {id(d) for s in protocol.steps for d in s.premedication}
    age = patient.age_on(on)
    calcs: list[Calc] = []
    warnings: list[Message] = []
    bsa_m2 = None
    if any(d.unit == "mg/m2" for _, d in doses):
        _need(patient.height_cm, msg("dose.height_required_for_bsa"))
        _need(patient.weight_kg, msg("dose.weight_required_for_bsa"))
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
                    msg("formula.bsa_capped", cap=settings.bsa_cap_m2),
                )
            )
            bsa_m2 = settings.bsa_cap_m2
    weights = _body_weights(patient, age)
    calcs += weights
    renal = [d for _, d in doses if d.renal]
    needed = any(not b.warn for d in renal for b in d.renal)  # a warning alone never blocks
    crcl = _clearance(protocol, patient, age, calcs, needed=needed, weights=weights)
    if crcl is not None and renal and age is not None and age < ADULT_AGE:
        agents = sorted({d.agent for d in renal})
        warnings.append(msg("dose.renal_bands_adult_data", agents=agents))
    renal_name = "eGFR" if age is not None and age < ADULT_AGE else "CrCl"
    lines = []
    for sid, d in doses:
        line, warning = _dose_line(sid, d, bsa_m2, patient.weight_kg, crcl, renal_name)
        lines.append(line._replace(premedication=True) if id(d) in premedication else line)
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
    formula = msg(
        "formula.egfr_schwartz", height_cm=height_cm, scr=scr_mg_dl, age=age, adult=ADULT_AGE
    )
    return Calc("eGFR", value, "mL/min/1.73 m²", formula)


def _clearance(
    protocol: Protocol,
    patient: Patient,
    age: int | None,
    calcs: list[Calc],
    needed: bool,
    weights: list[Calc],
) -> float | None:
    if patient.crcl_ml_min is not None:
        calcs.append(Calc("CrCl", patient.crcl_ml_min, "mL/min", msg("formula.crcl_measured")))
        return patient.crcl_ml_min
    if patient.creatinine is None:
        if needed:
            raise InputError(msg("dose.kidney_function_required"))
        return None
    c = patient.creatinine
    scr = c.value if c.unit == "mg/dL" else c.value * MG_DL_PER_UMOL_L
    _need(age, msg("dose.age_required_for_kidney_function"))
    assert age is not None  # noqa: S101
    if age < ADULT_AGE:
        _need(patient.height_cm, msg("dose.height_required_for_schwartz"))
        assert patient.height_cm is not None  # noqa: S101
        egfr = schwartz(patient.height_cm, scr, age)
        calcs.append(egfr)
        return egfr.value
    _need(patient.sex, msg("dose.sex_required_for_cockcroft_gault"))
    _need(patient.weight_kg, msg("dose.weight_required_for_cockcroft_gault"))
    assert patient.sex is not None and patient.weight_kg is not None  # noqa: S101
    weight, label = _crcl_weight(protocol, patient.weight_kg, patient.height_cm, weights)
    cg = cockcroft_gault(age, weight, scr, patient.sex, label)
    calcs.append(cg)
    return cg.value


def _crcl_weight(
    protocol: Protocol, actual: float, height_cm: float | None, weights: list[Calc]
) -> tuple[float, Message]:
    """The Cockcroft-Gault weight and the message saying which one and why."""
    rule = protocol.dosing.crcl_weight
    ratio = protocol.dosing.obese_ratio
    if rule == "actual":
        return actual, msg("crcl_weight.actual")
    if not weights:
        if rule == "auto":
            if height_cm is None:
                return actual, msg("crcl_weight.no_ideal")
            return actual, msg("crcl_weight.no_ideal_below", min_cm=DEVINE_MIN_CM)
        _need(height_cm, msg("dose.height_required_for_crcl_weight", rule=rule))
        # the CLI adds how to choose another weight (--crcl-weight)
        raise InputError(msg("dose.crcl_weight_needs_devine", rule=rule, min_cm=DEVINE_MIN_CM))
    ibw, adj = weights
    if rule == "ideal":
        return ibw.value, msg("crcl_weight.ideal")
    if rule == "adjusted":
        return adj.value, msg("crcl_weight.adjusted")
    share = actual / ibw.value
    if share > ratio:
        return adj.value, msg(
            "crcl_weight.obese", actual=actual, share=share, ideal=ibw.value, ratio=ratio
        )
    if share < 1:
        return actual, msg("crcl_weight.below_ideal", ideal=ibw.value)
    return actual, msg("crcl_weight.share_of_ideal", share=share, ideal=ibw.value)


def _dose_line(
    step: str,
    d: Dose,
    bsa_m2: float | None,
    weight: float | None,
    crcl: float | None,
    renal_name: str = "CrCl",
) -> tuple[DoseLine, Message | None]:
    dose, adjustment, warning = d.dose, None, None
    if weight is not None:
        for wb in d.weight:
            if weight < wb.below_kg:
                below = msg("adjust.weight_below", weight_kg=weight, below_kg=wb.below_kg)
                adjustment = Adjustment(
                    wb.rule,
                    _changed(below, d.dose, wb.dose, d.unit),
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
        reason = msg(
            "adjust.renal_band",
            measure=renal_name,
            value=crcl,
            band=_band(band.crcl_min, band.crcl_below),
        )
        # optional parts of a message are messages too, or "" when absent
        cited = msg("band.cited", references=band.references) if band.references else ""
        if band.stop:
            raise ContraindicatedError(
                msg(
                    "dose.contraindicated",
                    agent=d.agent,
                    reason=reason,
                    rule=band.rule,
                    cited=cited,
                )
            )
        if band.warn:
            assumption = (
                msg("band.assumption", assumption=band.assumption) if band.assumption else ""
            )
            warning = msg(
                "dose.renal_warning",
                agent=d.agent,
                reason=reason,
                rule=band.rule,
                cited=cited,
                assumption=assumption,
            )
            break
        dose = band.dose if band.dose is not None else d.dose * (band.factor or 1)
        adjustment = Adjustment(
            band.rule, _changed(reason, d.dose, dose, d.unit), tuple(band.references)
        )
        break
    if d.unit == "mg/m2":
        assert bsa_m2 is not None  # noqa: S101
        per_day, base = dose * bsa_m2, msg("formula.dose_per_m2", dose=dose, bsa=bsa_m2)
    elif d.unit == "mg/kg":
        if weight is None:
            raise InputError(msg("dose.weight_required", agent=d.agent))
        per_day, base = dose * weight, msg("formula.dose_per_kg", dose=dose, weight_kg=weight)
    else:
        per_day, base = dose, msg("formula.dose_flat", dose=dose)
    computed = per_day
    cap: Text = ""  # "" stands for an optional part of a message that is absent
    if d.max_mg is not None and per_day > d.max_mg:
        per_day = d.max_mg
        cap = msg("formula.dose_capped", max_mg=d.max_mg)
    n = len(d.days)
    amount = round_half_up(per_day, d.round_mg)
    total = round_half_up(amount * n, d.round_mg)  # what pharmacy dispenses, day by day
    formula = msg(
        "formula.dose",
        base=base,
        per_day=computed,
        cap=cap,
        amount=amount,
        round_mg=d.round_mg,
        course=msg("formula.course", days=n, total=total) if n > 1 else "",
    )
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


def _changed(reason: Message, dose: float, new_dose: float, unit: str) -> Message:
    return msg("adjust.dose_changed", reason=reason, dose=dose, new_dose=new_dose, unit=unit)


def _band(low: float | None, high: float | None) -> Message:
    if low is None:
        return msg("band.below", high=high)
    if high is None:
        return msg("band.from", low=low)
    return msg("band.between", low=low, high=high)


def _cell_dose(protocol: Protocol, patient: Patient) -> CellDose | None:
    c = protocol.day0_step.cell_dose
    if c is None:
        return None
    if c.per_kg is not None:
        _need(patient.weight_kg, msg("dose.weight_required_for_cells"))
        assert patient.weight_kg is not None  # noqa: S101
        total = c.per_kg * patient.weight_kg
        formula = msg("formula.cells_per_kg", per_kg=c.per_kg, weight_kg=patient.weight_kg)
        return CellDose(total, c.per_kg, formula)
    return CellDose(c.flat or 0, None, msg("formula.cells_flat"))
