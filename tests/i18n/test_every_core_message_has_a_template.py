"""Every message code the source builds has English words, and they render with its parameters.

The source is read, not run: each `msg("code", name=value, …)` (or `Message("code", …)`) call in
src/cartplan is found in the syntax tree, so a code on a path no test reaches is checked too.
A code must be a literal (or a choice between literals), so that this check sees every code;
its template may only name parameters that every call passes, and must render with values of
the kinds its format specs ask for. Templates no call uses are dead words, and fail too. The
CLI's flag prefixes and fixes (cli.FLAG_OF, cli.FIX_WITH) are checked against the same calls.
"""

from __future__ import annotations

import ast
import re
import string
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cartplan import cli
from cartplan.i18n import render
from cartplan.i18n.catalog import TEMPLATES
from cartplan.i18n.catalog_schedule import SCHEDULE
from cartplan.messages import Message

SRC = Path(__file__).parents[2] / "src" / "cartplan"
CODE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Site:
    where: str  # file:line
    code: str
    params: frozenset[str]


def _codes(node: ast.expr) -> list[str] | None:
    """The literal code(s) of a call's first argument; None when it is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _codes(node.body), _codes(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _is_message_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
    return name in ("msg", "Message")


def scan() -> tuple[list[Site], list[str]]:
    """Every call that builds a message, and every call whose code or parameters are hidden."""
    sites: list[Site] = []
    hidden: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("schedule/"):  # pinned by tests/schedule/test_every_schedule_message_*
            continue
        tree = ast.parse(path.read_text())
        # the one place that builds a message from a code it is given: msg() itself
        builder = {
            id(n)
            for f in ast.walk(tree)
            if rel == "messages.py" and isinstance(f, ast.FunctionDef) and f.name == "msg"
            for n in ast.walk(f)
        }
        for node in ast.walk(tree):
            if not _is_message_call(node) or id(node) in builder:
                continue
            assert isinstance(node, ast.Call)
            where = f"{rel}:{node.lineno}"
            codes = _codes(node.args[0]) if node.args else None
            if codes is None or any(k.arg is None for k in node.keywords) or len(node.args) > 1:
                hidden.append(where)
                continue
            params = frozenset(k.arg for k in node.keywords if k.arg is not None)
            sites += [Site(where, code, params) for code in codes]
    return sites, hidden


SITES, HIDDEN = scan()
BY_CODE: dict[str, list[Site]] = defaultdict(list)
for _site in SITES:
    BY_CODE[_site.code].append(_site)


def fields(template: str) -> dict[str, str]:
    """Parameter name -> its format spec, for each replacement field of a template."""
    out = {}
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is not None:
            assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"plain names only: {{{name}}}"
            out[name] = spec or ""
    return out


def sample(spec: str) -> Any:
    """A value of the kind a format spec asks for."""
    if spec == "iso":
        return date(2025, 5, 1)
    if spec.startswith("join="):
        return ["a", "b"]
    if spec == "cells" or (spec and spec[-1] in "efgn%"):
        return 1.25
    if (spec and spec[-1] == "d") or spec == "signed" or "|" in spec:
        return 3
    return "x"


def test_the_scan_finds_the_messages() -> None:
    """Guards the check itself: it reads the real source, and the source builds messages."""
    files = {s.where.split(":")[0] for s in SITES}
    assert {"protocol/rules.py", "patient/dosing.py", "patient/washout.py", "dates.py"} <= files
    assert len(BY_CODE) >= 100, len(BY_CODE)


def test_every_code_is_a_literal_with_named_parameters() -> None:
    """A code computed at run time, or parameters passed as **kwargs, hide from this check."""
    assert HIDDEN == []


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_code_has_a_template_that_renders_with_its_parameters(code: str) -> None:
    assert CODE.match(code), f"codes are dotted lower-case names: {code!r}"
    where = ", ".join(s.where for s in BY_CODE[code])
    assert code in TEMPLATES, f"no English template for {code!r} (built at {where})"
    wanted = fields(TEMPLATES[code])
    for site in BY_CODE[code]:
        missing = set(wanted) - site.params
        assert not missing, f"{site.where}: {code} is built without {sorted(missing)}"
        params = {name: sample(wanted.get(name, "")) for name in site.params}
        text = render(Message(code, params))
        assert text and not text.startswith(f"{code}: "), text


@pytest.mark.parametrize("code", sorted(set(TEMPLATES) - set(SCHEDULE)))
def test_every_template_is_used(code: str) -> None:
    assert code in BY_CODE, f"template {code!r} has no message that uses it: dead words"


@pytest.mark.parametrize(
    ("table", "code"),
    [("FLAG_OF", c) for c in cli.FLAG_OF if c not in SCHEDULE]
    + [("FIX_WITH", c) for c in cli.FIX_WITH if c not in SCHEDULE],
)
def test_cli_flags_name_real_codes_and_their_parameters(table: str, code: str) -> None:
    words = getattr(cli, table)[code]
    assert code in BY_CODE, f"cli.{table} names {code!r}, which no message uses"
    for site in BY_CODE[code]:
        missing = set(fields(words)) - site.params
        assert not missing, f"cli.{table}[{code!r}] needs {sorted(missing)}, {site.where}"
