"""protocols/ is package data: a wheel built from a clean copy carries every protocol file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_wheel_contains_every_protocol_and_the_schema(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".*_cache"),
    )
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(src)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    (wheel,) = out.glob("cartplan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"cartplan/protocols/{p.name}" for p in (ROOT / "protocols").glob("*.yaml")}
    assert len(shipped) == 13
    assert (
        shipped | {"cartplan/protocols/protocol.schema.json", "cartplan/data/washout.yaml"} <= names
    )
