"""The README's two set-up commands exist, and .ci/run runs the test command verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    main_job, tests = blocks[0].strip(), blocks[1].strip()
    assert main_job.endswith("cartplan schedule --protocol lupus-flucy --start 2025-05-01")
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()
