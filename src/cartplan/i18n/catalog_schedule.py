"""Message templates of the scheduler: moves, warnings, infeasible plans (cartplan.schedule)."""

from __future__ import annotations

SCHEDULE: dict[str, str] = {}
