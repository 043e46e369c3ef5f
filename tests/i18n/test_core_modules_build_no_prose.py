"""The pure core writes no prose: what it raises and returns are message codes with parameters.

Words belong to cartplan.i18n (one template per code, translatable). The check reads the source
of every module of the checked core packages and flags
- any string that reads as words (two words of letters in a row, "is required"), in a literal or
  in the literal parts of an f-string, outside docstrings and `description=` of the format;
- text assembled into what is raised or into a message parameter: str.format, %-formatting,
  concatenation with a string, str.join;
- a raise of a bare string or f-string.
Locators such as f"steps[{s.id}].regimen[{i}]" are not words: they name a place in the file.

The detector is tested on samples of each kind of prose first, so the check cannot pass by
finding nothing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "cartplan"

# Core packages whose messages are codes. Add "schedule" when its conversion (branch speed-9)
# has landed.
CHECKED = ("protocol", "patient", "schedule")

# Strings that read as words but are identifiers of a contract, not messages: (file, text) ->
# why they stay.
ALLOWED = {
    ("patient/dosing.py", "BSA used"): "a Calc name, a key of the JSON contract ('name')",
    ("protocol/schema.py", "cartplan protocol"): "the JSON Schema's title, a document like the "
    "field descriptions",
}

PROSE = re.compile(r"[A-Za-z]{2,}[,;:]?\s+[A-Za-z]{2,}")


def _is_prose(text: str) -> bool:
    return bool(PROSE.search(text))


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of the module, its classes and functions."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _exempt(tree: ast.AST) -> set[int]:
    """Docstrings and the format's field documentation (description=...): docs, not messages."""
    out = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "description":
            out |= {id(n) for n in ast.walk(node.value)}
    return out


def _is_msg_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
    return name in ("msg", "Message")


def _assembles_text(node: ast.AST) -> str | None:
    """Why `node` (an expression handed to a message or an error) builds text, else None."""
    for n in ast.walk(node):
        if _is_msg_call(n) and n is not node:
            continue  # a nested message is checked as a call of its own
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            if n.func.attr in ("format", "join") and isinstance(n.func.value, ast.Constant):
                return f"str.{n.func.attr}"
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod | ast.Add):
            if any(
                isinstance(side, ast.JoinedStr)
                or (isinstance(side, ast.Constant) and isinstance(side.value, str))
                for side in (n.left, n.right)
            ):
                return "string concatenation or %-formatting"
    return None


def problems_in(source: str, name: str) -> list[str]:
    """Every place in `source` where prose is written or text is assembled for a message."""
    tree = ast.parse(source)
    exempt = _exempt(tree)
    out: list[str] = []

    def where(node: ast.AST) -> str:
        return f"{name}:{getattr(node, 'lineno', '?')}"

    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _is_prose(node.value) and (name, node.value) not in ALLOWED:
                out.append(f"{where(node)}: words in the core: {node.value!r}")
        elif isinstance(node, ast.JoinedStr):
            literal = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            if _is_prose(literal):
                out.append(f"{where(node)}: words in an f-string: {literal!r}")
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            for arg in node.exc.args:
                if isinstance(arg, ast.JoinedStr) or (
                    isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                ):
                    out.append(f"{where(node)}: raises a string, not a message")
                elif (why := _assembles_text(arg)) is not None:
                    out.append(f"{where(node)}: builds the error's text ({why})")
        elif _is_msg_call(node):
            assert isinstance(node, ast.Call)
            for value in [*node.args[1:], *(k.value for k in node.keywords)]:
                if (why := _assembles_text(value)) is not None:
                    out.append(f"{where(node)}: builds a parameter's text ({why})")
    # The literal parts of f-strings are Constants too: report each place once.
    return sorted(set(out))


def core_files() -> list[Path]:
    return sorted(p for pkg in CHECKED for p in (SRC / pkg).rglob("*.py"))


# --- the detector finds each kind of prose ---------------------------------------------------

PROSE_SAMPLES = {
    "raise of an f-string": 'def f(x):\n    raise ValueError(f"{x} is out of range")\n',
    "raise of a literal": 'def f():\n    raise ValueError("bad")\n',
    "words returned": 'def f(out):\n    out.append("patient is too young")\n',
    "words in an f-string": 'def f(out, x):\n    out.append(f"{x}: give min or max")\n',
    "str.format": 'def f(x):\n    return msg("a.b", text="{}".format(x))\n',
    "%-formatting": 'def f(x):\n    return msg("a.b", text="%s" % x)\n',
    "concatenation": 'def f(x):\n    raise InputError(x + "!")\n',
    "str.join into a parameter": 'def f(xs):\n    return msg("a.b", known=", ".join(xs))\n',
    "words in a list": 'WORDS = ["the renal bands are adult data"]\n',
}

CLEAN_SAMPLES = {
    "a message with data": 'def f(x):\n    raise InputError(msg("dose.x", agent=x, known=[1]))\n',
    "a locator": 'def f(s, i):\n    return msg("a.b", where=f"steps[{s.id}].regimen[{i}]")\n',
    "docstrings": '"""Module words here."""\ndef f():\n    """Function words here."""\n',
    "format documentation": 'X = Field(description="What the number means, for people.")\n',
    "identifiers": 'KIND = ("article", "guideline")\nFACT = f"prior:{1}"\n',
}


@pytest.mark.parametrize("kind", sorted(PROSE_SAMPLES))
def test_the_detector_finds_prose(kind: str) -> None:
    assert problems_in(PROSE_SAMPLES[kind], "sample.py"), kind


@pytest.mark.parametrize("kind", sorted(CLEAN_SAMPLES))
def test_the_detector_lets_codes_and_locators_pass(kind: str) -> None:
    assert problems_in(CLEAN_SAMPLES[kind], "sample.py") == [], kind


# --- the core itself -------------------------------------------------------------------------


def test_the_checked_core_is_there_and_builds_messages() -> None:
    """Guards the check itself: it reads the real modules, and they do build messages."""
    files = core_files()
    names = {p.relative_to(SRC).as_posix() for p in files}
    assert {"protocol/rules.py", "patient/dosing.py", "patient/washout.py"} <= names
    calls = sum(1 for p in files for n in ast.walk(ast.parse(p.read_text())) if _is_msg_call(n))
    assert calls >= 100, calls


@pytest.mark.parametrize("path", core_files(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_core_module_writes_no_prose(path: Path) -> None:
    name = path.relative_to(SRC).as_posix()
    assert problems_in(path.read_text(), name) == []


def test_dates_typed_by_users_are_parsed_into_messages() -> None:
    """dates.py is shared by every layer; its parser speaks in codes like the core."""
    tree = ast.parse((SRC / "dates.py").read_text())
    parse = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "parse_date"
    )
    assert problems_in(ast.unparse(parse), "dates.py") == []


def test_allowed_words_are_still_there() -> None:
    """An exception that no longer applies is removed, not kept as a blank cheque."""
    for file, text in ALLOWED:
        assert repr(text)[1:-1] in (SRC / file).read_text(), (file, text)
