"""Words for people: messages rendered in the reader's language (English by default).

`render(message)` looks up the message code's template (i18n/catalog.py), translates it when a
catalogue for the language exists, and fills in the parameters formatted for that language:
dates as a ward reads them ("Thu 01 May 2025"), lists joined, nested messages rendered too.

Templates are str.format patterns. Besides Python's own format specs for numbers (`{crcl:.1f}`,
`{dose:g}`, `{share:.0%}`) a template may ask for:
- `{day:iso}`: a date as YYYY-MM-DD (what the user typed), instead of the ward's 'Thu 01 May 2025';
- `{n:cells}`: a cell count as papers print it, 1.25x10^7.
A spec given to a list applies to each of its items, which are joined with ", " (or, with
`{steps:join= -> }`, with the separator after "join=").
"""

from __future__ import annotations

import string
from datetime import date, datetime
from typing import Any

from cartplan.messages import Message

DEFAULT_LANG = "en"


def render(message: Message | str, lang: str | None = None) -> str:
    """The message in words; a plain string (words from an edge) passes through."""
    if isinstance(message, str):
        return message
    from cartplan.i18n.catalog import TEMPLATES

    template = TEMPLATES.get(message.code)
    if template is None:  # a code without words is a bug, but never a crash for the user
        return f"{message.code}: {dict(message.params)}"
    return _Formatter(lang).vformat(template, (), message.params)


class _Formatter(string.Formatter):
    """str.format, with the parameters written the way the language writes them."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return format(render(value, self.lang), format_spec)
        if isinstance(value, list | tuple):
            sep, spec = ", ", format_spec
            if spec.startswith("join="):  # {steps:join= -> }: another separator
                sep, spec = spec.removeprefix("join="), ""
            return sep.join(self.format_field(x, spec) for x in value)
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat() if format_spec == "iso" else day(value, self.lang)
        if format_spec == "cells":
            return cells(value)
        return format(value, format_spec)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(d: date, lang: str | None = None) -> str:
    """A date as people on a ward read it: 'Thu 01 May 2025' (never the process locale's)."""
    return f"{_DAYS[d.weekday()]} {d.day:02d} {_MONTHS[d.month - 1]} {d.year}"


def cells(n: float) -> str:
    """A cell count as printed in papers: 1x10^6, 1.25x10^7."""
    mantissa, exp = f"{n:.3e}".split("e")
    return f"{float(mantissa):g}x10^{int(exp)}"
