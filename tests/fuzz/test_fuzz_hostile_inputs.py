"""The hostile-input campaign of issue 15, kept: arguments, patient files, protocol mutations,
closures, output targets and CalDAV URLs, each run through the real CLI and checked against
every invariant in `harness.check`.

A bounded sample runs with the normal test suite (the same inputs each time); the long run
explores new ones: `python -m pytest -m fuzz_long` (10,000 inputs).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartplan.sources import files

from tests.conftest import FIXTURES
from tests.fuzz.harness import BORN, MRN, NAME, check, invoke, snapshot
from tests.fuzz.strategies import (
    caldav_urls,
    closure_files,
    patient_files,
    planning_arguments,
    protocol_mutations,
)

MINI = yaml.safe_load((FIXTURES / "protocols" / "valid" / "mini.yaml").read_text())
PATIENT = (
    "label: P-FUZZ\nsex: F\nweight_kg: 60\nheight_cm: 165\ncrcl_ml_min: 90\n"
    f"phi: {{name: {NAME}, mrn: {MRN}, birth_date: {BORN}}}\n"
)
SECRET = "FuzzSecret-9c1"
ROOT = hasattr(os, "getuid") and os.getuid() == 0
encodings = st.sampled_from(["utf-8", "utf-8", "utf-8", "cp1252", "ascii"])


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CLOSED_PORT = closed_port()


def twice(
    examples: int, long_examples: int, **strategies: st.SearchStrategy[Any]
) -> Callable[[Callable[..., None]], tuple[Any, Any]]:
    """The test twice: a fixed sample run with every test run, and a long random run under
    the fuzz_long marker (deselected unless asked for)."""

    def make(body: Callable[..., None]) -> tuple[Any, Any]:
        def build(n: int, **extra: Any) -> Any:
            @settings(
                max_examples=n,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                print_blob=True,
                **extra,
            )
            @given(case=st.fixed_dictionaries(strategies))
            def test(case: dict[str, Any]) -> None:
                body(**case)

            test.__doc__ = body.__doc__
            return test

        short = build(examples, derandomize=True, database=None)
        return short, pytest.mark.fuzz_long(build(long_examples))

    return make


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh folder, also the working folder: relative outputs ('-' as a folder) land there."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="cartplan-fuzz-") as name:
        os.chdir(name)
        try:
            yield Path(name)
        finally:
            os.chdir(here)


def materialise(folder: Path, args: list[str], patient: str, closures: str, command: str) -> None:
    """Turn the placeholders in `args` into real files and folders inside `folder`."""

    def write(name: str, text: str) -> Path:
        path = folder / name
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        return path

    places: dict[str, Callable[[], Path | str]] = {
        "@patient": lambda: write("patient.yaml", patient),
        "@closures": lambda: write("closures.txt", closures),
        "@zero": lambda: "/dev/zero",
        "@fifo": lambda: _fifo(folder / "pipe"),
        "@dir": lambda: _mkdir(folder / "a-folder"),
        "@missing": lambda: folder / "missing.yaml",
        "@target": lambda: _target(folder, command),
        "@folder": lambda: _calendars(folder),
        "@blocked-folder": lambda: _calendars(folder, blocked=True),
        "@device": lambda: _device(folder),
        "@under-file": lambda: write("a-file", "x") / "plan.ics",
    }
    for i, arg in enumerate(args):
        if arg in places:
            args[i] = str(places[arg]())


def _fifo(path: Path) -> Path:
    if not path.exists():
        os.mkfifo(path)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir(exist_ok=True)
    return path


def _target(folder: Path, command: str) -> Path:
    path = folder / "out" / ("plan.ics" if command == "schedule" else "sheet.txt")
    path.parent.mkdir(exist_ok=True)
    if command == "schedule":
        path.write_bytes(PREVIOUS)
    return path


def _calendars(folder: Path, blocked: bool = False) -> Path:
    """Calendars from an earlier export; `blocked`: a folder where a team calendar goes."""
    path = folder / "calendars"
    if not path.exists():
        path.mkdir()
        for team in ("all", "ward", "pharmacy"):
            (path / f"{team}.ics").write_bytes(PREVIOUS)
        if blocked:
            (path / "apheresis.ics").mkdir()
    return path


def _device(folder: Path) -> Path | str:
    if not ROOT:
        return os.devnull  # not root: a regression could not replace it
    path = folder / "null"
    if not path.exists():
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return path


PREVIOUS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:old\r\nBEGIN:VEVENT\r\nUID:x@cartplan\r\n"
    b"DTSTAMP:20250101T000000Z\r\nSEQUENCE:not-a-number\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def run_and_check(
    folder: Path, args: list[str], encoding: str = "utf-8", secrets: tuple[str, ...] = ()
) -> int:
    before = snapshot(folder)
    result = invoke(args, encoding)
    after = snapshot(folder)
    check(
        result,
        include_phi="--include-phi" in args,
        secrets=secrets,
        before=before,
        after=after,
    )
    return result.code


# ---- arguments ----


def _arguments(case: list[str], patient: str, closures: str, encoding: str) -> None:
    """Planning commands with hostile options, files and output targets."""
    with workspace() as folder:
        args = list(case)
        materialise(folder, args, patient, closures, args[0])
        run_and_check(folder, args, encoding)


test_arguments, test_arguments_long = twice(
    600,
    3000,
    case=planning_arguments(),
    patient=st.one_of(st.just(PATIENT), patient_files()),
    closures=closure_files(),
    encoding=encodings,
)(_arguments)


# ---- patient files ----


def _patient_files(text: str, flags: list[str], encoding: str) -> None:
    """Patient profiles of every shape, with identifying data planted in them."""
    with workspace() as folder:
        path = folder / "patient.yaml"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        args = ["schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", "2025-04-01"]
        flags = [str(folder / "calendars") if f == "@calendars" else f for f in flags]
        run_and_check(folder, [*args, "--patient", str(path), *flags], encoding)


test_patient_files, test_patient_files_long = twice(
    500,
    2000,
    text=patient_files(),
    flags=st.sampled_from(
        [
            [],
            ["--format", "json"],
            ["--include-phi", "--format", "json"],
            ["--ics-dir", "@calendars"],
            ["--name", "Anna Example", "--mrn", "12345"],
            ["--medication", "rituximab:2025-03-10"],
            ["--birth-date", "9999-12-31"],
        ]
    ),
    encoding=encodings,
)(_patient_files)


# ---- protocol mutations ----


def _protocols(text: str, anchor: list[str]) -> None:
    """Mutated protocols: what validates plans or fails cleanly; what does not is bad input."""
    with workspace() as folder:
        path = folder / "mini.yaml"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        valid = run_and_check(folder, ["protocols", "validate", str(path)]) == 0
        young = ["--label", "P", "--age", "5", "--from", "-10", "--to", "60"]  # substitutions apply
        for args in (
            ["schedule", "-p", str(path), *anchor],
            ["schedule", "-p", str(path), "--infusion", "2025-09-01"],
            ["checklist", "-p", str(path), "--start", "2025-05-01", *young],
        ):
            code = run_and_check(folder, args)
            assert code in ((0, 2, 3) if valid else (2,)), (valid, code, args)


test_protocols, test_protocols_long = twice(
    200,
    2000,
    text=protocol_mutations(MINI),
    anchor=st.sampled_from(
        [["--start", "2025-05-01"], ["--start", "2025-05-03", "--country", "DE"]]
    ),
)(_protocols)


# ---- closures ----


def _closures(text: str, anchor: list[str]) -> None:
    """Closure files of every shape, forward and backward."""
    with workspace() as folder:
        path = folder / "closures.txt"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        args = ["schedule", "-p", "lupus-flucy", "--today", "2025-04-01", *anchor]
        run_and_check(folder, [*args, "--closures", str(path)])


test_closures, test_closures_long = twice(
    300,
    1200,
    text=closure_files(),
    anchor=st.sampled_from(
        [["--start", "2025-05-01"], ["--infusion", "2025-09-01"], ["--start", "2026-02-01"]]
    ),
)(_closures)


# ---- output targets ----


@contextmanager
def faults(fault: tuple[str, int, str] | None, folder: Path) -> Iterator[None]:
    """Make the n-th staged file or rename inside `folder` fail (disk full, permission denied)
    or be interrupted (SIGINT, SIGTERM): the paths a fuzzed input alone does not reach."""
    if fault is None:
        yield
        return
    where, at, what = fault
    calls = [0]
    real_stage, real_replace = files._stage, os.replace

    def trigger() -> None:
        calls[0] += 1
        if calls[0] != at:
            return
        if what.startswith("SIG"):
            os.kill(os.getpid(), getattr(signal, what))
        else:
            number = getattr(errno, what)
            raise OSError(number, os.strerror(number))

    def stage(tmp: Path, data: bytes) -> None:
        if where == "stage":
            real_stage(tmp, data[: len(data) // 2])  # half-written when the fault strikes
            trigger()
        real_stage(tmp, data)

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if where == "replace" and str(dst).startswith(str(folder)):
            trigger()
        real_replace(src, dst, *args, **kwargs)

    files._stage, os.replace = stage, replace  # type: ignore[assignment]
    try:
        yield
    finally:
        files._stage, os.replace = real_stage, real_replace  # type: ignore[assignment]


def _targets(
    command: str, option: str, target: str, extra: list[str], fault: tuple[str, int, str] | None
) -> None:
    """Calendars and checklists into files, folders, devices, FIFOs and stdout, with faults."""
    with workspace() as folder:
        args = [command, "-p", "lupus-flucy", "--start", "2025-05-01", "--today", "2025-04-01"]
        if command == "checklist":
            args += ["--day", "0"]
        args += ["--patient", "@patient", option, target, *extra]
        materialise(folder, args, PATIENT, "", command)
        with faults(fault, folder):
            run_and_check(folder, args)


FILE_TARGETS = ["@target", "-", "@fifo", "@dir", "@device", "@under-file", "@folder"]
FOLDER_TARGETS = ["@folder", "@folder", "@blocked-folder", "@under-file", "@target", "-"]
FAULTS = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(["stage", "replace"]),
        st.integers(1, 7),
        st.sampled_from(["ENOSPC", "EACCES", "EROFS", "SIGINT", "SIGTERM"]),
    ),
    st.tuples(st.just("replace"), st.integers(1, 7), st.sampled_from(["SIGINT", "SIGTERM"])),
)
test_targets, test_targets_long = twice(
    300,
    1000,
    output=st.one_of(
        st.tuples(st.just("schedule"), st.just("--ics-dir"), st.sampled_from(FOLDER_TARGETS)),
        st.tuples(st.just("schedule"), st.just("--ics"), st.sampled_from(FILE_TARGETS)),
        st.tuples(st.just("checklist"), st.just("--out"), st.sampled_from(FILE_TARGETS)),
    ),
    extra=st.sampled_from(
        [[], ["--include-phi"], ["--team", "ward"], ["--set", "washout_days=99"], ["--tz", "x"]]
    ),
    fault=FAULTS,
)(lambda output, extra, fault: _targets(*output, extra, fault))


# ---- CalDAV URLs ----


def _publish(url: str, password_in_file: bool) -> None:
    """CalDAV URLs of every shape; the password never shows, plain http only on loopback."""
    with workspace() as folder:
        args = ["publish", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", "2025-04-01"]
        args += ["--caldav-url", url, "--caldav-user", "coordinator", "--timeout", "1"]
        saved = os.environ.get("CARTPLAN_CALDAV_PASSWORD")
        if password_in_file:
            (folder / "pw").write_text(SECRET + "\n")
            args += ["--caldav-password-file", str(folder / "pw")]
            os.environ.pop("CARTPLAN_CALDAV_PASSWORD", None)
        else:
            os.environ["CARTPLAN_CALDAV_PASSWORD"] = SECRET
        try:
            code = run_and_check(folder, args, secrets=(SECRET, "FuzzSecret"))
        finally:
            if saved is None:
                os.environ.pop("CARTPLAN_CALDAV_PASSWORD", None)
            else:
                os.environ["CARTPLAN_CALDAV_PASSWORD"] = saved
        assert code in (2, 6), (url, code)  # refused, or nothing listens on that port


test_publish, test_publish_long = twice(
    100, 800, url=caldav_urls(CLOSED_PORT), password_in_file=st.booleans()
)(_publish)
