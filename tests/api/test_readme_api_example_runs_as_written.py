"""The README's Python API example runs as written and prints what the README says it prints:
the documentation cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def example() -> tuple[str, str]:
    """The first ```python block of the README's "Python API" section and the ```text block
    after it (what the example prints)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(.*?)```.*?```text\n(.*?)```", section, re.S)
    assert found, "README: the Python API section has a ```python example and its ```text output"
    return found[1], found[2]


def test_readme_api_example_prints_what_the_readme_shows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, printed = example()
    monkeypatch.chdir(ROOT)  # the example names protocols/lupus-flucy.yaml, as in a checkout
    capsys.readouterr()
    exec(compile(code, "README.md (Python API)", "exec"), {"__name__": "readme_example"})  # noqa: S102
    assert capsys.readouterr().out == printed
