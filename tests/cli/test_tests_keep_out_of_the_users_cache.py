"""Tests, and the processes they start, use this run's own protocol cache, never the user's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cartplan.sources import catalogue


def test_in_process_the_cache_is_this_runs_folder(private_cache_dir: Path) -> None:
    assert os.environ["CARTPLAN_CACHE_DIR"] == str(private_cache_dir)
    assert catalogue.cache_dir() == private_cache_dir


def test_a_child_process_gets_the_same_folder(private_cache_dir: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cartplan.sources import catalogue; print(catalogue.cache_dir())",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert proc.stdout.strip() == str(private_cache_dir)
