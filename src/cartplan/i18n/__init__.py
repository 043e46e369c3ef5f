"""Words for people: messages rendered in the reader's language (English by default).

`render(message, lang)` looks up the message code's template (i18n/catalog.py), translates it
through the language's gettext catalogue (i18n/locale/<ll_CC>/LC_MESSAGES/cartplan.mo, built
with Babel from the .po beside it), and fills in the parameters formatted for that language:
dates as a ward reads them ("Thu 01 May 2025", "2025年5月1日 周四"), lists joined, nested
messages rendered too. `words(lang)` is the same catalogue for the views' own words
(`_ = words(lang)`, then `_("Date")`). A template without a translation prints in English.

English is the source language: it needs no catalogue and loads nothing (start-up time is a
feature). Babel, for dates and lists in other languages, loads only when one is asked for.

Templates are str.format patterns. Besides Python's own format specs for numbers (`{crcl:.1f}`,
`{dose:g}`, `{share:.0%}`) a template may ask for:
- `{day:iso}`: a date as YYYY-MM-DD (what the user typed), instead of the ward's 'Thu 01 May 2025';
- `{n:cells}`: a cell count as papers print it, 1.25x10^7.
A spec given to a list applies to each of its items, which are joined with ", " (or, with
`{steps:join= -> }`, with the separator after "join=").
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cartplan.i18n.lang import ENGLISH
from cartplan.i18n.marker import N_
from cartplan.messages import Message

if TYPE_CHECKING:
    import gettext

DEFAULT_LANG = ENGLISH
DOMAIN = "cartplan"

Words = Callable[[str], str]
"""A translator: English words (a gettext msgid) in, the reader's words out."""


def _english(text: str) -> str:
    return text


def words(lang: str | None) -> Words:
    """The translator of `lang`'s catalogue; English is the identity."""
    if lang is None or lang == ENGLISH:
        return _english
    return catalogue(lang).gettext


def is_english(lang: str | None) -> bool:
    return lang is None or lang == ENGLISH


def locale_name(lang: str) -> str:
    """'zh-CN' -> 'zh_CN': the folder and Babel locale of a language tag."""
    return lang.replace("-", "_")


@functools.cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang`; without one, every text stays English."""
    import gettext
    from pathlib import Path

    mo = Path(__file__).parent / "locale" / locale_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    except OSError:
        return gettext.NullTranslations()


def render(message: Message | str, lang: str | None = None) -> str:
    """The message in words; a plain string (words from an edge) passes through."""
    if isinstance(message, str):
        return message
    from cartplan.i18n.catalog import TEMPLATES

    template = TEMPLATES.get(message.code)
    if template is None:  # a code without words is a bug, but never a crash for the user
        return f"{message.code}: {dict(message.params)}"
    return _Formatter(lang).vformat(words(lang)(template), (), message.params)


# count words templates write as {n:day|days}: translated like every other word
_COUNT_WORDS = (N_("day"), N_("days"))


class _Formatter(string.Formatter):
    """str.format, with the parameters written the way the language writes them."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return format(render(value, self.lang), format_spec)
        if isinstance(value, list | tuple):
            spec = format_spec
            if spec.startswith("join="):  # {steps:join= -> }: another separator
                sep = spec.removeprefix("join=")
                return sep.join(self.format_field(x, "") for x in value)
            return join([self.format_field(x, spec) for x in value], self.lang)
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat() if format_spec == "iso" else day(value, self.lang)
        if format_spec == "cells":
            return cells(value)
        if isinstance(value, int) and not isinstance(value, bool):
            if format_spec == "signed":  # '+6', '−6'
                return f"+{value}" if value >= 0 else f"−{-value}"
            if "|" in format_spec:  # {n:day|days}: the count with the word in its number
                one, many = format_spec.split("|", 1)
                return f"{value} {words(self.lang)(one if value == 1 else many)}"
        return format(value, format_spec)


def join(items: list[str], lang: str | None = None) -> str:
    """A list in running text: 'a, b, c'; in Chinese 'a、b、c'."""
    if is_english(lang) or not items:
        return ", ".join(items)
    return _babel_sep(lang or ENGLISH).join(items)


@functools.cache
def _babel_sep(lang: str) -> str:
    from babel import Locale

    start: str = Locale.parse(locale_name(lang)).list_patterns["standard"]["middle"]
    return start.replace("{0}", "").replace("{1}", "")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FULL_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Babel (CLDR) patterns of the dates wards read, per language other than English.
PATTERNS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "day": "yyyy年M月d日 EEE",  # 2025年5月1日 周四
        "day_month": "M月d日 EEE",  # 5月1日 周四
        "weekday": "EEE",  # 周四
        "short": "M月d日",  # 5月1日
        "month_year": "yyyy年M月",  # 2025年5月
        "table": "yyyy年M月d日 EEE",
    }
}


def _babel(d: date, lang: str, kind: str) -> str:
    from babel.dates import format_date

    return str(format_date(d, PATTERNS[lang][kind], locale=locale_name(lang)))


def day(d: date, lang: str | None = None) -> str:
    """A date as people on a ward read it: 'Thu 01 May 2025', '2025年5月1日 周四' (never the
    process locale's)."""
    if not is_english(lang) and lang in PATTERNS:
        return _babel(d, lang, "day")
    return f"{_DAYS[d.weekday()]} {d.day:02d} {_MONTHS[d.month - 1]} {d.year}"


def table_day(d: date, lang: str | None = None) -> str:
    """A date in a narrow table column: 'Thu 2025-05-01', '2025年5月1日 周四'."""
    if not is_english(lang) and lang in PATTERNS:
        return _babel(d, lang, "table")
    return f"{_DAYS[d.weekday()]} {d.isoformat()}"


def day_month(d: date, lang: str | None = None) -> str:
    """'Thu 01 May', '5月1日 周四'."""
    if not is_english(lang) and lang in PATTERNS:
        return _babel(d, lang, "day_month")
    return f"{_DAYS[d.weekday()]} {d.day:02d} {_MONTHS[d.month - 1]}"


def weekday(d: date, lang: str | None = None) -> str:
    """'Thu', '周四'."""
    if not is_english(lang) and lang in PATTERNS:
        return _babel(d, lang, "weekday")
    return _DAYS[d.weekday()]


def short_day(d: date, lang: str | None = None) -> str:
    """'1 May', '5月1日'."""
    if not is_english(lang) and lang in PATTERNS:
        return _babel(d, lang, "short")
    return f"{d.day} {_MONTHS[d.month - 1]}"


def month_year(d: date, lang: str | None = None) -> str:
    """'May 2025', '2025年5月'."""
    if not is_english(lang) and lang in PATTERNS:
        return _babel(d, lang, "month_year")
    return f"{_FULL_MONTHS[d.month - 1]} {d.year}"


def cells(n: float) -> str:
    """A cell count as printed in papers: 1x10^6, 1.25x10^7."""
    mantissa, exp = f"{n:.3e}".split("e")
    return f"{float(mantissa):g}x10^{int(exp)}"
