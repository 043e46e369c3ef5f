"""Command-line help in Chinese when Chinese is asked for (--lang, CARTPLAN_LANG or the
locale); English help is typer's own, untouched."""

from __future__ import annotations

import pytest

from tests.conftest import Run


def test_help_is_chinese_with_lang(run: Run) -> None:
    r = run("schedule", "--help", "--lang", "zh-CN")
    assert r.code == 0
    assert "为一名患者输出方案的带日期时间轴" in r.out
    assert "输出语言：en 或" in r.out and "设置方案参数（可重复）。" in r.out


def test_help_follows_cartplan_lang(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTPLAN_LANG", "zh-CN")
    top = run("--help")
    assert "为自身免疫病的 CAR-T 细胞治疗制定计划" in top.out
    assert "列出、显示、校验方案" in top.out
    assert "打印每日病房记录单" in run("checklist", "--help").out
    assert "同时检查方案在该语言" in run("protocols", "validate", "--help").out


def test_english_help_is_unchanged(run: Run) -> None:
    r = run("schedule", "--help")
    assert "Print the dated timeline of a protocol for one patient" in r.out
    assert "Language of the output: en or zh-CN" in r.out
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in r.out)
