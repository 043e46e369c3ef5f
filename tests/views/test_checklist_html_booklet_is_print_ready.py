"""--format html is one well-formed, self-contained booklet. Printed through headless Chromium it
has exactly one A4 or Letter page per day for a typical day (lupus-flucy D-5..D14: 20 pages),
every page naming patient, date and D-day; a day too long for a page repeats its header with
"page i/n" and never leaves the sign-off alone on a page. The heights cartplan cuts pages by are
never less than Chromium lays out, and not so much more that pages are cut early."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cartplan.dates import fmt
from cartplan.sources import catalogue

from tests.conftest import FIXTURES, TODAY, Run
from tests.print_tools import dump_dom, pdf_info, pdf_pages, pdf_text, print_pdf

VOID = {"meta", "input", "br", "img", "link"}
STANDARD = str(FIXTURES / "patients" / "standard.yaml")
WARD = str(FIXTURES / "protocols" / "sheets" / "ward-record.yaml")
NOW = "2025-04-01T08:00:00Z"


class Reader(HTMLParser):
    """Checks nesting and collects, per day section, its text, boxes, rows and pages."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.days: dict[int, dict[str, Any]] = {}
        self.day: int | None = None
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("class") == "day":
            self.day = int(a["data-day"] or "")
            self.days[self.day] = {
                "text": "",
                "boxes": 0,
                "items": [],
                "pages": int(a["data-pages"] or "0"),
                "page_divs": 0,
            }
        day = self.days.get(self.day) if self.day is not None else None
        if day is not None:
            if tag == "input" and a.get("type") == "checkbox":
                day["boxes"] += 1
            if tag == "tbody" and a.get("class") == "item":
                day["items"].append(int(a["data-times"] or "0"))
            if tag == "div" and (a.get("class") or "").split()[:1] == ["page"]:
                day["page_divs"] += 1
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(str(a[key]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()
        if tag == "section":
            self.day = None

    def handle_data(self, data: str) -> None:
        if self.day is not None:
            self.days[self.day]["text"] += data


def booklet(run: Run, out: Path, *args: str) -> str:
    result = run(
        "checklist", "--today", TODAY, "--now", NOW, *args, "--format", "html", "--out", str(out)
    )
    assert result.code == 0, result.err
    return out.read_text(encoding="utf-8")


def read(doc: str) -> Reader:
    reader = Reader()
    reader.feed(doc)
    reader.close()
    assert reader.stack == []
    return reader


def test_booklet_from_minus_5_to_14(run: Run, tmp_path: Path) -> None:
    base = ("-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY, "--label", "P-HTML")
    doc = booklet(run, tmp_path / "booklet.html", *base, "--from", "-5", "--to", "14")
    assert doc.startswith("<!DOCTYPE html>") and doc.count("<html") == 1
    reader = read(doc)
    assert reader.external == []
    assert "<script" not in doc and "@import" not in doc and "url(" not in doc
    assert sorted(reader.days) == list(range(-5, 15))
    assert "@page { size: A4;" in doc and "break-before: page" in doc

    # Expected content from the plan (JSON) and the protocol file, independently of the renderer
    plan = json.loads(run("schedule", *base, "--format", "json").out)
    protocol = catalogue.load("lupus-flucy")
    steps = {s.id: s for s in protocol.steps}
    for day, page in reader.days.items():
        when = date.fromordinal(date.fromisoformat(plan["day0"]).toordinal() + day).isoformat()
        open_windows = [
            e
            for e in plan["events"]
            if e["stage"] == "monitoring" and e["start"] <= when <= e["end"]
        ]
        expected_boxes = 0
        for e in open_windows:
            assert steps[e["id"]].title in page["text"], (day, e["id"])
            for item in e.get("checklist", []):
                assert item["text"] in page["text"], (day, item["text"])
                expected_boxes += item["times_per_day"]
        assert sum(page["items"]) >= expected_boxes  # one row per occurrence
        assert page["boxes"] >= expected_boxes
        if day < 0:
            assert not open_windows
        assert "P-HTML" in page["text"]
        assert page["page_divs"] == page["pages"] == 1


@pytest.mark.parametrize(("paper", "size"), [("a4", (595.3, 841.9)), ("letter", (612.0, 792.0))])
def test_minus_5_to_14_prints_as_20_pages_each_naming_patient_date_and_d_day(
    run: Run, tmp_path: Path, paper: str, size: tuple[float, float]
) -> None:
    page = tmp_path / f"booklet-{paper}.html"
    base = ("-p", "lupus-flucy", "--start", "2025-05-01", "--patient", STANDARD)
    doc = booklet(run, page, *base, "--from", "-5", "--to", "14", "--paper", paper)
    pdf = tmp_path / f"booklet-{paper}.pdf"
    print_pdf(page, pdf)
    assert pdf_pages(pdf) == 20
    width, height = map(float, pdf_info(pdf)["Page size"].split(" pts")[0].split(" x "))
    assert abs(width - size[0]) < 1.5 and abs(height - size[1]) < 1.5  # portrait, the paper asked
    day0 = date.fromisoformat(
        json.loads(run("schedule", *base, "--today", TODAY, "--format", "json").out)["day0"]
    )
    for i, day in enumerate(range(-5, 15), start=1):
        text = pdf_text(pdf, i)
        assert "P-STD" in text, i
        assert f"D{day} · {fmt(day0 + timedelta(days=day))}" in text, (i, text[:300])
        assert "page 1/1 of the day" in text
        assert "Shift sign-off" in text and "cartplan " in text
    assert doc.count('data-pages="1"') == 20


# Run in a copy of a booklet: per page, the estimated and the laid-out height (mm) of the record
# table and of the escalation column (the booklet itself has no scripts).
MEASURE = """<script>
const mm = px => px * 25.4 / 96;
const size = (b, s) => { const x = b.querySelector(s); return x ? mm(x.getBoundingClientRect().height) : 0; };
const rows = [...document.querySelectorAll("div.body")].map(b => [
  +b.dataset.mainMm, size(b, "table.rec"), +b.dataset.sideMm, size(b, "aside.side")]);
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify(rows);
document.body.append(out);
</script>"""


def laid_out(page: Path) -> list[list[float]]:
    probe = page.with_name(f"{page.stem}-measured.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"))
    found = re.search(r'<pre id="measured">(.*?)</pre>', dump_dom(probe), re.DOTALL)
    assert found, "the measuring script did not run"
    rows: list[list[float]] = json.loads(html.unescape(found.group(1)))
    return rows


@pytest.mark.parametrize(
    ("protocol", "paper", "days"),
    [("lupus-flucy", "a4", ("-5", "14")), ("lupus-flucy", "letter", ("-5", "14")),
     (WARD, "letter", ("0", "1"))],
)  # fmt: skip
def test_estimated_heights_hold_in_chromium(
    run: Run, tmp_path: Path, protocol: str, paper: str, days: tuple[str, str]
) -> None:
    page = tmp_path / "booklet.html"
    base = ("-p", protocol, "--start", "2025-05-01", "--patient", STANDARD, "--paper", paper)
    booklet(run, page, *base, "--from", days[0], "--to", days[1])
    pages = laid_out(page)
    assert len(pages) == page.read_text(encoding="utf-8").count('<div class="page')
    for i, (est_main, main, est_side, side) in enumerate(pages, start=1):
        for est, real in ((est_main, main), (est_side, side)):
            assert real <= est, f"page {i}: laid out {real:.1f} mm, estimated {est:.1f} mm"
            assert est <= real * 1.05 + 2.5, f"page {i}: estimated {est:.1f} mm for {real:.1f} mm"


def test_a_day_too_long_for_one_page_repeats_its_header(run: Run, tmp_path: Path) -> None:
    page = tmp_path / "long.html"
    base = ("-p", WARD, "--start", "2025-05-01", "--patient", STANDARD)
    doc = booklet(run, page, *base, "--from", "0", "--to", "1", "--paper", "letter")
    reader = read(doc)
    n = reader.days[1]["pages"]
    assert reader.days[0]["pages"] == 1 and n >= 2  # D1 has 60 rows of hourly checks
    pdf = tmp_path / "long.pdf"
    print_pdf(page, pdf)
    assert pdf_pages(pdf) == 1 + n  # the browser breaks exactly where cartplan promised
    for i in range(1, n + 1):
        text = pdf_text(pdf, 1 + i)
        assert f"page {i}/{n} of the day" in text
        assert "P-STD" in text and "D1 · " in text and "ward-record v0.3" in text
        assert ("Shift sign-off" in text) == (i == n)
        assert re.search(r"^\s*\d\d:\d\d\b", text, re.MULTILINE), f"page {i}: no record rows"
    # In the document: every page of the day carries rows, not only the sign-off
    pages = doc.split('data-day="1"', 1)[1].split('<div class="page')[1:]
    assert len(pages) == n and all('<tbody class="item"' in p for p in pages)


def test_times_values_and_shifts_come_from_the_protocol(run: Run) -> None:
    result = run(
        "checklist", "-p", WARD, "--start", "2025-05-01", "--today", TODAY, "--now", NOW,
        "--label", "P-W", "--day", "0",
    )  # fmt: skip
    assert result.code == 0, result.err
    out = result.out
    row = re.compile(r"^ {6}(\d\d:\d\d(?: \w{3})?) +\[ \]", re.MULTILINE)
    vitals = out.split("Vital signs — every 4 h (6×/day)", 1)[1].split("ICE score", 1)[0]
    assert row.findall(vitals) == ["07:00", "11:00", "15:00", "19:00", "23:00", "03:00 Tue"]
    assert "T °C ______  HR /min ______  BP mmHg ______" in vitals
    ice = out.split("ICE score — twice daily", 1)[1].split("Daily labs", 1)[0]
    assert row.findall(ice) == ["09:00", "21:00"]  # nursing-day order from 07:00
    assert "ICE 0-10 ______" in ice
    assert "Day   07:00–19:00  name" in out and "Night 19:00–07:00  name" in out
    assert "Early" not in out
    assert "nursing day 07:00 Mon 09 Jun → 07:00 Tue 10 Jun" in out


def test_the_infusion_day_has_the_administration_record_in_every_format(run: Run) -> None:
    base = ("checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
    for fmt_, marks in (
        ("text", ("PRODUCT ADMINISTRATION RECORD", "Bag / lot number", "2nd person")),
        ("markdown", ("Product administration record", "Bag / lot number", "2nd person")),
        ("html", ("Product administration record", "Bag / lot number", "2nd person")),
    ):
        d0 = run(*base, "--day", "0", "--format", fmt_).out
        d1 = run(*base, "--day", "1", "--format", fmt_).out
        for mark in marks:
            assert mark in d0, (fmt_, mark)
            assert mark not in d1, (fmt_, mark)


def test_doses_of_a_timed_step_are_due_at_its_time(run: Run) -> None:
    result = run(
        "checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
        "--patient", STANDARD, "--set", "lymphodepletion.time=08:00", "--day", "-4",
    )  # fmt: skip
    assert "dose: fludarabine: 45.5 mg (25 mg/m2)  [ ] given  08:00" in result.out


def test_every_printout_carries_the_audit_stamp(run: Run, tmp_path: Path) -> None:
    version = catalogue.load("lupus-flucy").version
    sets = (
        "--set", "crs_watch_until_day=21", "--set", "infusion.time=10:00",
        "--set", "apheresis.time=08:30", "--set", "apheresis.duration=3h",
    )  # fmt: skip
    base = ("checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
    for fmt_ in ("text", "markdown", "html"):
        out = run(*base, *sets, "--now", NOW, "--day", "3", "--format", fmt_).out
        flat = " ".join(out.split())
        for part in (
            "cartplan 0.1.0",
            f"protocol lupus-flucy@{version}",
            "printed 2025-04-01 08:00 UTC",
            "crs_watch_until_day=21 (default 14)",
            "infusion.time=10:00 (default all day)",
            "apheresis.duration=3 h (default 4 h)",
        ):
            assert part.replace("_", "\\_") in flat or part in flat, (fmt_, part)


def test_identifying_data_only_with_include_phi(run: Run, tmp_path: Path) -> None:
    phi = str(FIXTURES / "patients" / "phi.yaml")
    base = ("-p", "lupus-flucy", "--start", "2025-05-01", "--patient", phi)
    secret = ("Zebulon", "MRN-9988776655", "1979-03-14")
    plain = booklet(run, tmp_path / "plain.html", *base, "--from", "0", "--to", "1")
    assert "Hospital label" in plain and not any(s in plain for s in secret)
    shown = booklet(run, tmp_path / "phi.html", *base, "--from", "0", "--to", "1", "--include-phi")
    assert shown.count("Name: Zebulon Quixotic-Farnsworth") == shown.count('<div class="page')
    assert "MRN: MRN-9988776655" in shown and "Born: 1979-03-14" in shown
    text = run("checklist", "--today", TODAY, *base, "--day", "0", "--include-phi").out
    assert "Name: Zebulon Quixotic-Farnsworth · Born: 1979-03-14 · MRN: MRN-9988776655" in text


def test_team_filters_the_sheets_and_says_so(run: Run) -> None:
    help_text = run("checklist", "--help").out
    assert "Only the steps of this team on the sheets" in " ".join(help_text.split())
    out = run(
        "checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY,
        "--day", "-6", "--team", "pharmacy",
    ).out  # fmt: skip
    assert "Check before lymphodepletion" not in out  # a physicians' step
    assert "only steps of: pharmacy" in out
