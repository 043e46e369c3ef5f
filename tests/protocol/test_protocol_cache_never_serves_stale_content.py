"""The cache of validated protocols only saves time: edits, renames and damage are never hidden."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cartplan.errors import ProtocolError
from cartplan.sources import catalogue

from tests.conftest import FIXTURES

MINI = FIXTURES / "protocols" / "valid" / "mini.yaml"


def copy(tmp_path: Path) -> Path:
    target = tmp_path / "mini.yaml"
    shutil.copy(MINI, target)
    return target


def test_second_parse_comes_from_the_cache_and_is_equal(tmp_path: Path) -> None:
    path = copy(tmp_path)
    first = catalogue.parse(path)
    cached = list(catalogue.cache_dir().glob("*.json"))  # type: ignore[union-attr]
    assert cached
    assert catalogue.parse(path) == first


def test_an_edit_that_breaks_a_rule_is_caught_after_caching(tmp_path: Path) -> None:
    path = copy(tmp_path)
    catalogue.parse(path)
    path.write_text(path.read_text().replace("default: 21", "default: 35"))
    with pytest.raises(ProtocolError, match="default: 35 is outside its range"):
        catalogue.parse(path)


def test_a_renamed_copy_is_checked_against_its_new_name(tmp_path: Path) -> None:
    path = copy(tmp_path)
    catalogue.parse(path)
    renamed = path.rename(tmp_path / "other.yaml")
    with pytest.raises(ProtocolError, match="does not match the file name"):
        catalogue.parse(renamed)


def test_a_damaged_cache_falls_back_to_the_file(tmp_path: Path) -> None:
    path = copy(tmp_path)
    expected = catalogue.parse(path)
    for f in catalogue.cache_dir().glob("*.json"):  # type: ignore[union-attr]
        f.write_bytes(b"not JSON")
    assert catalogue.parse(path) == expected


def test_cache_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTPLAN_CACHE_DIR", "off")
    assert catalogue.cache_dir() is None
    assert catalogue.parse(copy(tmp_path)).id == "mini"
