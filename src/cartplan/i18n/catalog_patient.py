"""Message templates of patient profiles, dosing and washout (cartplan.patient)."""

from __future__ import annotations

PATIENT: dict[str, str] = {}
