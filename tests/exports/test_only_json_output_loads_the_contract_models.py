"""Start-up time is a feature: the contract models (and pydantic's work building them) load only
when a command prints JSON or its schema, never for the timeline table."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODELS = "cartplan.exports.contract"


def loaded_after(*args: str) -> bool:
    code = (
        "import sys\nfrom cartplan import cli\n"
        f"try:\n    cli.main({list(args)!r})\n"
        "except SystemExit:\n    pass\n"
        f"print({MODELS!r} in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stderr.strip().splitlines()[-1] == "True"


PLAN = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", "2025-04-01")


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_timeline_formats_do_not_load_the_contract(fmt: str) -> None:
    assert not loaded_after(*PLAN, "--format", fmt)


def test_json_output_loads_the_contract() -> None:
    assert loaded_after(*PLAN, "--format", "json")


def test_schema_plan_loads_the_contract() -> None:
    assert loaded_after("schema", "plan")
