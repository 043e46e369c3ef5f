"""Working days are Monday-Friday minus public holidays (country/subdivision) minus closures;
countries with other weekends or make-up workdays follow their own calendar."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cartplan.messages import msg
from cartplan.sources.site_calendar import SiteCalendar

from tests.conftest import TODAY, Run


def plan(run: Run, *args: str) -> dict[str, dict[str, str]]:
    result = run(
        "schedule", "--protocol", "lupus-flucy", "--today", TODAY, "--format", "json", *args
    )
    assert result.code == 0, result.err
    return {e["id"]: e for e in json.loads(result.out)["events"]}


def test_whit_monday_in_bavaria_moves_the_apheresis(run: Run) -> None:
    # Start Mon 19 May 2025 -> target apheresis Mon 9 Jun 2025 = Whit Monday in Germany.
    ev = plan(run, "--start", "2025-05-19", "--country", "DE", "--subdiv", "BY")
    assert ev["apheresis"]["start"] == "2025-06-10"
    # the holiday's name comes from `holidays` (Whit/Pentecost Monday, wording varies by release)
    assert ev["apheresis"]["notes"][0].startswith("moved from Mon 09 Jun 2025: public holiday (")
    assert ev["washout"]["end"] == "2025-06-09"  # the washout runs until the day before


def test_without_a_country_only_weekends_close(run: Run) -> None:
    ev = plan(run, "--start", "2025-05-19")
    assert ev["apheresis"]["start"] == "2025-06-09"


def test_site_closures_file(run: Run, tmp_path: Path) -> None:
    closures = tmp_path / "closures.txt"
    closures.write_text(
        "# unit closed for maintenance\n2025-05-22..2025-05-23 apheresis machine service\n"
    )
    ev = plan(run, "--start", "2025-05-01", "--closures", str(closures))
    assert ev["apheresis"]["start"] == "2025-05-26"
    assert "site closed (apheresis machine service)" in ev["apheresis"]["notes"][0]


def test_bad_closure_line_names_file_and_line(run: Run, tmp_path: Path) -> None:
    closures = tmp_path / "closures.txt"
    closures.write_text("2025-05-22\n22.05.2025 oops\n")
    result = run(
        "schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--closures", str(closures)
    )
    assert result.code == 2
    assert f"{closures}:2: '22.05.2025 oops' is not a closure" in result.err


def test_china_make_up_weekend_is_a_working_day() -> None:
    cn = SiteCalendar("CN")
    assert cn.closed(date(2025, 9, 28)) is None  # Sunday worked before Golden Week
    assert cn.closed(date(2025, 10, 1)) is not None  # National Day


def test_israel_weekend_is_friday_and_saturday() -> None:
    il = SiteCalendar("IL")
    assert il.closed(date(2025, 5, 23)) == msg("day.weekend")  # Friday
    assert il.closed(date(2025, 5, 25)) is None  # Sunday is a working day


def test_israel_plan_never_collects_on_friday(run: Run) -> None:
    # Start Fri 2 May 2025 -> target apheresis Fri 23 May 2025: moves to Sun 25 May in Israel.
    ev = plan(run, "--start", "2025-05-02", "--country", "IL")
    assert ev["apheresis"]["start"] == "2025-05-25"
