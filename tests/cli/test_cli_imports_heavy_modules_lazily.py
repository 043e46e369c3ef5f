"""Start-up time is a feature: importing the CLI loads none of the heavy modules, and the first
command users run loads no holiday tables, YAML parser, rich console, calendar library or FHIR
models (fhir.resources takes about half a second: only `export fhir` loads it)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = [
    "yaml",
    "holidays",
    "icalendar",
    "rich.table",
    "rich.console",
    "pendulum",
    "caldav",
    "vobject",
    "fhir",
    "babel",
]
RUN = (
    "import sys\nfrom cartplan import cli\n"
    "try:\n    cli.main(['schedule', '-p', 'lupus-flucy', '--start', '2025-05-01'])\n"
    "except SystemExit:\n    pass\n"
    f"print([m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)"
)


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )


def test_cli_module_import_is_light() -> None:
    out = python(f"import sys, cartplan.cli; print([m for m in {HEAVY!r} if m in sys.modules])")
    assert out.stdout.strip() == "[]"


def test_schedule_table_loads_no_heavy_module_once_the_protocol_is_cached() -> None:
    python(RUN)  # the first run validates the YAML file and caches the result
    assert python(RUN).stderr.strip().splitlines()[-1] == "[]"


def test_only_export_fhir_loads_the_fhir_models() -> None:
    run = (
        "import sys\nfrom cartplan import cli\n"
        "try:\n    cli.main(['export', 'fhir', '-p', 'lupus-flucy', '--start', '2025-05-01',"
        " '--label', 'P-1', '--now', '2025-04-01T09:00:00Z'])\n"
        "except SystemExit:\n    pass\n"
        "print('fhir.resources.R4B.bundle' in sys.modules, file=sys.stderr)"
    )
    assert python(run).stderr.strip().splitlines()[-1] == "True"
