"""The protocol cache holds data, never code, and serves an entry only when it can trust it:
the folder and the file belong to this user and nobody else may write them, and the entry was
made from exactly the bytes of the protocol file just read. Anything else is ignored and rebuilt:
a planted pickle never runs, a doctored dose (fludarabine 2500 mg/m²) is never used."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from cartplan.sources import catalogue

from tests.conftest import FIXTURES, TODAY, Run

MINI = FIXTURES / "protocols" / "valid" / "mini.yaml"
ROOT = hasattr(os, "getuid") and os.getuid() == 0


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CARTPLAN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def protocol(tmp_path: Path) -> Path:
    target = tmp_path / "protocols" / "mini.yaml"
    target.parent.mkdir()
    shutil.copy(MINI, target)
    return target


def entry(cache: Path) -> Path:
    (found,) = cache.glob("*.json")
    return found


def doctor(file: Path, dose: float = 2500) -> None:
    """Rewrite the cached fludarabine dose, keeping everything else (key included)."""
    data = json.loads(file.read_text())
    for step in data["protocol"]["steps"]:
        for d in step.get("regimen", []):
            d["dose"] = dose
    file.write_text(json.dumps(data))


def dose(protocol: Path) -> float:
    return catalogue.parse(protocol).step("ld").regimen[0].dose


class Planted:
    """Unpickling this touches a marker file: proof that the cache executed data."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_never_runs(cache: Path, protocol: Path, tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    catalogue.parse(protocol)
    cached = entry(cache)
    payload = pickle.dumps(Planted(marker))
    cached.write_bytes(payload)  # under the name the cache uses
    cached.with_suffix(".pickle").write_bytes(payload)  # and the one it used to use
    assert dose(protocol) == 25
    assert not marker.exists()


def test_the_cache_is_plain_json(cache: Path, protocol: Path) -> None:
    catalogue.parse(protocol)
    data = json.loads(entry(cache).read_text())
    assert set(data) == {"key", "protocol"}
    assert data["protocol"]["id"] == "mini"


def test_an_entry_made_from_other_bytes_is_not_served(cache: Path, protocol: Path) -> None:
    catalogue.parse(protocol)
    stale = entry(cache)
    doctor(stale)
    data = json.loads(stale.read_text())
    data["key"] = "0" * 64  # not the hash of the file it is asked for
    stale.write_text(json.dumps(data))
    assert dose(protocol) == 25


@pytest.mark.parametrize("mode", [0o666, 0o646, 0o664])
def test_an_entry_others_may_write_is_not_served(cache: Path, protocol: Path, mode: int) -> None:
    catalogue.parse(protocol)
    doctor(entry(cache))
    entry(cache).chmod(mode)
    assert dose(protocol) == 25
    assert entry(cache).stat().st_mode & 0o777 == 0o600  # rebuilt as ours


def test_a_cache_folder_others_may_write_is_not_used(cache: Path, protocol: Path) -> None:
    catalogue.parse(protocol)
    doctor(entry(cache))
    cache.chmod(0o777)
    assert dose(protocol) == 25
    assert dose(protocol) == 25


@pytest.mark.skipif(not ROOT, reason="planting a file as another user needs root")
def test_an_entry_owned_by_another_user_is_not_served(cache: Path, protocol: Path) -> None:
    catalogue.parse(protocol)
    doctor(entry(cache))
    os.chown(entry(cache), 4242, 4242)
    assert dose(protocol) == 25


@pytest.mark.skipif(not ROOT, reason="planting a folder as another user needs root")
def test_a_cache_folder_owned_by_another_user_is_not_used(
    cache: Path, protocol: Path, tmp_path: Path
) -> None:
    cache.mkdir(mode=0o755)
    os.chown(cache, 4242, 4242)
    catalogue.parse(protocol)
    assert list(cache.iterdir()) == []  # nothing written there either
    assert dose(protocol) == 25


def test_a_doctored_cache_does_not_reach_a_plan(
    run: Run, cache: Path, protocol: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repro: a planted entry with a 100-fold dose, and the patient's plan."""
    patient = ("--label", "P1", "--weight-kg", "70", "--height-cm", "170", "--crcl-ml-min", "90")
    args = ("schedule", "-p", str(protocol), "--start", "2025-05-01", "--today", TODAY)
    assert run(*args, *patient).code == 0
    doctor(entry(cache))
    entry(cache).chmod(0o666)
    result = run(*args, *patient, "--format", "json")
    assert result.code == 0, result.err
    (ld,) = [e for e in json.loads(result.out)["events"] if e["id"] == "ld"]
    assert ld["regimen"][0]["dose"] == 25


def test_no_home_means_no_cache(monkeypatch: pytest.MonkeyPatch, protocol: Path) -> None:
    monkeypatch.delenv("CARTPLAN_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", homeless)
    assert catalogue.cache_dir() is None
    assert catalogue.parse(protocol).id == "mini"
