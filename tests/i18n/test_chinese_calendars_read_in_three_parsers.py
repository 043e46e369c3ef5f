"""A Chinese calendar is still a calendar every client reads: icalendar, vobject (strict) and
Thunderbird's ical.js parse it without problems, see the same dates as the English one, and
read the Chinese SUMMARY and DESCRIPTION back unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartplan.sources import catalogue

from tests.calendar_readers import icaljs_instants, with_icalendar, with_icaljs, with_vobject
from tests.conftest import FIXTURES, TODAY, Run

PROTOCOLS = [s.id for s in catalogue.available() if s.shipped]
NOW = "2025-04-01T08:00:00+00:00"


def timed_step(pid: str) -> str:
    """Lymphodepletion is timed at 08:00; a protocol without one times its D0 step (issue 12)."""
    p = catalogue.load(pid)
    ids = {s.id for s in p.steps}
    return "lymphodepletion" if "lymphodepletion" in ids else p.day0_step.id


def export(run: Run, path: Path, pid: str, *extra: str) -> bytes:
    r = run(
        "schedule", "-p", pid, "--start", "2025-05-01", "--today", TODAY,
        "--patient", str(FIXTURES / "patients" / "standard.yaml"), "--tz", "Asia/Shanghai",
        "--set", f"{timed_step(pid)}.time=08:00", "--ics", str(path), "--now", NOW, *extra,
    )  # fmt: skip
    assert r.code == 0, r.err
    return path.read_bytes()


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_three_parsers_read_the_chinese_calendar(run: Run, tmp_path: Path, pid: str) -> None:
    english = export(run, tmp_path / "en.ics", pid)
    chinese = export(run, tmp_path / "zh.ics", pid, "--lang", "zh-CN")
    assert chinese != english
    dates = with_icalendar(english)
    assert with_icalendar(chinese) == dates
    assert with_vobject(chinese) == dates
    result = with_icaljs(tmp_path / "zh.ics")
    assert icaljs_instants(result) == dates
    summaries = " ".join(str(i["summary"]) for i in result["items"])
    descriptions = " ".join(str(i["description"]) for i in result["items"])
    stages = {s.stage.value for s in catalogue.load(pid).steps}
    assert "淋巴细胞清除" in summaries or "lymphodepletion" not in stages
    assert "输注" in summaries or "注射" in summaries
    assert "团队：" in descriptions and "方案：" in descriptions
    assert "‹EN›" not in summaries + descriptions


def test_summary_and_description_words(run: Run, tmp_path: Path) -> None:
    import icalendar

    data = export(run, tmp_path / "zh.ics", "lupus-flucy", "--lang", "zh-CN")
    events = {str(e["summary"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    assert "P-STD · CRS 监测 D0–D14" in events
    ld = events["P-STD · 淋巴细胞清除 D-5（第 1 天，共 3 天）"]
    text = str(ld["description"])
    assert "2025年6月11日 周三 – 2025年6月13日 周五 每日 08:00" in text
    assert "核查清单：" in text and "团队：病房护士、药房、主治医师" in text
    crs = str(events["P-STD · CRS 监测 D0–D14"]["description"])
    assert "升级处理：" in crs and "- 如出现 体温 >= 38.0 C（无其他原因） -> CRS 1 级" in crs
