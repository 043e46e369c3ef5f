"""Messages as data: what happened, as a code and its parameters; words come later.

The pure core (protocol, patient, schedule) never writes prose: it raises errors and returns
notes and warnings as `Message(code, params)`. `cartplan.i18n` turns them into words in the
reader's language at the edge, formatting the parameters (dates, numbers, nested messages) the
way that language writes them. Codes are stable identifiers: tests, translations and a future
audit trail refer to them.

Parameter values may be str, int, float, date, datetime, a Message, or a list/tuple of those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple


class Message(NamedTuple):
    code: str  # e.g. "parameter.out_of_range"
    params: Mapping[str, Any]

    def __str__(self) -> str:
        from cartplan.i18n import render  # English, for tracebacks, logs and tests

        return render(self)


def msg(code: str, /, **params: Any) -> Message:
    """A message: `msg("parameter.unknown", name="x", protocol="lupus-flucy", known=[...])`."""
    return Message(code, params)


def listed(items: Iterable[Any]) -> list[Any] | Message:
    """Items for a message parameter; the word 'none' when there are none (known: none)."""
    return list(items) or msg("list.none")


Text = Message | str  # where edges (YAML parsing, pydantic errors) still hand over words
