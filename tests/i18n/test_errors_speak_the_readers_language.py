"""Errors are messages rendered in the reader's language; the flag they are about stays as typed."""

from __future__ import annotations

from cartplan.i18n import render
from cartplan.messages import msg

from tests.conftest import TODAY, Run

ARGS = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)


def test_a_parameter_out_of_range_in_chinese(run: Run) -> None:
    r = run(*ARGS, "--set", "washout_days=99", "--lang", "zh-CN")
    assert r.code == 2
    assert r.err == "cartplan：错误：--set washout_days=99：超出范围；允许 7–28 days\n"
    english = run(*ARGS, "--set", "washout_days=99")
    assert (
        english.err == "cartplan: error: --set washout_days=99: out of range; allowed 7–28 days\n"
    )


def test_an_unknown_parameter_in_chinese(run: Run) -> None:
    r = run(*ARGS, "--set", "nope=3", "--lang", "zh-CN")
    assert r.code == 2
    assert r.err.startswith("cartplan：错误：--set nope: 方案 lupus-flucy 没有参数“nope”")


def test_message_dates_and_lists_follow_the_language() -> None:
    from datetime import date

    m = msg("parameter.unknown", protocol="p", name="x", known=["a", "b", "c"])
    assert render(m) == "protocol p has no parameter 'x' (known: a, b, c)"
    assert render(m, "zh-CN") == "方案 p 没有参数“x”（已有参数：a、b、c）"
    from cartplan.i18n import day

    assert day(date(2025, 5, 1)) == "Thu 01 May 2025"
    assert day(date(2025, 5, 1), "zh-CN") == "2025年5月1日 周四"
