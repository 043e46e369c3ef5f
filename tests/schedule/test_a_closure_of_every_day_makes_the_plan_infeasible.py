"""A site closed every day for a year or more is not bad input: no plan fits around it, so the
answer is "no feasible plan" (exit 3), naming the closure that blocks it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TODAY, Run


@pytest.fixture
def closed(tmp_path: Path) -> str:
    path = tmp_path / "closures.txt"
    path.write_text(
        "2025-01-01..2025-12-31 Renovation of the apheresis unit\n"
        "2026-01-01..2026-12-31 Renovation of the apheresis unit\n"
    )
    return str(path)


@pytest.mark.parametrize(
    "anchor",
    [("--start", "2025-05-01"), ("--infusion", "2025-09-01"), ("--start", "2024-12-01")],
)
def test_closed_for_a_year_is_an_infeasible_plan_naming_the_closure(
    run: Run, closed: str, anchor: tuple[str, str]
) -> None:
    result = run("schedule", "-p", "lupus-flucy", *anchor, "--today", TODAY, "--closures", closed)
    assert result.code == 3, result.err
    assert "Renovation of the apheresis unit" in result.err
    assert len(result.err.splitlines()) == 1


def test_with_public_holidays_too(run: Run, closed: str) -> None:
    args = ("schedule", "-p", "ssc-3rdgen", "--start", "2025-03-01", "--today", TODAY)
    result = run(*args, "--closures", closed, "--country", "DE", "--subdiv", "BY")
    assert result.code == 3 and "Renovation" in result.err
