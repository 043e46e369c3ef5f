"""Shared helpers: run the real CLI entry point in-process and capture what a user would see."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cartplan import cli

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
TODAY = "2025-04-01"  # injected clock for every CLI run in tests


@pytest.fixture(autouse=True, scope="session")
def _private_protocol_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's cache of validated protocols."""
    os.environ["CARTPLAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cartplan-cache"))


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Call `cartplan ARGS…` as the console script does; returns exit code, stdout, stderr."""

    def _run(*args: str) -> Result:
        capsys.readouterr()
        try:
            cli.main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 0
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run
