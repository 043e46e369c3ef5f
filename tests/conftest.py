"""Shared helpers: run the real CLI entry point in-process and capture what a user would see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cartplan import cli

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
TODAY = "2025-04-01"  # injected clock for every CLI run in tests


@pytest.fixture(scope="session")
def private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's own cache of validated protocols, shared by its tests."""
    return tmp_path_factory.mktemp("cartplan-cache")


@pytest.fixture(autouse=True)
def _private_protocol_cache(private_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the user's cache of validated protocols: during each test
    CARTPLAN_CACHE_DIR names this run's folder (processes the test starts inherit it), and
    monkeypatch puts the variable back afterwards."""
    monkeypatch.setenv("CARTPLAN_CACHE_DIR", str(private_cache_dir))


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read English whatever the developer's locale (LANG=zh_CN.UTF-8 would otherwise
    choose Chinese); tests of the language choice set or remove these variables themselves."""
    monkeypatch.setenv("CARTPLAN_LANG", "en")


@pytest.fixture(autouse=True)
def _no_site_file_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own site file (~/.config/cartplan/site.yaml, $CARTPLAN_SITE) never
    reaches a test: tests of the site file give --site or set these themselves."""
    monkeypatch.delenv("CARTPLAN_SITE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


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
