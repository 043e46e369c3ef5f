"""`cartplan` alone (and `cartplan protocols`, `cartplan export` alone) asks for help: the help
goes to stdout and the exit code is 0, not a usage error on stderr with exit 2."""

from __future__ import annotations

import pytest

from tests.cli.helpers import cartplan
from tests.conftest import Run


@pytest.mark.parametrize("group", [(), ("protocols",), ("export",)])
def test_a_group_alone_prints_its_help_on_stdout_and_exits_0(
    run: Run, group: tuple[str, ...]
) -> None:
    result = run(*group)
    assert result.code == 0, result.err
    assert result.err == ""
    assert result.out.startswith(f"Usage: cartplan {' '.join(group)}".rstrip() + " ")
    assert "Commands:" in result.out and "error" not in result.out
    assert result.out == run(*group, "--help").out


def test_bare_cartplan_as_a_process() -> None:
    result = cartplan(env={})
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    out = result.stdout.decode()
    assert out.startswith("Usage: cartplan [OPTIONS] COMMAND [ARGS]...")
    for command in ("schedule", "checklist", "publish", "protocols", "export"):
        assert f"  {command} " in out
    assert "--version" in out and "-h, --help" in out


def test_a_planning_command_without_its_protocol_is_still_a_usage_error(run: Run) -> None:
    result = run("schedule")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("cartplan: error: ") and "--protocol" in result.err
