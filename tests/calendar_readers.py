"""Read .ics files as three independent parsers do: icalendar, vobject, and Thunderbird's ical.js."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn

import pytest

# ical.js, pinned in package.json beside inspect.cjs, is installed on first use into a cache
# folder outside the checkout: $CARTPLAN_ICALJS_CACHE, else $XDG_CACHE_HOME or ~/.cache.
ICALJS = Path(__file__).parent / "icaljs"
CACHE_ENV = "CARTPLAN_ICALJS_CACHE"


def in_ci() -> bool:
    """CI is set (to anything but 0/false), as CI services and .ci/run do."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def tool_missing(reason: str) -> NoReturn:
    """The one rule for a check whose external tool is absent: skip it, but fail it in CI, which
    has the tool and must run every check."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: this check must run, not skip)", pytrace=False)
    pytest.skip(reason)


_install_errors: dict[Path, str] = {}


def icaljs_install() -> Path:
    """The folder holding node_modules/ical.js at the version package.json pins; installs it with
    npm on first use, under a lock so that parallel test runs neither clash nor install twice."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        tool_missing(f"ical.js checks need node and npm; not found on PATH: {', '.join(missing)}")
    spec = (ICALJS / "package.json").read_bytes()
    base = Path(
        os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    )
    target = base / f"cartplan-icaljs-{hashlib.sha256(spec).hexdigest()[:16]}"
    if target in _install_errors:  # one failed npm install per run is enough
        pytest.fail(_install_errors[target], pytrace=False)
    if _installed(target, spec):
        return target
    base.mkdir(parents=True, exist_ok=True)
    with _locked(base / f"{target.name}.lock"):
        if _installed(target, spec):  # another run installed it while we waited
            return target
        staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=base))
        try:
            (staging / "package.json").write_bytes(spec)
            proc = subprocess.run(
                [
                    str(shutil.which("npm")),
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--no-package-lock",
                    "--ignore-scripts",
                    "--loglevel=error",
                ],
                cwd=staging,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if proc.returncode != 0 or not _installed(staging, spec):
                _install_errors[target] = (
                    f"npm install of ical.js for {target} failed (exit {proc.returncode}):\n"
                    + (proc.stdout + proc.stderr)[-2000:]
                )
                pytest.fail(_install_errors[target], pytrace=False)
            shutil.rmtree(target, ignore_errors=True)  # a damaged or partial earlier install
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _installed(folder: Path, spec: bytes) -> bool:
    """Whether folder holds every pinned package at its pinned version."""
    for name, version in json.loads(spec)["dependencies"].items():
        try:
            meta = json.loads((folder / "node_modules" / name / "package.json").read_text())
        except (OSError, ValueError):
            return False
        if meta.get("version") != version:
            return False
    return True


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on path across processes, held for the with-block."""
    import fcntl  # POSIX; imported here so that the other readers work everywhere

    with path.open("a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def instant(value: date | datetime) -> str:
    """A DTSTART/DTEND as comparable text: the date for all-day, the UTC instant otherwise."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def with_icalendar(data: bytes) -> dict[str, tuple[str, str]]:
    import icalendar

    cal = icalendar.Calendar.from_ical(data)
    return {
        str(e["uid"]): (instant(e["dtstart"].dt), instant(e["dtend"].dt))
        for e in cal.walk("VEVENT")
    }


def with_vobject(data: bytes) -> dict[str, tuple[str, str]]:
    import vobject

    cal = vobject.readOne(data.decode(), validate=True)  # strict: raises on RFC violations
    return {
        e.uid.value: (instant(e.dtstart.value), instant(e.dtend.value)) for e in cal.vevent_list
    }


def icaljs_inspect(path: Path) -> dict[str, Any]:
    """One file as ical.js reads it, problems and all (tests/icaljs/inspect.cjs)."""
    install = icaljs_install()  # skips, or fails in CI, without node and npm
    proc = subprocess.run(
        [str(shutil.which("node")), str(ICALJS / "inspect.cjs"), str(install), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode in (0, 1) and proc.stdout, proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.splitlines()[0])
    assert (proc.returncode == 0) == (not result["problems"]), proc.stdout + proc.stderr
    return result


def with_icaljs(path: Path) -> dict[str, Any]:
    """One file's result from ical.js; fails the test on any RFC 5545 problem it reports."""
    result = icaljs_inspect(path)
    assert result["problems"] == [], result.get("error", "")
    return result


def icaljs_instants(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    def one(t: dict[str, Any]) -> str:
        if t["isDate"]:
            return str(t["value"])
        return datetime.fromisoformat(t["utc"].replace("Z", "+00:00")).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )

    return {i["uid"]: (one(i["start"]), one(i["end"])) for i in result["items"]}
