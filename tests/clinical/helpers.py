"""Shared helpers for the clinical-rule tests: plans as JSON, events by step id, outputs by format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import TODAY, Run


def plan(run: Run, *args: str, protocol: str = "lupus-flucy") -> dict[str, Any]:
    result = run("schedule", "-p", protocol, "--today", TODAY, "--format", "json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def events(p: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in p["events"]}


def outputs(run: Run, tmp: Path, *args: str, protocol: str = "lupus-flucy") -> dict[str, str]:
    """The same plan as timeline, Markdown, JSON, checklist text/Markdown/HTML and .ics."""
    common = ("-p", protocol, "--today", TODAY, *args)
    out: dict[str, str] = {}
    for fmt in ("table", "markdown", "json"):
        r = run("schedule", *common, "--format", fmt)
        assert r.code == 0, r.err
        out[fmt] = r.out
    for fmt in ("text", "markdown", "html"):
        r = run("checklist", *common, "--from", "0", "--to", "2", "--format", fmt)
        assert r.code == 0, r.err
        out[f"checklist-{fmt}"] = r.out
    ics = tmp / "plan.ics"
    r = run("schedule", *common, "--ics", str(ics), "--now", "2025-04-01T08:00:00Z")
    assert r.code == 0, r.err
    import icalendar

    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    out["ics"] = "\n".join(str(e.get("description", "")) for e in cal.walk("VEVENT"))
    return out
