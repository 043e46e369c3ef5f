"""English is the default; `--lang`, then CARTPLAN_LANG, then the locale (LC_ALL, LC_MESSAGES,
LANG, the first one set) choose another language. The English outputs are byte for byte the
golden files, whatever way English was chosen."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cartplan.i18n.lang import from_argv, normalize, resolve

from tests.conftest import FIXTURES, GOLDEN, TODAY, Run

SCHEDULE = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
CHECKLIST = (
    "checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
    "--now", "2025-04-01T08:00:00Z", "--patient", str(FIXTURES / "patients" / "standard.yaml"),
    "--from", "-1", "--to", "1",
)  # fmt: skip
LOCALE_VARS = ("CARTPLAN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("tag", "lang"),
    [
        ("en", "en"), ("en_US.UTF-8", "en"), ("zh-CN", "zh-CN"), ("zh_CN", "zh-CN"),
        ("zh_CN.UTF-8", "zh-CN"), ("zh-cn", "zh-CN"), ("zh-Hans-CN", "zh-CN"), ("zh", "zh-CN"),
        ("zh_TW.UTF-8", None), ("de_DE.UTF-8", None), ("C", None), ("POSIX", None), ("", None),
    ],
)  # fmt: skip
def test_tags_and_locale_names(tag: str, lang: str | None) -> None:
    assert normalize(tag) == lang


def test_flag_wins_over_env_which_wins_over_locale() -> None:
    env = {"CARTPLAN_LANG": "zh-CN", "LANG": "en_GB.UTF-8"}
    assert resolve("en", env) == "en"
    assert resolve(None, env) == "zh-CN"
    assert resolve(None, {"LANG": "zh_CN.UTF-8"}) == "zh-CN"
    assert resolve(None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"  # LC_ALL decides
    assert resolve(None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}) == "zh-CN"
    assert resolve(None, {"LANG": "fr_FR.UTF-8"}) == "en"  # a locale cartplan lacks: English
    assert resolve(None, {}) == "en"
    assert from_argv(["schedule", "--lang=zh-CN", "-p", "x"]) == "zh-CN"
    assert from_argv(["schedule", "--lang", "en", "--", "--lang", "zh-CN"]) == "en"


def test_english_default_is_the_golden_files(run: Run, bare_env: pytest.MonkeyPatch) -> None:
    golden_md = (GOLDEN / "lupus-flucy-2025-05-01.md").read_text(encoding="utf-8")
    golden_sheet = (GOLDEN / "checklist-lupus-flucy.txt").read_text(encoding="utf-8")
    for extra in ((), ("--lang", "en")):
        assert run(*SCHEDULE, "--format", "markdown", *extra).out == golden_md
        assert run(*CHECKLIST, *extra).out == golden_sheet
    bare_env.setenv("LANG", "de_DE.UTF-8")
    assert run(*CHECKLIST).out == golden_sheet
    bare_env.setenv("CARTPLAN_LANG", "en")
    bare_env.setenv("LANG", "zh_CN.UTF-8")
    assert run(*CHECKLIST).out == golden_sheet


def test_cartplan_lang_selects_chinese(run: Run, bare_env: pytest.MonkeyPatch) -> None:
    bare_env.setenv("CARTPLAN_LANG", "zh-CN")
    r = run(*SCHEDULE)
    assert r.code == 0 and "2025年5月1日 周四" in r.out and "淋巴细胞清除" in r.out
    assert "Lymphodepletion" not in run(*SCHEDULE).out
    assert "Lymphodepletion" in run(*SCHEDULE, "--lang", "en").out  # the flag wins


def test_a_chinese_locale_selects_chinese(run: Run, bare_env: pytest.MonkeyPatch) -> None:
    bare_env.setenv("LANG", "zh_CN.UTF-8")
    r = run(*SCHEDULE)
    assert r.code == 0 and "2025年5月1日 周四" in r.out and "淋巴细胞清除" in r.out
    bare_env.setenv("LC_ALL", "C.UTF-8")
    assert "Lymphodepletion" in run(*SCHEDULE).out


def test_the_console_script_reads_the_locale() -> None:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    env.update(LANG="zh_CN.UTF-8", PYTHONIOENCODING="utf-8")
    code = "from cartplan.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, *SCHEDULE], capture_output=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert "2025年5月1日 周四" in proc.stdout.decode("utf-8")


def test_a_language_cartplan_lacks_is_bad_input(run: Run, bare_env: pytest.MonkeyPatch) -> None:
    r = run(*SCHEDULE, "--lang", "fr")
    assert r.code == 2
    assert (
        r.err == "cartplan: error: --lang fr: no such language in cartplan (available: en, zh-CN)\n"
    )
    bare_env.setenv("CARTPLAN_LANG", "klingon")
    assert run(*SCHEDULE).code == 2
