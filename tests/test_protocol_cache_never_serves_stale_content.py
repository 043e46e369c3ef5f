"""The cache of validated protocols only saves time: edits, renames and damage are never hidden."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cartplan import library
from cartplan.errors import ProtocolError

from tests.conftest import FIXTURES

MINI = FIXTURES / "protocols" / "valid" / "mini.yaml"


def copy(tmp_path: Path) -> Path:
    target = tmp_path / "mini.yaml"
    shutil.copy(MINI, target)
    return target


def test_second_parse_comes_from_the_cache_and_is_equal(tmp_path: Path) -> None:
    path = copy(tmp_path)
    first = library.parse(path)
    cached = list(library.cache_dir().glob("*.json"))  # type: ignore[union-attr]
    assert cached
    assert library.parse(path) == first


def test_an_edit_that_breaks_a_rule_is_caught_after_caching(tmp_path: Path) -> None:
    path = copy(tmp_path)
    library.parse(path)
    path.write_text(path.read_text().replace("default: 21", "default: 35"))
    with pytest.raises(ProtocolError, match="default: 35 is outside its range"):
        library.parse(path)


def test_a_renamed_copy_is_checked_against_its_new_name(tmp_path: Path) -> None:
    path = copy(tmp_path)
    library.parse(path)
    renamed = path.rename(tmp_path / "other.yaml")
    with pytest.raises(ProtocolError, match="does not match the file name"):
        library.parse(renamed)


def test_a_damaged_cache_falls_back_to_the_file(tmp_path: Path) -> None:
    path = copy(tmp_path)
    expected = library.parse(path)
    for f in library.cache_dir().glob("*.json"):  # type: ignore[union-attr]
        f.write_bytes(b"not JSON")
    assert library.parse(path) == expected


def test_cache_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTPLAN_CACHE_DIR", "off")
    assert library.cache_dir() is None
    assert library.parse(copy(tmp_path)).id == "mini"
