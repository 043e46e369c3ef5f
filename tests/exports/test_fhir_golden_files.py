"""The FHIR export of lupus-flucy for P-017 (170 cm / 70 kg, fixed clock) is pinned byte for byte;
re-exports are identical (ids are uuid5s of the plan id and step id) and --out writes the same."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import GOLDEN, Run
from tests.exports.helpers import PLAN, export

GOLDEN_FILE = GOLDEN / "fhir-lupus-flucy-P-017.json"


def test_matches_the_golden_file_exactly(run: Run) -> None:
    text, _ = export(run, *PLAN)
    assert text == GOLDEN_FILE.read_text(encoding="utf-8")


def test_reexport_is_identical(run: Run) -> None:
    assert export(run, *PLAN)[0] == export(run, *PLAN)[0]


def test_ids_follow_the_plan_id(run: Run) -> None:
    _, default = export(run, *PLAN)
    _, same = export(run, *PLAN, "--plan-id", "P-017:lupus-flucy")  # the default plan id
    _, other = export(run, *PLAN, "--plan-id", "P-017:lupus-flucy:2")
    urls = [e["fullUrl"] for e in default["entry"]]
    assert urls == [e["fullUrl"] for e in same["entry"]]
    assert all(u.startswith("urn:uuid:") for u in urls)
    changed = [a != b for a, b in zip(urls, [e["fullUrl"] for e in other["entry"]], strict=True)]
    assert changed == [True, False, True]  # the PlanDefinition belongs to the protocol


def test_out_writes_the_same_bundle(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "plan.fhir.json"
    result = run(
        "export", "fhir", "--now", "2025-04-01T09:00:00+00:00", *PLAN, "--out", str(target)
    )
    assert result.code == 0, result.err
    assert result.out == ""
    assert target.read_text(encoding="utf-8") == GOLDEN_FILE.read_text(encoding="utf-8")
