"""The terminal timeline uses the terminal's whole width (no cap at 120 columns): on a wide
terminal Teams get what they need first and stop wrapping, Step and Notes share the rest; no
line is wider than the terminal, at 80 columns as at 200, and no word is cut."""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len

from tests.conftest import FIXTURES, TODAY, Run

ARGS = (
    "schedule",
    "-p",
    "lupus-flucy",
    "--start",
    "2025-05-01",
    "--today",
    TODAY,
    "--patient",
    str(FIXTURES / "patients" / "standard.yaml"),
)


def table_at(run: Run, monkeypatch: pytest.MonkeyPatch, columns: int) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run(*ARGS)
    assert result.code == 0, result.err
    return result.out


@pytest.mark.parametrize("columns", [80, 100, 120, 160, 200])
def test_no_line_is_wider_than_the_terminal(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    lines = table_at(run, monkeypatch, columns).splitlines()
    assert max(cell_len(line) for line in lines) <= columns


@pytest.mark.parametrize("columns", [160, 200])
def test_a_wide_terminal_is_used_past_120_columns(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    lines = table_at(run, monkeypatch, columns).splitlines()
    assert max(cell_len(line) for line in lines) > 120
    ruler = next(line for line in lines if set(line) == {"─"})
    assert len(ruler) == columns


def first_lines(run: Run, out: str) -> dict[str, list[str]]:
    """Each event id -> the table lines that start with its date (its first line)."""
    events = json.loads(run(*ARGS, "--format", "json").out)["events"]
    lines = out.splitlines()
    return {e["id"]: [x for x in lines if x.startswith(_weekday_date(e["start"]))] for e in events}


def test_at_160_columns_teams_do_not_wrap(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    out = table_at(run, monkeypatch, 160)
    events = json.loads(run(*ARGS, "--format", "json").out)["events"]
    first = first_lines(run, out)
    for e in events:
        teams = ", ".join(e["teams"])
        assert any(teams in x for x in first[e["id"]]), (e["id"], teams)
    assert "ward, physicians, cell-lab, coordinator" in out  # the longest list, on one line


def test_at_200_columns_steps_and_teams_do_not_wrap(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = table_at(run, monkeypatch, 200)
    events = json.loads(run(*ARGS, "--format", "json").out)["events"]
    first = first_lines(run, out)
    for e in events:
        teams = ", ".join(e["teams"])
        assert any(e["title"] in x and teams in x for x in first[e["id"]]), e["id"]


def test_at_80_columns_the_table_still_fits_and_words_stay_whole(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = table_at(run, monkeypatch, 80)
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert "Immunosuppressant" in out  # never cut inside a word


def _weekday_date(iso: str) -> str:
    from datetime import date

    return date.fromisoformat(iso).strftime("%a %Y-%m-%d")
