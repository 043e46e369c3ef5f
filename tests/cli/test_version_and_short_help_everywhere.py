"""`cartplan --version` prints 'cartplan X.Y.Z' (the installed version) and exits 0; `-h` is
`--help` for every command and group."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest

from tests.cli.helpers import COMMANDS, cartplan, help_of
from tests.conftest import Run


def test_version_prints_the_installed_version(run: Run) -> None:
    result = run("--version")
    assert result.code == 0, result.err
    assert result.out == f"cartplan {version('cartplan')}\n"
    assert re.fullmatch(r"cartplan \d+\.\d+\.\d+\S*\n", result.out)
    assert result.err == ""


def test_version_as_a_process_ignores_everything_after_it() -> None:
    result = cartplan("--version", "schedule", env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == f"cartplan {version('cartplan')}\n"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "cartplan")
def test_short_help_is_the_long_help(run: Run, command: tuple[str, ...]) -> None:
    long = help_of(run, command, "--help")
    assert help_of(run, command, "-h") == long
    assert "-h, --help" in long and long.startswith("Usage: cartplan")


def test_help_is_listed_as_both_spellings_for_a_planning_command(run: Run) -> None:
    text = help_of(run, ("schedule",), "-h")
    assert re.search(r"^  -h, --help\s+Show this message and exit\.$", text, re.M)
