"""Which language the reader asked for: `--lang`, else CARTPLAN_LANG, else the locale, else English.

Languages are BCP 47 tags as cartplan ships them: "en" (the source language, always there) and
"zh-CN" (simplified Chinese). Spellings people and systems use are accepted: zh_CN, zh-cn,
zh_CN.UTF-8, zh-Hans, zh. An explicit choice (`--lang`, CARTPLAN_LANG) of a language cartplan
does not have is an error; a locale it does not have (de_DE.UTF-8, C, POSIX) means English, as
for any program without that translation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from cartplan.errors import InputError

ENGLISH = "en"
SUPPORTED = (ENGLISH, "zh-CN")
ENV = "CARTPLAN_LANG"
LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX order: the first one set decides


def normalize(tag: str) -> str | None:
    """The supported language a tag or locale name means, or None."""
    base = tag.strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    if not base:
        return None
    parts = base.split("-")
    if parts[0] == "en":
        return ENGLISH
    if parts[0] == "zh" and all(p in ("cn", "hans", "sg") for p in parts[1:]):
        return "zh-CN"
    return None


def from_locale(environ: Mapping[str, str]) -> str:
    """The locale's language when cartplan has it, else English (C, POSIX, de_DE, zh_TW …)."""
    for name in LOCALE_ENV:
        value = environ.get(name, "")
        if value:
            return normalize(value) or ENGLISH
    return ENGLISH


def resolve(explicit: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The reader's language: `explicit` (--lang), else CARTPLAN_LANG, else the locale."""
    env = os.environ if environ is None else environ
    for what, value in (("--lang", explicit), (ENV, env.get(ENV) or None)):
        if value is None:
            continue
        lang = normalize(value)
        if lang is None:
            raise InputError(
                f"{what} {value}: no such language in cartplan (available: {', '.join(SUPPORTED)})"
            )
        return lang
    return from_locale(env)


def from_argv(argv: Sequence[str]) -> str | None:
    """The last `--lang X` / `--lang=X` before a `--`, for words needed before the command
    line is parsed (usage errors, help)."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found


def guess(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language for words printed before (or without) a parsed command line: never fails
    (a bad --lang is reported by the command itself, in English)."""
    try:
        return resolve(from_argv(argv), environ)
    except InputError:
        return ENGLISH
