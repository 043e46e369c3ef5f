"""`cartplan protocols validate` catches each rule, naming file, step and field."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, Run

BROKEN = FIXTURES / "protocols" / "broken"

# fixture name -> words the one-line report must contain (besides the file name)
RULES = {
    "duplicate-step-id": "steps: id 'apheresis' is used 2 times",
    "unknown-step": "steps[infusion].placement.after: unknown step 'relase'",
    "unknown-reference": "steps[ld].regimen[0].references: unknown reference 'ref9'",
    "unknown-parameter": "steps[apheresis].placement.offset: 'washout_dayz' is neither",
    "dependency-cycle": "dependency cycle",
    "no-day0": "exactly one step must be the D0 anchor (day0: true); found 0",
    "two-day0": "exactly one step must be the D0 anchor (day0: true); found 2",
    "negative-window": "steps[apheresis].placement.late: window is -2 days",
    "default-out-of-range": "parameters[washout_days].default: 35 is outside its range 7–28",
    "undeclared-team": "steps[release].teams: team 'pharmacy' is not declared",
    "malformed-doi": "references[ref1].doi: 'doi.org/10.1000' is not a DOI",
    "reference-without-id": "references[ref1]: an article needs a pmid, a doi or a pmcid",
    "unknown-field": "steps[release].colour: unknown field",
    "duplicate-key": ":31: key 'stage' appears twice",
    "invalid-yaml": ":36: not valid YAML",
    "regimen-outside-step": "steps[ld].regimen[0].days: fludarabine on day(s) -6 outside",
    "incomplete-constraint": "constraints[ld-after-release]: give min, max or both",
    "two-start-steps": "exactly one step must start the plan",
    "id-mismatch": "id: 'something-else' does not match the file name",
}


def test_every_broken_fixture_has_a_rule() -> None:
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(RULES)


@pytest.mark.parametrize("name", sorted(RULES))
def test_validate_reports_the_broken_rule(run: Run, name: str) -> None:
    path = BROKEN / f"{name}.yaml"
    result = run("protocols", "validate", str(path))
    assert result.code == 2
    lines = [x for x in result.err.splitlines() if not x.startswith("cartplan: error:")]
    assert any(RULES[name] in x and str(path) in x for x in lines), result.err
    assert "Traceback" not in result.err


def test_the_base_fixture_is_valid(run: Run) -> None:
    result = run("protocols", "validate", str(FIXTURES / "protocols" / "valid" / "mini.yaml"))
    assert result.code == 0, result.err
    assert result.out.startswith("ok: ")


@pytest.mark.parametrize("name", ["unknown-step", "duplicate-key", "invalid-yaml"])
def test_scheduling_on_a_broken_file_is_one_line_and_exit_2(run: Run, name: str) -> None:
    result = run("schedule", "--protocol", str(BROKEN / f"{name}.yaml"), "--start", "2025-05-01")
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("cartplan: error: ")
