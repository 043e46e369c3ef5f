"""Identifying data: the one place outputs ask for it (and only with --include-phi)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cartplan.patient.model import Patient


def phi_fields(pt: Patient | None) -> dict[str, str | None]:
    """Name, birth date and record number as they may appear in an output, None where unknown."""
    phi = pt.phi if pt is not None else None
    born = (pt.birth_date if pt else None) or (phi.birth_date if phi else None)
    return {
        "name": phi.name if phi else None,
        "birth_date": born.isoformat() if born else None,
        "mrn": phi.mrn if phi else None,
    }
