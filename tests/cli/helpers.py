"""Shared helpers for the command-line manners tests: every command's help, and the console
script run as a fresh process in a chosen environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

from tests.conftest import Run

# Every command a user can ask for help on, as typed after `cartplan`.
COMMANDS: list[tuple[str, ...]] = [
    (),
    ("schedule",),
    ("checklist",),
    ("publish",),
    ("export",),
    ("export", "fhir"),
    ("protocols",),
    ("protocols", "list"),
    ("protocols", "show"),
    ("protocols", "validate"),
    ("protocols", "schema"),
]


def help_of(run: Run, command: tuple[str, ...], flag: str = "--help") -> str:
    result = run(*command, flag)
    assert result.code == 0, (command, result.err)
    assert result.err == "", (command, result.err)
    return result.out


def leaf_commands() -> Iterator[tuple[tuple[str, ...], object]]:
    """(words, command object) of every command that runs, built as `cartplan` builds it."""
    import typer.main

    from cartplan import cli

    def walk(words: tuple[str, ...], command: object) -> Iterator[tuple[tuple[str, ...], object]]:
        children = getattr(command, "commands", None)
        if children is None:
            yield words, command
            return
        for name, child in children.items():
            yield from walk((*words, name), child)

    for words, command in walk((), typer.main.get_command(cli.app)):
        if words[0] in cli.PLANNING:  # run as an app of its own (see cli.runner)
            command = typer.main.get_command(cli.runner(list(words)))
        yield words, command


def cartplan(
    *args: str, env: dict[str, str], unset: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[bytes]:
    """`cartplan ARGS…` as a fresh process: this one's environment with `env` added and the
    variables in `unset` removed."""
    full = {k: v for k, v in os.environ.items() if k not in unset} | env
    return subprocess.run(
        [sys.executable, "-m", "cartplan", *args], capture_output=True, env=full, timeout=120
    )
