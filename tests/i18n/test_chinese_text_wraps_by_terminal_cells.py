"""Chinese characters take two terminal cells and a line may break between any two of them:
tables and sheets in Chinese keep to their width; English wraps exactly as textwrap does."""

from __future__ import annotations

import textwrap

import pytest
from rich.cells import cell_len

from cartplan.views.wrap import wrap

from tests.conftest import FIXTURES, TODAY, Run

ENGLISH = (
    "Hypotension needing one vasopressor with or without vasopressin, or high-flow nasal cannula "
    "(> 6 L/min), facemask, non-rebreather or Venturi mask"
)
CHINESE = (
    "    ! 如出现 低血压需一种血管活性药（加或不加 vasopressin），或需高流量鼻导管（> 6 L/min）、"
    "面罩、非重复呼吸面罩或文丘里面罩吸氧；发热 >= 38 C -> CRS 3 级：立即呼叫医师及 ICU 团队"
)


@pytest.mark.parametrize("width", [12, 30, 78])
def test_english_is_wrapped_by_textwrap(width: int) -> None:
    assert wrap(ENGLISH, width, "  ") == textwrap.wrap(ENGLISH, width, subsequent_indent="  ")


@pytest.mark.parametrize("width", [20, 40, 78])
def test_chinese_lines_keep_to_the_width_and_lose_no_character(width: int) -> None:
    lines = wrap(CHINESE, width, subsequent_indent="      ")
    assert all(cell_len(x) <= width for x in lines)
    assert lines[0].startswith("    ! 如出现")  # the line's own indent is kept
    assert "".join(x.strip() for x in lines).replace(" ", "") == CHINESE.replace(" ", "")
    assert not any(x.strip().startswith(("，", "；", "：", "、", "）")) for x in lines)
    assert not any(x.rstrip().endswith("（") for x in lines)


@pytest.mark.parametrize("width", [80, 100])
def test_chinese_timeline_fits_the_terminal(run: Run, width: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", str(width))
    r = run(
        "schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
        "--patient", str(FIXTURES / "patients" / "standard.yaml"), "--lang", "zh-CN",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert max(cell_len(x) for x in r.out.splitlines()) <= width
    sheet = run(
        "checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
        "--day", "0", "--lang", "zh-CN",
    )  # fmt: skip
    assert max(cell_len(x) for x in sheet.out.splitlines()) <= 78
