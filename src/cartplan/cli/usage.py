"""How the command line introduces itself: `-h` beside `--help`, `--version`, help for a bare
command on stdout (exit 0), and arguments shown by what they hold (`ID|FILE`), never by a Python
type (`<str>`, `{protocol}`).

Options name their metavar where they are declared (cli/__init__.py); tests/cli pins that every
option of every command has one.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand

# Context settings of every app: a child command inherits them from its group.
CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


class Argument(TyperArgument):
    """A positional argument shown by its metavar alone: `protocols show ID|FILE`."""

    def _shown(self) -> str:
        name = self.metavar or (self.name or "").upper()
        return name + ("..." if self.nargs != 1 else "")

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        return [self._shown() if self.required else f"[{self._shown()}]"]

    def get_help_record(self, ctx: Any) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        return None if record is None else (self._shown(), record[1])


class Command(TyperCommand):
    """A command whose arguments read as `Argument` does (`cls=usage.Command`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = Argument  # same fields; only how it is shown differs


def print_version(value: bool) -> None:
    """`--version`: 'cartplan X.Y.Z' on stdout, exit 0."""
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    from cartplan.views import terminal

    try:
        number = version("cartplan")
    except PackageNotFoundError:  # run from a source tree that was never installed
        number = "unknown"
    terminal.out(f"cartplan {number}\n")
    raise typer.Exit(0)


def is_help_request(e: Exception) -> bool:
    """A group or command called without arguments answers with its help: that is what was
    asked for, not a usage error (typer raises it as one)."""
    return e.__class__.__name__ == "NoArgsIsHelpError" and getattr(e, "ctx", None) is not None


def help_text(e: Exception) -> str:
    """The help `is_help_request(e)` was raised with."""
    text: str = e.ctx.get_help()  # type: ignore[attr-defined]
    return text.rstrip("\n") + "\n"
