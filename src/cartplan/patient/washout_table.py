"""The EBMT washout table's format (data/washout.yaml): drug classes with minimum intervals."""

from __future__ import annotations

from pydantic import Field

from cartplan.protocol.format import Model


class DrugClass(Model):
    id: str = Field(description="Class key, usable as a drug name in the medication list.")
    name: str = Field(description="Class name as the guideline writes it.")
    drugs: list[str] = Field(description="Generic names in the class (lower case).")
    assumed: dict[str, str] = Field(
        default={},
        description="Drugs placed in this class by cartplan, not by the source: drug -> why.",
    )
    warning: str | None = Field(
        default=None, description="Printed on every plan whose patient takes a drug of the class."
    )
    prednisone_mg_equal_to: dict[str, float] = Field(
        default={},
        description="Glucocorticoids: mg of each drug equal in effect to 1 mg prednisone.",
    )
    replacement_mg: dict[str, float] = Field(
        default={},
        description="Glucocorticoids: daily doses up to this are adrenal replacement (warn only).",
    )
    min_days: int = Field(default=0, ge=0, description="Days from last dose to apheresis.")
    min_months: int = Field(default=0, ge=0, description="Calendar months from last dose.")
    max_prednisone_mg: float | None = Field(
        default=None, description="Glucocorticoids: highest daily dose allowed near apheresis."
    )
    by_days_before: int | None = Field(
        default=None,
        description="Glucocorticoids: the dose limit holds from this many days before.",
    )
    reference: str = Field(description="Source of the interval.")

    @property
    def all_drugs(self) -> list[str]:
        return [*self.drugs, *self.assumed]


class WashoutTable(Model):
    source: str = Field(description="Citation of the table.")
    doi: str = Field(description="DOI of the source.")
    classes: list[DrugClass] = Field(description="Drug classes with minimum intervals.")

    def find(self, drug: str, drug_class: str | None = None) -> DrugClass | None:
        key = (drug_class or drug).strip().lower()
        return next(
            (c for c in self.classes if key == c.id or (not drug_class and key in c.all_drugs)),
            None,
        )
