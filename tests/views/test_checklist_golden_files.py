"""Text and Markdown checklists pinned by golden files (lupus-flucy, D-1..D1, standard patient)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, GOLDEN, TODAY, Run

ARGS = (
    "checklist",
    "-p",
    "lupus-flucy",
    "--start",
    "2025-05-01",
    "--today",
    TODAY,
    "--now",
    "2025-04-01T08:00:00Z",
    "--patient",
    str(FIXTURES / "patients" / "standard.yaml"),
    "--from",
    "-1",
    "--to",
    "1",
)


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [("text", "checklist-lupus-flucy.txt"), ("markdown", "checklist-lupus-flucy.md")],
)
def test_matches_golden(run: Run, fmt: str, golden: str) -> None:
    result = run(*ARGS, "--format", fmt)
    assert result.code == 0, result.err
    assert result.out == (GOLDEN / golden).read_text(encoding="utf-8")


def test_terminal_output_respects_no_color() -> None:
    env = {**os.environ, "FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "80"}
    proc = subprocess.run(
        [sys.executable, "-m", "cartplan", *ARGS],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert "\x1b[" not in proc.stdout
    assert max(len(line) for line in proc.stdout.splitlines()) <= 80
