"""`cartplan protocols validate --lang zh-CN` checks each protocol's translation file
(i18n/zh-CN/<id>.po beside the YAML): every translatable text has a translation, one line per
text that has none; the outputs show such a text in English behind ‹EN›."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cartplan.i18n.protocols import MARK, missing, read, texts
from cartplan.sources import catalogue

from tests.conftest import TODAY, Run

SHIPPED = Path(catalogue.find("lupus-flucy").path).parent


def copy_protocol(tmp_path: Path, old: str, new: str, with_po: bool = True) -> Path:
    """lupus-flucy with one step title changed, beside a copy of its Chinese translation."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    yaml = tmp_path / "lupus-flucy.yaml"
    text = (SHIPPED / "lupus-flucy.yaml").read_text(encoding="utf-8")
    assert f"title: {old}\n" in text
    yaml.write_text(text.replace(f"title: {old}\n", f"title: {new}\n", 1), encoding="utf-8")
    if with_po:
        (tmp_path / "i18n" / "zh-CN").mkdir(parents=True)
        shutil.copy(SHIPPED / "i18n" / "zh-CN" / "lupus-flucy.po", tmp_path / "i18n" / "zh-CN")
    return yaml


def test_every_shipped_protocol_is_fully_translated(run: Run) -> None:
    r = run("protocols", "validate", "--lang", "zh-CN")
    assert r.code == 0, r.err
    assert r.err == ""
    assert r.out.count("ok: ") == len([s for s in catalogue.available() if s.shipped])
    for source in catalogue.available():
        p = catalogue.load(source.id)
        strings = read(source.path.parent / "i18n" / "zh-CN" / f"{p.id}.po")
        assert strings is not None and missing(p, strings) == []
        assert len(texts(p)) > 50  # titles, items, escalations, … all counted


def test_an_untranslated_text_is_reported_and_shown_behind_the_mark(
    run: Run, tmp_path: Path
) -> None:
    yaml = copy_protocol(tmp_path, "CRS watch", "CRS and fever watch")
    r = run("protocols", "validate", "--lang", "zh-CN", str(yaml))
    assert r.code == 2
    po = tmp_path / "i18n" / "zh-CN" / "lupus-flucy.po"
    assert f"{po}: steps[crs-watch].title: no translation: 'CRS and fever watch'\n" in r.err
    assert "translation of a text the protocol does not have (changed?): 'CRS watch'" in r.err
    assert "1 of 1 protocol files have problems" in r.err
    assert run("protocols", "validate", str(yaml), "--lang", "en").code == 0  # English: no check
    timeline = run(
        "schedule", "-p", str(yaml), "--start", "2025-05-01", "--today", TODAY, "--lang", "zh-CN",
        "--format", "markdown",
    )  # fmt: skip
    assert timeline.code == 0, timeline.err
    assert f"| {MARK}CRS and fever watch †" in timeline.out  # the visible fallback
    assert "ICANS 监测" in timeline.out  # the rest is translated


def test_a_protocol_without_a_translation_file_is_reported(run: Run, tmp_path: Path) -> None:
    yaml = copy_protocol(tmp_path, "CRS watch", "CRS watch", with_po=False)
    r = run("protocols", "validate", "--lang", "zh-CN", str(yaml))
    assert r.code == 2
    assert f"{yaml}: zh-CN: no translation file {tmp_path / 'i18n' / 'zh-CN'}" in r.err
    sheet = run(
        "checklist", "-p", str(yaml), "--start", "2025-05-01", "--today", TODAY, "--day", "0",
        "--lang", "zh-CN",
    )  # fmt: skip
    assert sheet.code == 0, sheet.err
    assert f"{MARK}CRS watch" in sheet.out and "开放的监测窗口" in sheet.out


def test_a_broken_translation_file_is_bad_input(run: Run, tmp_path: Path) -> None:
    yaml = copy_protocol(tmp_path, "CRS watch", "CRS watch")
    (tmp_path / "i18n" / "zh-CN" / "lupus-flucy.po").write_text("garbage line here\n")
    r = run("protocols", "validate", "--lang", "zh-CN", str(yaml))
    assert r.code == 2
    assert "not a readable gettext catalogue" in r.err


def test_the_locale_alone_only_notes_a_missing_translation_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a Chinese locale, a centre's own protocol without translations still validates (with
    a note); a translation file it has must be complete."""
    yaml = copy_protocol(tmp_path, "CRS watch", "CRS watch", with_po=False)
    monkeypatch.setenv("CARTPLAN_LANG", "zh-CN")
    r = run("protocols", "validate", str(yaml))
    assert r.code == 0, r.err
    assert r.err.startswith(f"note: {yaml}: no zh-CN translation file") and f"ok: {yaml}" in r.out
    other = copy_protocol(tmp_path / "b", "CRS watch", "CRS and fever watch")
    assert run("protocols", "validate", str(other)).code == 2
