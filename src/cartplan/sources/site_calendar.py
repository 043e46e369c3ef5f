"""Working-day calendars: weekends and public holidays from `holidays` (or the user's cache of
them), plus site closures."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

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
        self.holidays: PublicHolidays | None = None
        if country is not None:
            self.holidays = PublicHolidays(country, subdiv)

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
        return self.holidays.closed(day)


class _Year(NamedTuple):
    names: dict[str, str]  # "MM-DD" -> the holiday's name (several joined by "; ")
    weekend: str  # one character a day of the year: "1" a weekend day that is not worked


_YEARS_AHEAD = 17  # computed at once: a plan reaches 15 years past D0 (long-term follow-up)
_YEARS_BEFORE = 2  # and a backward plan starts up to two years before its D0


class PublicHolidays:
    """Public holidays and non-working weekend days of a country (and subdivision).

    Computed by the `holidays` library, which costs a tenth of a second to import and more to
    build; what it computed is kept per country, subdivision and year in the user's cache folder
    (JSON, served only when trusted and when its key matches: cartplan's and the library's
    versions, this module's code and the language the names are written in), so a plan for a
    country the user planned before reads that instead of importing the library.
    """

    def __init__(self, country: str, subdiv: str | None) -> None:
        self.code = country.upper()
        self.subdiv = subdiv
        self.years: dict[int, _Year] = {}
        self._file = _cache_file(self.code, subdiv)
        self._key = _cache_key(self.code, subdiv) if self._file is not None else ""
        if self._file is not None:
            from cartplan.sources.cache import read_entry

            self.years = _years_from(read_entry(self._file, self._key)) or {}
        if not self.years:  # a country or subdivision never seen: checked now, not mid-plan
            country_holidays(country, subdiv)

    def closed(self, day: date) -> Message | None:
        year = self.years.get(day.year)
        if year is None:
            year = self._compute(day.year)
        name = year.names.get(f"{day.month:02d}-{day.day:02d}")
        if name:
            return msg("day.public_holiday", name=name)
        # the library knows the country's weekend and its make-up working days (e.g. CN)
        return WEEKEND if year.weekend[day.timetuple().tm_yday - 1] == "1" else None

    def _compute(self, year: int) -> _Year:
        wanted = range(year - _YEARS_BEFORE, year + _YEARS_AHEAD + 1)
        missing = [y for y in wanted if y not in self.years]
        # every year around them populated first: an observed day can cross a new year
        lib = country_holidays(self.code, self.subdiv, range(missing[0] - 1, missing[-1] + 2))
        for y in missing:
            names: dict[str, str] = {}
            weekend = []
            day = date(y, 1, 1)
            while day.year == y:
                name = lib.get(day)
                if name:
                    names[f"{day.month:02d}-{day.day:02d}"] = name
                weekend.append("1" if not name and not lib.is_working_day(day) else "0")
                day += timedelta(days=1)
            self.years[y] = _Year(names, "".join(weekend))
        if self._file is not None:
            from cartplan.sources.cache import write_entry

            data = {str(y): {"names": v.names, "weekend": v.weekend} for y, v in self.years.items()}
            write_entry(self._file, self._key, data)
        return self.years[year]


def _cache_file(code: str, subdiv: str | None) -> Path | None:
    from cartplan.sources.catalogue import cache_dir

    folder = cache_dir()
    if folder is None or not _NAME.fullmatch(code) or not _NAME.fullmatch(subdiv or "_"):
        return None  # a name that is not a code is never a file name (the library refuses it)
    return folder / f"holidays-{code}-{subdiv or '_'}.json"


_NAME = re.compile(r"[A-Za-z0-9_-]{1,12}")


def _cache_key(code: str, subdiv: str | None) -> str:
    """What the cached days depend on: the library's version and data, this module's code,
    cartplan's version, and the language gettext picks for the names (from the environment)."""
    import hashlib
    import os
    from importlib.util import find_spec

    from cartplan import __version__

    h = hashlib.sha256(f"{__version__}\0{code}\0{subdiv}\0".encode())
    h.update(Path(__file__).read_bytes())
    spec = find_spec("holidays")  # finds the package without importing it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            h.update((Path(folder) / "version.py").read_bytes())
        except OSError:
            h.update(b"no version")
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        h.update(f"\0{var}={os.environ.get(var, '')}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _years_from(data: object) -> dict[int, _Year] | None:
    """The years of a cache entry, or None when any part is not what _compute writes."""
    if not isinstance(data, dict):
        return None
    years: dict[int, _Year] = {}
    for key, value in data.items():
        if not (isinstance(key, str) and key.isdigit() and isinstance(value, dict)):
            return None
        y = int(key)
        names, weekend = value.get("names"), value.get("weekend")
        length = (date(y + 1, 1, 1) - date(y, 1, 1)).days if 1 <= y < 9999 else -1
        if not (isinstance(weekend, str) and len(weekend) == length and set(weekend) <= {"0", "1"}):
            return None
        if not isinstance(names, dict) or not all(
            isinstance(k, str) and _MMDD.fullmatch(k) and isinstance(v, str) and v
            for k, v in names.items()
        ):
            return None
        years[y] = _Year(names, weekend)
    return years


_MMDD = re.compile(r"\d\d-\d\d")


def country_holidays(country: str, subdiv: str | None, years: range | None = None) -> HolidayBase:
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
    return holidays.country_holidays(code, subdiv=subdiv, years=years)


def read_closures(path: Path) -> dict[date, str]:
    """Site closure days from a text file: one `DATE [reason]` or `DATE..DATE [reason]` a line.

    The file is at most 1 MiB and its lines together close at most MAX_CLOSED_DAYS days, so
    reading it takes bounded time and memory however it is written.
    """
    from cartplan.sources.files import read_text

    text = read_text(path, label=f"--closures {path}")
    return closures_of(text.splitlines(), lambda n: f"{path}:{n}")


def closures_of(lines: list[str], where_of: Callable[[int], str]) -> dict[date, str]:
    """Closure days from `DATE [reason]` / `DATE..DATE [reason]` lines (a file's, or a site
    file's inline list); `where_of(n)` names line n in messages."""
    closed: dict[date, str] = {}
    counted = 0
    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _CLOSURE_LINE.match(line)
        where = where_of(n)
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
