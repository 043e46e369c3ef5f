"""`protocols validate` bounds every number and the plan's whole span, so that a protocol that
validates can be planned: the result is a plan (exit 0), bad input (2) or no feasible plan (3),
never an internal error. The bounds are part of the JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, TODAY, Run

MINI = FIXTURES / "protocols" / "valid" / "mini.yaml"
SCHEMA = Path(__file__).parents[2] / "protocols" / "protocol.schema.json"
Doc = dict[str, Any]


def step(doc: Doc, sid: str) -> Doc:
    return next(s for s in doc["steps"] if s["id"] == sid)


def chain(n: int, offset: int = 1, **placement: object) -> Callable[[Doc], None]:
    """n more steps, each starting `offset` days after the previous one ends."""

    def change(doc: Doc) -> None:
        before = "watch"
        for i in range(n):
            doc["steps"].append(
                {
                    "id": f"visit-{i}",
                    "title": f"Visit {i}",
                    "stage": "follow-up",
                    "teams": ["ward"],
                    "placement": {"after": before, "offset": offset, **placement},
                }
            )
            before = f"visit-{i}"

    return change


def at(sid: str, *path: str | int, value: object) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        node: Any = step(doc, sid)
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
        node[path[-1]] = value

    return change


def parameter(field: str, value: object) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc["parameters"][0][field] = value

    return change


def write(tmp_path: Path, change: Callable[[Doc], None]) -> str:
    doc = yaml.safe_load(MINI.read_text())
    change(doc)
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return str(path)


def plans(path: str) -> list[tuple[str, ...]]:
    return [
        ("schedule", "-p", path, "--start", "2025-05-01", "--today", TODAY),
        ("schedule", "-p", path, "--infusion", "2025-09-01", "--today", TODAY),
        ("schedule", "-p", path, "--start", "2025-05-01", "--today", TODAY, "--country", "DE"),
    ]


# The repros from the issue: each made `schedule` fail with an internal error after validating.
CRASHERS = {
    "a chain of 600 steps": chain(600),
    "an offset of 3 million days": at("release", "placement", "offset", value=3_000_000),
    "a window of 3 million days": at("release", "placement", "late", value=3_000_000),
    "an early window of 3 million days": at("release", "placement", "early", value=3_000_000),
    "offset_months 96000": at("watch", "placement", "offset_months", value=96_000),
    "an infinite dose": at("ld", "regimen", 0, "dose", value=float("inf")),
    "a dose of 1e308": at("ld", "regimen", 0, "dose", value=1e308),
    "a dose rounded to 1e-300 mg": at("ld", "regimen", 0, "round_mg", value=1e-300),
    "a dose on day 10**12": at("ld", "regimen", 0, "days", value=[-5, 10**12]),
    "a parameter max of 10**30": parameter("max", 10**30),
    "a parameter default of -10**30": parameter("default", -(10**30)),
    "an alarm 10**9 days before": at(
        "apheresis", "alarms", value=[{"days_before": 10**9, "time": "08:00"}]
    ),
    "a duration of 10**7 days": at("release", "duration", value=10**7),
    "an end day of 10**7": at("watch", "end_day", value=10**7),
    "a cell dose of 1e308 per kg": at(
        "infusion", "cell_dose", value={"product": "x", "per_kg": 1e308}
    ),
    "a renal band dose of 1e308": at(
        "ld", "regimen", 0, "renal", value=[{"crcl_below": 30, "dose": 1e308, "rule": "r"}]
    ),
    "a constraint of 10**30 days": lambda doc: doc["constraints"][0].update(min=10**30),
    "a span of twenty-five years": chain(10, offset=1000),
    "substitutions that double a text thirty times": lambda doc: (
        step(doc, "watch").update(checklist=[{"text": "a" * 50}]),
        doc.update(
            substitutions=[{"max_age": 120, "find": "a", "replace": "aa", "rule": "r"}] * 30
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_numbers_beyond_their_bounds_do_not_validate(run: Run, tmp_path: Path, name: str) -> None:
    path = write(tmp_path, CRASHERS[name])
    result = run("protocols", "validate", path)
    assert result.code == 2, result.out
    assert "internal error" not in result.err
    for args in plans(path):
        planned = run(*args)
        assert planned.code == 2, planned.err


# Protocols at the edge of every bound: they validate, so each plan ends in 0, 2 or 3.
EXTREMES = {
    "200 steps": chain(194),
    "windows of ten years": chain(1, offset=-3660, early=3660, late=3660, rule="nearest"),
    "a long chain of wide windows": chain(60, offset=1, late=60, rule="next"),
    "a chain that cannot meet its constraint": lambda doc: (
        chain(60, offset=1, late=40, rule="next")(doc),
        doc["constraints"].append(
            {
                "id": "never",
                "description": "cannot be met",
                "first": {"step": "washout"},
                "then": {"step": "visit-59"},
                "min": 3600,
            }
        ),
    ),
    "monthly visits for ten years": chain(4, offset=0, offset_months=30),
    "a parameter range of ten years": parameter("max", 3660),
}


@pytest.mark.parametrize("name", sorted(EXTREMES))
def test_what_validates_plans_or_fails_cleanly(run: Run, tmp_path: Path, name: str) -> None:
    path = write(tmp_path, EXTREMES[name])
    checked = run("protocols", "validate", path)
    assert checked.code == 0, checked.err
    for args in plans(path):
        result = run(*args)
        assert result.code in (0, 2, 3), result.err
        assert "internal error" not in result.err


def test_the_schema_documents_the_bounds() -> None:
    defs = json.loads(SCHEMA.read_text())["$defs"]
    offset = defs["Placement"]["properties"]["offset"]["anyOf"][0]
    assert (offset["minimum"], offset["maximum"]) == (-3660, 3660)
    assert (
        defs["Placement"]["properties"]["offset_months"]["maximum"] == 240
    )  # yearly follow-up to 15 years and beyond
    assert defs["Dose"]["properties"]["dose"]["maximum"] == 10_000
    assert defs["Alarm"]["properties"]["days_before"]["maximum"] == 366
    assert defs["Parameter"]["properties"]["max"]["maximum"] == 3660
    steps = json.loads(SCHEMA.read_text())["properties"]["steps"]
    assert steps["maxItems"] == 200
