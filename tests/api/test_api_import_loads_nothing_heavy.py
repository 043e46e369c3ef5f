"""Notebooks and batch jobs import cartplan.api for one call: importing it loads neither
pydantic nor typer nor the scheduler nor any heavy module; the types it names load on first
use and are the real ones."""

from __future__ import annotations

import subprocess
import sys

NOT_ON_IMPORT = [
    "pydantic",
    "typer",
    "yaml",
    "holidays",
    "icalendar",
    "rich",
    "pendulum",
    "caldav",
    "fhir",
    "cartplan.schedule",
    "cartplan.services",
    "cartplan.exports",
    "cartplan.protocol",
]


def python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def test_importing_the_api_loads_nothing_heavy() -> None:
    loaded = python(
        "import sys\nimport cartplan.api\n"
        f"print(sorted(m for m in {NOT_ON_IMPORT!r} if m in sys.modules))"
    )
    assert loaded == "[]"


def test_the_types_load_when_first_named() -> None:
    out = python(
        "from cartplan.api import Patient, Plan, PlanJson, Protocol\n"
        "from cartplan.exports.contract import PlanJson as P2\n"
        "from cartplan.patient.model import Patient as Pa2\n"
        "from cartplan.protocol.format import Protocol as Pr2\n"
        "from cartplan.schedule.plan import Plan as Pl2\n"
        "print((Patient, Plan, PlanJson, Protocol) == (Pa2, Pl2, P2, Pr2))"
    )
    assert out == "True"


def test_an_unknown_name_is_an_attribute_error() -> None:
    out = python(
        "import cartplan.api\n"
        "try:\n    cartplan.api.Nothing\nexcept AttributeError as e:\n    print(e)"
    )
    assert out == "module 'cartplan.api' has no attribute 'Nothing'"
