"""`--country` costs the holidays library's import and tables once: what it computed is kept per
country, subdivision and year in the user's cache folder and read back without importing it.
The cache never changes an answer: cached days equal the library's, and an entry that is not
trusted (another user's, writable by others, a link, damaged, or made for other versions or
another language) is ignored and rebuilt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from cartplan.messages import msg
from cartplan.sources.site_calendar import PublicHolidays, country_holidays

SITES = [("DE", "BY"), ("CN", None), ("IL", None), ("US", "NY"), ("GB", "ENG")]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CARTPLAN_CACHE_DIR", str(folder))
    return folder


def library_answer(country: str, subdiv: str | None, day: date) -> object:
    lib = country_holidays(country, subdiv, range(day.year - 1, day.year + 2))
    name = lib.get(day)
    if name:
        return msg("day.public_holiday", name=name)
    return None if lib.is_working_day(day) else msg("day.weekend")


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=k) for k in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("site", SITES)
def test_cached_days_are_the_librarys_days(cache: Path, site: tuple[str, str | None]) -> None:
    computed = PublicHolidays(*site)
    for day in days_of(2025) + days_of(2026):
        assert computed.closed(day) == library_answer(*site, day), day
    read_back = PublicHolidays(*site)  # a new calendar: from the cache file
    assert read_back.years and not set(read_back.years) - set(computed.years)
    for day in days_of(2025) + days_of(2026):
        assert read_back.closed(day) == computed.closed(day), day


def test_a_second_plan_for_a_country_does_not_import_the_library(cache: Path) -> None:
    run = (
        "import sys\nfrom cartplan import cli\n"
        "try:\n    cli.main(['schedule', '-p', 'lupus-flucy', '--start', '2025-05-01',"
        " '--country', 'DE', '--today', '2025-04-01'])\n"
        "except SystemExit:\n    pass\n"
        "print('holidays' in sys.modules, file=sys.stderr)"
    )

    def imported() -> str:
        proc = subprocess.run(
            [sys.executable, "-c", run], capture_output=True, text=True, check=True, timeout=60
        )
        return proc.stderr.strip().splitlines()[-1]

    assert imported() == "True"  # the first plan for Germany computes and stores the days
    assert imported() == "False"


def entry(cache: Path) -> Path:
    (found,) = cache.glob("holidays-*.json")
    return found


def doctor(file: Path) -> None:
    """Declare 1 May 2025 a working day in the cached data, keeping the key."""
    data = json.loads(file.read_text())
    data["data"]["2025"]["names"].pop("05-01")
    file.write_text(json.dumps(data))


LABOUR_DAY = date(2025, 5, 1)


def test_an_entry_for_other_versions_or_another_language_is_rebuilt(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    PublicHolidays("DE", None).closed(LABOUR_DAY)
    doctor(entry(cache))
    monkeypatch.setenv("LANGUAGE", "de")  # the names would be another language's: another key
    assert PublicHolidays("DE", None).closed(LABOUR_DAY) is not None


def test_damaged_entries_are_rebuilt(cache: Path) -> None:
    PublicHolidays("DE", None).closed(LABOUR_DAY)
    file = entry(cache)
    data = json.loads(file.read_text())
    data["data"]["2025"]["weekend"] = "1" * 12  # not a day a character
    file.write_text(json.dumps(data))
    assert PublicHolidays("DE", None).closed(date(2025, 5, 5)) is None  # a Monday


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no owners or modes on this system")
def test_a_folder_others_may_write_is_not_trusted(cache: Path) -> None:
    PublicHolidays("DE", None).closed(LABOUR_DAY)
    doctor(entry(cache))
    cache.chmod(0o777)
    assert PublicHolidays("DE", None).closed(LABOUR_DAY) is not None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no owners or modes on this system")
def test_an_entry_others_may_write_is_not_trusted(cache: Path) -> None:
    PublicHolidays("DE", None).closed(LABOUR_DAY)
    file = entry(cache)
    doctor(file)
    file.chmod(0o666)
    assert PublicHolidays("DE", None).closed(LABOUR_DAY) is not None
    assert entry(cache).stat().st_mode & 0o777 == 0o600  # rebuilt as ours


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_in_place_of_the_entry_is_not_followed(cache: Path, tmp_path: Path) -> None:
    PublicHolidays("DE", None).closed(LABOUR_DAY)
    file = entry(cache)
    doctor(file)
    planted = tmp_path / "planted.json"
    file.rename(planted)
    file.symlink_to(planted)
    assert PublicHolidays("DE", None).closed(LABOUR_DAY) is not None


def test_the_key_says_what_an_entry_was_made_from_not_who_wrote_it(cache: Path) -> None:
    """The limit of the design, pinned: the key proves where an entry came from, not that
    nobody with this user's rights edited it (they could edit cartplan itself)."""
    PublicHolidays("DE", None).closed(LABOUR_DAY)
    doctor(entry(cache))
    assert PublicHolidays("DE", None).closed(LABOUR_DAY) is None


def test_a_subdivision_that_is_no_code_never_names_a_file(cache: Path) -> None:
    from cartplan.errors import InputError

    with pytest.raises(InputError, match="not a subdivision"):
        PublicHolidays("DE", "../../etc")
    assert not cache.exists() or not list(cache.iterdir())
