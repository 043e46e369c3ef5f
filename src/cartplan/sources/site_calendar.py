"""Working-day calendars: weekends and public holidays from `holidays`, plus site closures."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cartplan.dates import parse_date
from cartplan.errors import InputError
from cartplan.messages import Message, msg
from cartplan.schedule.plan import WEEKEND, MondayToFriday

if TYPE_CHECKING:
    from holidays import HolidayBase

MAX_CLOSED_DAYS = 3660  # all closure lines together, overlaps counted again
_CLOSURE_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*\.\.\s*(\d{4}-\d{2}-\d{2}))?(?:\s+(.*))?$")


class SiteCalendar:
    """Monday–Friday (or the country's own weekend and make-up workdays), minus public holidays
    of the country/subdivision, minus site closures."""

    def __init__(
        self,
        country: str | None = None,
        subdiv: str | None = None,
        closures: Mapping[date, str] | None = None,
    ) -> None:
        self.closures = dict(closures or {})
        self._seen: dict[date, Message | None] = {}
        self.holidays: HolidayBase | None = None
        if country is not None:
            self.holidays = country_holidays(country, subdiv)

    def closed(self, day: date) -> Message | None:
        """Why `day` is closed, or None; remembered per day (the solver asks again and again)."""
        try:
            return self._seen[day]
        except KeyError:
            reason = self._seen[day] = self._closed(day)
            return reason

    def _closed(self, day: date) -> Message | None:
        if day in self.closures:
            return msg("day.site_closed", reason=self.closures[day])
        if self.holidays is None:
            return MondayToFriday().closed(day)
        name = self.holidays.get(day)
        if name:
            return msg("day.public_holiday", name=name)
        # is_working_day knows the country's weekend and its make-up working days (e.g. CN).
        return None if self.holidays.is_working_day(day) else WEEKEND


def country_holidays(country: str, subdiv: str | None) -> HolidayBase:
    import holidays

    supported = holidays.list_supported_countries()
    code = country.upper()
    if code not in supported:
        raise InputError(
            f"--country {country}: not a supported country code (ISO 3166-1 alpha-2, "
            "e.g. DE, FR, US, CN, IL)"
        )
    if subdiv is not None and subdiv not in supported[code]:
        raise InputError(
            f"--subdiv {subdiv}: not a subdivision of {code} (allowed: "
            + ", ".join(supported[code])
            + ")"
        )
    return holidays.country_holidays(code, subdiv=subdiv)


def read_closures(path: Path) -> dict[date, str]:
    """Site closure days from a text file: one `DATE [reason]` or `DATE..DATE [reason]` a line.

    The file is at most 1 MiB and its lines together close at most MAX_CLOSED_DAYS days, so
    reading it takes bounded time and memory however it is written.
    """
    from cartplan.sources.files import read_text

    text = read_text(path, label=f"--closures {path}")
    closed: dict[date, str] = {}
    counted = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _CLOSURE_LINE.match(line)
        where = f"{path}:{n}"
        if not m:
            raise InputError(
                f"{where}: '{line}' is not a closure; write YYYY-MM-DD or "
                "YYYY-MM-DD..YYYY-MM-DD, then an optional reason"
            )
        first = parse_date(m[1], where)
        last = parse_date(m[2], where) if m[2] else first
        if last < first:
            raise InputError(f"{where}: range ends {last} before it starts {first}")
        if (last - first).days > 366:
            raise InputError(f"{where}: a closure longer than a year ({first}..{last})")
        reason = (m[3] or "closure").strip()
        counted += (last - first).days + 1
        if counted > MAX_CLOSED_DAYS:
            raise InputError(
                f"{where}: the closures add up to more than {MAX_CLOSED_DAYS} days "
                "(ten years); list only the closures the plans can reach"
            )
        day = first
        while day <= last:
            closed[day] = reason
            day += timedelta(days=1)
    return closed
