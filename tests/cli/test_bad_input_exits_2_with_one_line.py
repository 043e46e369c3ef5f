"""Bad input: exit 2 and one line naming the value and what is allowed; never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import Run

BASE = ("schedule", "--protocol", "lupus-flucy")
CASES = {
    "impossible date": (("--start", "2025-02-30"), "'2025-02-30' is not a real calendar date"),
    "not a date": (("--start", "1.5.2025"), "write YYYY-MM-DD"),
    "far future": (("--start", "9999-12-01"), "outside the years cartplan plans in (1900–2199)"),
    "far past": (("--infusion", "0001-01-01"), "outside the years"),
    "no anchor": ((), "give exactly one of --start"),
    "two anchors": (("--start", "2025-05-01", "--infusion", "2025-06-16"), "exactly one of"),
    "out of range": (
        ("--start", "2025-05-01", "--set", "washout_days=40"),
        "--set washout_days=40: out of range; allowed 7–28 days",
    ),
    "unknown parameter": (("--start", "2025-05-01", "--set", "wash=3"), "has no parameter 'wash'"),
    "not a number": (("--start", "2025-05-01", "--set", "washout_days=two"), "not a whole number"),
    "no equals": (("--start", "2025-05-01", "--set", "washout_days"), "write NAME=VALUE"),
    "unknown country": (("--start", "2025-05-01", "--country", "XX"), "not a supported country"),
    "unknown subdivision": (
        ("--start", "2025-05-01", "--country", "DE", "--subdiv", "ZZ"),
        "not a subdivision of DE",
    ),
    "subdivision alone": (("--start", "2025-05-01", "--subdiv", "BY"), "give --country as well"),
    "unknown zone": (("--start", "2025-05-01", "--tz", "Mars/Olympus"), "unknown time zone"),
    "unknown format": (("--start", "2025-05-01", "--format", "xml"), "'xml' is not one of"),
    "unknown option": (("--start", "2025-05-01", "--colour"), "No such option"),
    "missing closures": (
        ("--start", "2025-05-01", "--closures", "/nonexistent/closures.txt"),
        "cannot read",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_line_and_exit_2(run: Run, case: str) -> None:
    args, words = CASES[case]
    result = run(*BASE, *args)
    assert result.code == 2, result
    assert result.err.startswith("cartplan: error: ") and result.err.count("\n") == 1, result.err
    assert words in result.err
    assert result.out == ""


def test_unknown_protocol_lists_the_known_ones(run: Run) -> None:
    result = run("schedule", "--protocol", "lupus", "--start", "2025-05-01")
    assert result.code == 2
    assert (
        "unknown protocol (known: allo-cd19, carnk-cd19-sle, jdm-flucy, lupus-bcma-cd19"
        in result.err
    )


def test_the_installed_entry_point_behaves_the_same() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cartplan", *BASE, "--start", "2025-13-01"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("cartplan: error: --start: '2025-13-01'")
    assert "Traceback" not in proc.stderr
