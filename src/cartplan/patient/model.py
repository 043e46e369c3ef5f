"""The patient profile (file keys and flags) and the washout table it is checked against.

Only `label` leaves cartplan by default; name, birth date and record number live under `phi`
and reach an output only with --include-phi.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from cartplan.messages import Message, msg
from cartplan.protocol.format import Model

# Units as labs print them, folded: any case, µ (micro sign) or μ (Greek mu) for u.
CREATININE_UNITS = {"mg/dl": "mg/dL", "umol/l": "umol/L", "μmol/l": "umol/L"}


def creatinine_unit(text: str) -> str | None:
    """'mg/dL' or 'umol/L' for any spelling of them ('MG/DL', 'µmol/l'); None for anything
    else (a unit is never guessed: 'mmol/L' is not 'umol/L')."""
    return CREATININE_UNITS.get(text.strip().casefold())


class Creatinine(Model):
    value: float = Field(gt=0, description="Serum creatinine value.")
    unit: Literal["mg/dL", "umol/L"] = Field(
        description="Unit of the value: mg/dL or umol/L (any case; µmol/L too)."
    )

    @field_validator("unit", mode="before")
    @classmethod
    def _spelling(cls, unit: object) -> object:
        return (creatinine_unit(unit) or unit) if isinstance(unit, str) else unit


class Medication(Model):
    drug: str = Field(min_length=2, description="Generic drug name or drug class.")
    drug_class: str | None = Field(
        default=None,
        description="Washout class id for a drug the table does not list "
        "(`--medication DRUG=CLASS:DATE`); see data/washout.yaml.",
    )
    last_dose: date = Field(description="Date of the last dose (YYYY-MM-DD).")
    dose: str | None = Field(
        default=None,
        pattern=r"^\d+(\.\d+)?\s*mg(/day)?$",
        description="Current daily dose, e.g. '15 mg/day' (needed for glucocorticoids).",
    )

    @property
    def mg_per_day(self) -> float | None:
        return None if self.dose is None else float(self.dose.split("mg")[0])


class Phi(Model):
    name: str | None = Field(default=None, description="Full name (PHI).")
    birth_date: date | None = Field(default=None, description="Date of birth (PHI).")
    mrn: str | None = Field(default=None, description="Medical record number (PHI).")

    @field_validator("mrn", mode="before")
    @classmethod
    def _mrn_as_text(cls, value: object) -> object:
        """A record number written as digits is still text: YAML reads 4711002233 as a number
        (and 0047 as octal), so the digits are taken as written."""
        if isinstance(value, int) and not isinstance(value, bool):
            return getattr(value, "text", None) or str(value)
        return value


class Patient(Model):
    label: str = Field(
        min_length=1,
        max_length=40,
        description="Pseudonymous label: the only identifier exports carry by default.",
    )
    sex: Literal["F", "M"] | None = Field(default=None, description="Sex for Cockcroft-Gault/IBW.")
    age: int | None = Field(default=None, ge=0, le=120, description="Age in years.")
    birth_date: date | None = Field(
        default=None, description="Date of birth, for the age (PHI: exported only on request)."
    )
    weight_kg: float | None = Field(default=None, ge=2, le=350, description="Weight, kg (2–350).")
    height_cm: float | None = Field(default=None, ge=40, le=250, description="Height, cm (40–250).")
    creatinine: Creatinine | None = Field(default=None, description="Serum creatinine with unit.")
    crcl_ml_min: float | None = Field(
        default=None, gt=0, le=250, description="Measured creatinine clearance, mL/min."
    )
    disease: str | None = Field(default=None, description="Disease being treated.")
    cns_involvement: bool = Field(
        default=False,
        description="CNS involvement (e.g. neuropsychiatric SLE): adds anticonvulsant "
        "prophylaxis where the protocol has it.",
    )
    timezone: str | None = Field(default=None, description="Patient's time zone (IANA name).")
    medications: list[Medication] = Field(
        default=[], description="Current and recent medications with their last dose."
    )
    phi: Phi | None = Field(default=None, description="Identifying data; exported only on request.")

    @model_validator(mode="after")
    def _plausible_creatinine(self) -> Patient:
        c = self.creatinine
        if c is not None:
            mg = c.value if c.unit == "mg/dL" else c.value / 88.4
            if not 0.1 <= mg <= 20:  # pydantic keeps the message; str() of it is the English
                raise ValueError(msg("patient.creatinine_implausible", value=c.value, unit=c.unit))
        return self

    def facts(self) -> frozenset[str]:
        """Facts protocol conditions test besides drug history (prior:<class>)."""
        return frozenset({"cns-involvement"} if self.cns_involvement else ())

    def age_on(self, day: date) -> int | None:
        """Age in whole years on `day`, from `age` or the (PHI) birth date."""
        if self.age is not None:
            return self.age
        born = self.birth_date or (self.phi.birth_date if self.phi else None)
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


PHI_FIELDS = ("phi", "birth_date")  # top-level keys whose values are never shown in messages
MAX_AGE = 120


def date_problems(
    patient: Patient,
    today: date,
    anchor: date | None,
    *,
    anchor_from: str,
    doses_continue: bool = False,
) -> list[Message]:
    """Dates that cannot be right on `today` for a plan starting (or infused) on `anchor`.

    A birth date in the future or more than 120 years back, an age that the birth date does not
    give, a birth after the plan's anchor, a medication's last dose after both today and the
    anchor (a planned last dose before the washout starts is fine). The birth date itself is
    never shown: it identifies the patient. `anchor_from` says where the caller took the
    anchor from (the CLI: its flags), for the reader to know which date to correct.
    `doses_continue`: the protocol's plan does not start with the washout (the drugs continue
    through collection, e.g. rese-cel): a planned last dose after the anchor is expected.
    """
    out: list[Message] = []
    phi_born = patient.phi.birth_date if patient.phi is not None else None
    born = patient.birth_date or phi_born
    field = "birth_date" if patient.birth_date is not None else "phi.birth_date"
    if patient.birth_date is not None and phi_born is not None and patient.birth_date != phi_born:
        out.append(msg("patient.birth_dates_differ"))
    if born is not None:
        years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if born > today:
            out.append(msg("patient.born_after_today", field=field, today=today))
        elif years > MAX_AGE:
            out.append(msg("patient.born_too_long_ago", field=field, years=MAX_AGE, today=today))
        elif patient.age is not None and patient.age not in (years, years + 1):
            out.append(msg("patient.age_disagrees", age=patient.age, field=field, today=today))
        elif anchor is not None and born > anchor:
            out.append(
                msg(
                    "patient.born_after_plan_date",
                    field=field,
                    anchor=anchor,
                    anchor_from=anchor_from,
                )
            )
    limit = max(today, anchor) if anchor is not None else today
    for m in patient.medications:
        if m.last_dose <= limit or doses_continue:
            continue
        if anchor is None:
            out.append(
                msg(
                    "patient.last_dose_after_today", drug=m.drug, last_dose=m.last_dose, today=today
                )
            )
        else:
            out.append(
                msg(
                    "patient.last_dose_after_plan_date",
                    drug=m.drug,
                    last_dose=m.last_dose,
                    today=today,
                    anchor=anchor,
                )
            )
    return out
