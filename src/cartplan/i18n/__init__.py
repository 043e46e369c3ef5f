"""Words for people: messages rendered in the reader's language (English by default).

`render(message)` looks up the message code's template (i18n/catalog.py), translates it when a
catalogue for the language exists, and fills in the parameters formatted for that language:
dates as a ward reads them ("Thu 01 May 2025"), lists joined, nested messages rendered too.
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
    values = {k: _value(v, lang) for k, v in message.params.items()}
    return _WORDS.vformat(template, (), values)


class _Words(string.Formatter):
    """str.format plus two number specs the catalogues need: `{n:day|days}` writes the count
    with the word in the right number ('1 day', '3 days'); `{n:signed}` writes '+6' or '−6'."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            if format_spec == "signed":
                return f"+{value}" if value >= 0 else f"−{-value}"
            if "|" in format_spec:
                one, many = format_spec.split("|", 1)
                return f"{value} {one if value == 1 else many}"
        return super().format_field(value, format_spec)


_WORDS = _Words()


def _value(v: Any, lang: str | None) -> Any:
    if isinstance(v, Message):
        return render(v, lang)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return day(v, lang)
    if isinstance(v, list | tuple):
        return ", ".join(str(_value(x, lang)) for x in v)
    return v


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(d: date, lang: str | None = None) -> str:
    """A date as people on a ward read it: 'Thu 01 May 2025' (never the process locale's)."""
    return f"{_DAYS[d.weekday()]} {d.day:02d} {_MONTHS[d.month - 1]} {d.year}"
