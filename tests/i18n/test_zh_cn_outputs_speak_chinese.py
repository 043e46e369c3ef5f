"""`--lang zh-CN`: the timeline, the ward sheets, the picture and the calendar speak Chinese.

Dates read `2025年5月1日 周四`; the stages carry the seed review's own words (洗脱期, 单采 /
血细胞分离, 淋巴细胞清除, 输注); no English step title of any shipped protocol is left, and
nothing falls back to English (the ‹EN› mark would say so)."""

from __future__ import annotations

import re

import pytest

from cartplan.i18n.protocols import MARK
from cartplan.sources import catalogue

from tests.conftest import FIXTURES, TODAY, Run

PROTOCOLS = [s.id for s in catalogue.available() if s.shipped]
CHINESE_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 周[一二三四五六日]")
# the seed review's words for the stages a protocol has (a T-cell engager is injected, not
# infused; protocols of other modalities have no washout, apheresis or lymphodepletion)
STAGE_WORDS = {
    "washout": ("洗脱期",),
    "apheresis": ("单采", "血细胞分离"),
    "lymphodepletion": ("淋巴细胞清除",),
    "infusion": ("输注", "注射"),
}


def stages_read_chinese(pid: str, text: str) -> None:
    """Each stage the protocol has is named in the seed review's words."""
    have = {s.stage.value for s in catalogue.load(pid).steps}
    for stage, words in STAGE_WORDS.items():
        if stage in have:
            assert any(w in text for w in words), (stage, text)


PATIENT = str(FIXTURES / "patients" / "standard.yaml")
NOW = "2025-04-01T09:00:00Z"


def english_titles() -> set[str]:
    """Every step title of every shipped protocol, as the YAML writes it."""
    return {s.title for x in catalogue.available() if x.shipped for s in catalogue.load(x.id).steps}


def assert_chinese(text: str) -> None:
    assert MARK not in text, text[text.index(MARK) - 200 : text.index(MARK) + 200]
    left = sorted(t for t in english_titles() if t in text)
    assert not left, left


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_timeline_has_chinese_dates_stage_names_and_no_english_titles(
    run: Run, pid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no title wraps inside a word
    r = run("schedule", "-p", pid, "--start", "2025-05-01", "--today", TODAY, "--lang", "zh-CN")
    assert r.code == 0, r.err
    assert "2025年5月1日 周四" in r.out  # the plan's first day, in the header and the table
    stages_read_chinese(pid, r.out)
    assert "日期" in r.out and "步骤" in r.out  # the table's own words
    assert_chinese(r.out)


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_checklist_booklet_is_chinese_from_washout_to_follow_up(run: Run, pid: str) -> None:
    r = run(
        "checklist", "-p", pid, "--start", "2025-05-01", "--today", TODAY, "--patient", PATIENT,
        "--from", "2025-05-01", "--to", "28", "--now", NOW, "--lang", "zh-CN",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert "2025年5月1日 周四" in r.out
    stages_read_chinese(pid, r.out)
    assert "交班签字" in r.out and "早班" in r.out  # sign-off with the default shifts
    assert_chinese(r.out)


def test_one_ward_sheet_reads_chinese_words_and_dates(run: Run) -> None:
    r = run(
        "checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
        "--patient", PATIENT, "--day", "0", "--now", NOW, "--lang", "zh-CN",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert "2025年6月16日 周一 · D0 · 护理日 06:00 6月16日 周一 → 06:00 6月17日 周二" in r.out
    for words in ("开放的监测窗口", "CRS 监测", "ICANS 监测", "产品输注记录", "签名", "如出现"):
        assert words in r.out
    assert CHINESE_DATE.search(r.out)
    assert_chinese(r.out)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_markdown_and_html_outputs_are_chinese(run: Run, fmt: str) -> None:
    timeline = run(
        "schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
        "--format", fmt, "--now", NOW, "--lang", "zh-CN",
    )  # fmt: skip
    sheets = run(
        "checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
        "--from", "-5", "--to", "1", "--format", fmt, "--now", NOW, "--lang", "zh-CN",
    )  # fmt: skip
    for r in (timeline, sheets):
        assert r.code == 0, r.err
        assert CHINESE_DATE.search(r.out)
        assert "淋巴细胞清除" in r.out
        assert_chinese(r.out)
    if fmt == "html":
        assert '<html lang="zh-CN">' in timeline.out and '<html lang="zh-CN">' in sheets.out
        assert "洗脱期" in timeline.out  # a lane of the picture


def test_json_stays_the_english_contract(run: Run) -> None:
    """JSON is for programs: its titles and words do not depend on --lang."""
    args = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
    english = run(*args, "--format", "json")
    chinese = run(*args, "--format", "json", "--lang", "zh-CN")
    assert english.code == chinese.code == 0
    assert english.out == chinese.out
