"""The scheduler speaks in message codes; every code it can emit has an English template, and
the template names only parameters the code is given (a typo would print a code, not words)."""

from __future__ import annotations

import re
import string
from pathlib import Path

from cartplan.i18n.catalog import TEMPLATES

SCHEDULE = Path(__file__).parents[2] / "src" / "cartplan" / "schedule"
CODE = re.compile(
    r"""["']((?:day|anchor|window|step|task|plan|dosing|constraint|calendar|"""
    r"""infusion|pin|backward|set)\.[a-z_]+)["']"""
)


def codes() -> set[str]:
    found = set()
    for source in SCHEDULE.glob("*.py"):
        found |= set(CODE.findall(source.read_text()))
    return found


def test_the_scheduler_emits_codes() -> None:
    assert len(codes()) > 30


def test_every_code_has_a_template() -> None:
    missing = sorted(c for c in codes() if c not in TEMPLATES)
    assert missing == []


def test_templates_parse_and_name_fields_plainly() -> None:
    for code in codes():
        fields = [f for _, f, _, _ in string.Formatter().parse(TEMPLATES[code]) if f]
        assert all(f.isidentifier() for f in fields), (code, fields)
