"""--format html: one well-formed document, one <section class="day"> per day, every item of every
open window present with one real checkbox per occurrence, data escaped, no external assets."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from cartplan import library

from tests.conftest import TODAY, Run

VOID = {"meta", "input", "br", "img", "link"}


class Reader(HTMLParser):
    """Checks nesting and collects, per day section, its text and checkbox counts."""

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
            self.days[self.day] = {"text": "", "boxes": 0, "items": []}
        if tag == "input" and a.get("type") == "checkbox" and self.day is not None:
            self.days[self.day]["boxes"] += 1
        if tag == "li" and a.get("class") == "item" and self.day is not None:
            self.days[self.day]["items"].append(int(a["data-times"] or "0"))
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


def test_booklet_from_minus_5_to_14(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "booklet.html"
    base = ("-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY, "--label", "P-HTML")
    result = run(
        "checklist", *base, "--from", "-5", "--to", "14", "--format", "html", "--out", str(out)
    )
    assert result.code == 0, result.err
    doc = out.read_text(encoding="utf-8")
    assert doc.startswith("<!DOCTYPE html>") and doc.count("<html") == 1
    reader = Reader()
    reader.feed(doc)
    reader.close()
    assert reader.stack == []
    assert reader.external == []
    assert sorted(reader.days) == list(range(-5, 15))
    assert "@page {" in doc and "break-after: page" in doc

    # Expected content from the plan (JSON) and the protocol file, independently of the renderer
    plan = json.loads(run("schedule", *base, "--format", "json").out)
    protocol = library.load("lupus-flucy")
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
            for item in steps[e["id"]].checklist:
                if item.only_if:  # patient facts (CNS involvement): this patient has none
                    continue
                assert item.text in page["text"], (day, item.text)
                expected_boxes += item.times_per_day
        assert sum(page["items"]) >= expected_boxes
        assert page["boxes"] >= expected_boxes
        if day < 0:
            assert not open_windows
        assert "P-HTML" in page["text"]


def test_label_is_escaped_in_html_and_literal_in_the_terminal(run: Run) -> None:
    base = ("checklist", "-p", "lupus-flucy", "--start", "2025-05-01", "--day", "1")
    nasty = "<script>alert(1)</script>"
    html = run(*base, "--label", nasty, "--format", "html").out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    text = run(*base, "--label", "[bold]P-9[/bold]").out
    assert "Patient [bold]P-9[/bold] ·" in text
    md = run(*base, "--label", "[bold]P-9[/bold]", "--format", "markdown").out
    assert "\\[bold\\]P-9\\[/bold\\]" in md
