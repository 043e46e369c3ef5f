"""Start-up time is a feature: importing the CLI loads none of the heavy modules."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["yaml", "holidays", "icalendar", "rich.table", "pendulum", "caldav", "vobject"]


def test_cli_module_import_is_light() -> None:
    code = f"import sys, cartplan.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


def test_schedule_without_country_does_not_build_holiday_tables() -> None:
    code = (
        "import sys\nfrom cartplan import cli\n"
        "try:\n    cli.main(['schedule','-p','lupus-flucy','--start','2025-05-01','--format','json'])\n"
        "except SystemExit:\n    pass\n"
        "print('HOLIDAYS' if 'holidays' in sys.modules else 'NONE', file=sys.stderr)"
    )
    err = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stderr
    assert err.strip().endswith("NONE")
