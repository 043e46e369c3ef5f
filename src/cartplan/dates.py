"""Date helpers shared by every layer: parsing user input, month arithmetic, ward formatting."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from cartplan.errors import InputError
from cartplan.messages import msg

FIRST_YEAR, LAST_YEAR = 1900, 2199  # plans run a few years; this keeps date arithmetic in range


def parse_date(text: str, what: str) -> date:
    """A calendar date written YYYY-MM-DD; anything else is an InputError naming `what` (where
    the caller read the date: a flag, a file and line)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise InputError(msg("date.not_a_date", what=what, text=text))
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as e:  # Python's words for what is wrong ("month must be in 1..12")
        raise InputError(
            msg("date.not_a_real_date", what=what, text=text, problem=str(e))
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InputError(
            msg("date.outside_years", what=what, text=text, first=FIRST_YEAR, last=LAST_YEAR)
        )
    return day


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped at month end (31 Jan + 1 month = 28/29 Feb)."""
    if not months:
        return day
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def fmt(day: date) -> str:
    """A date as people on a ward read it: 'Sat 24 May 2025'."""
    return day.strftime("%a %d %b %Y")


def plural(n: int, word: str = "day") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
