"""Output never fails on an encoding without '→' (cp1252 when Windows redirects, ASCII, a C
locale) and stays readable: each character the encoding lacks is written the way people type
it ('->', 'x', '-', '[ ]', 'sqrt', 'u'), never as '?'; the timeline's columns stay straight.
Plain terminals (TERM=dumb, NO_COLOR) get the same text as any other."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rich.cells import cell_len

from tests.cli.helpers import cartplan
from tests.conftest import FIXTURES, TODAY

PLAN = (
    "-p",
    "lupus-flucy",
    "--start",
    "2025-05-01",
    "--today",
    TODAY,
    "--patient",
    str(FIXTURES / "patients" / "standard.yaml"),
)
RUNS = {
    "schedule": ("schedule", *PLAN),
    "schedule-markdown": ("schedule", *PLAN, "--format", "markdown"),
    "checklist": ("checklist", *PLAN, "--day", "0"),
    "checklist-markdown": ("checklist", *PLAN, "--day", "0", "--format", "markdown"),
}
# Each run sees exactly these variables (and not an inherited PYTHONIOENCODING or PYTHONUTF8).
UNSET = ("PYTHONIOENCODING", "PYTHONUTF8", "PYTHONCOERCECLOCALE", "LC_ALL", "LC_CTYPE")
ENVIRONMENTS = {
    "cp1252": {"PYTHONIOENCODING": "cp1252"},  # Windows, output redirected to a file
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "LANG=C": {"LANG": "C", "LC_ALL": "C"},  # Python reads the C locale as UTF-8
    "LANG=C-strict": {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
    "TERM=dumb": {"TERM": "dumb", "NO_COLOR": "1"},
}
# How a character the encoding lacks is written (the list, and what the plans hold).
FALLBACK = {
    "→": "->",
    "×": "x",
    "–": "-",
    "—": "-",
    "−": "-",
    "√": "sqrt",
    "µ": "u",
    "☐": "[ ]",
    "≥": ">=",
    "≤": "<=",
    "─": "-",
    "⚠": "!",
    "†": "+",
    "·": "-",
    "²": "2",
    "°": "deg",
}


def stdout_encoding(env: dict[str, str]) -> str:
    """The encoding Python gives stdout in `env` (a pipe, as in the runs)."""
    probe = "import sys; print(sys.stdout.encoding)"
    import os

    full = {k: v for k, v in os.environ.items() if k not in UNSET} | env
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, env=full, check=True, timeout=60
    )
    return done.stdout.decode().strip()


@pytest.fixture(scope="module")
def reference() -> dict[str, str]:
    """Each run in UTF-8: what the narrow runs must say in other characters."""
    out = {}
    for name, args in RUNS.items():
        result = cartplan(*args, env={"PYTHONIOENCODING": "utf-8", "COLUMNS": "80"}, unset=UNSET)
        assert result.returncode == 0, result.stderr
        out[name] = result.stdout.decode("utf-8")
    return out


@pytest.mark.parametrize("where", ENVIRONMENTS)
@pytest.mark.parametrize("what", RUNS)
def test_narrow_output_is_readable_ascii_fallbacks(
    reference: dict[str, str], where: str, what: str
) -> None:
    env = {**ENVIRONMENTS[where], "COLUMNS": "80"}
    encoding = stdout_encoding(env)
    result = cartplan(*RUNS[what], env=env, unset=UNSET)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    text = result.stdout.decode(encoding)  # strict: every byte is in the encoding
    utf8 = reference[what]
    assert text.count("?") == utf8.count("?"), "a character became '?'"
    lacking = {ch for ch in utf8 if not _encodes(ch, encoding)}
    for ch in lacking:
        assert ch in FALLBACK, f"no fallback pinned for {ch!r}"
        assert FALLBACK[ch] in text, (ch, FALLBACK[ch])
    if what == "schedule":
        assert "1x10^6" in text and "7x10^7" in text  # cell dose: 1x10^6/kg x 70 kg
        assert max(cell_len(line) for line in text.splitlines()) <= 80  # straight columns
        if "→" in lacking:
            assert "-> Wed 2025-05-21" in text
    if what == "checklist-markdown" and "☐" in lacking:
        assert "| [ ] |" in text


def test_the_narrow_runs_really_lack_the_characters() -> None:
    """The environments above do test something: cp1252 and ASCII have no '→' or '☐'."""
    assert stdout_encoding(ENVIRONMENTS["cp1252"]) == "cp1252"
    assert stdout_encoding(ENVIRONMENTS["ascii"]) == "ascii"
    assert not _encodes("→", "cp1252") and not _encodes("☐", "cp1252")


def _encodes(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
