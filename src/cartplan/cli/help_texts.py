"""The command line's help in the reader's language.

Typer takes help from docstrings and `help=` strings fixed when the module loads, so they are
translated where they are read: for a language other than English, `localized()` builds the
click command tree and replaces each command's and option's help with its translation from
cartplan's gettext catalogue (msgid = the English help as written). English builds nothing
extra (start-up time is a feature).

`extract()` is a Babel extraction method (babel.cfg) that finds those help texts by building
the same tree, plus the ordinary `_()` / `N_()` words of the module, so `pybabel extract` puts
every help text into cartplan.pot.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import IO, Any


def _walk(command: Any) -> Iterator[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _walk(sub)


def texts(command: Any) -> Iterator[str]:
    """Every help text of a click command tree, in order."""
    for c in _walk(command):
        for text in (c.help, c.short_help, *(getattr(p, "help", None) for p in c.params)):
            if text:
                yield inspect.cleandoc(text)


def localized(app: Any, words: Callable[[str], str]) -> Any:
    """The click command of a typer app, its help texts translated by `words`."""
    import typer.main

    command = typer.main.get_command(app)
    for c in _walk(command):
        if c.help:
            c.help = words(inspect.cleandoc(c.help))
        if c.short_help:
            c.short_help = words(inspect.cleandoc(c.short_help))
        for p in c.params:
            if getattr(p, "help", None):
                p.help = words(inspect.cleandoc(p.help))
    return command


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Any]:
    """Babel extraction method: the file's own gettext calls, then the CLI's help texts."""
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    import typer.main

    from cartplan.cli import app

    for text in texts(typer.main.get_command(app)):
        yield 0, None, text, ["TRANSLATORS: command-line help"]
