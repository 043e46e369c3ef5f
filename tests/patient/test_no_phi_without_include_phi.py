"""Without --include-phi no name, birth date or record number appears in any output."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, Run

PHI = ("Zebulon", "Quixotic", "Farnsworth", "MRN-9988776655", "1979-03-14", "1979")
BASE = (
    "schedule",
    "--protocol",
    "lupus-flucy",
    "--start",
    "2025-05-01",
    "--patient",
    str(FIXTURES / "patients" / "phi.yaml"),
)


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_outputs_carry_only_the_label(run: Run, fmt: str) -> None:
    result = run(*BASE, "--format", fmt)
    assert result.code == 0, result.err
    assert "P-PRIV-01" in result.out
    for secret in PHI:
        assert secret not in result.out + result.err


def test_include_phi_puts_it_in(run: Run) -> None:
    result = run(*BASE, "--format", "json", "--include-phi")
    assert '"name": "Zebulon Quixotic-Farnsworth"' in result.out
    assert '"mrn": "MRN-9988776655"' in result.out
    assert '"birth_date": "1979-03-14"' in result.out
