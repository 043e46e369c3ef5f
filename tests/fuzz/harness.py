"""Run the real CLI in-process on hostile input and check what every run must guarantee.

Each run gets its own stdout and stderr (in a chosen encoding), a wall-clock bound and an
address-space bound; `check` then asserts the campaign's invariants: an exit code from the
documented set (never 70), no traceback, one `cartplan: error:` line per problem, no planted
identifying data without --include-phi, no control characters, and no half-written file.
"""

from __future__ import annotations

import io
import os
import re
import resource
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cartplan import cli

DOCUMENTED = {0, 2, 3, 4, 5, 6, 130, 143}  # README: exit codes
SECONDS = 30.0  # per run, on a busy two-core machine
MEMORY = 2 << 30  # address space a run may add

# Identifying data planted in patient files; fuzzed values never contain these.
NAME, MRN, BORN = "Quirinus Zebedee-Pfefferkorn", "4711002233", "1961-07-23"
PLANTED = (NAME, "Zebedee", MRN, BORN)

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")


class Hang(BaseException):
    """A run took longer than SECONDS (a BaseException: the CLI's handler must not catch it)."""


@dataclass
class Outcome:
    args: tuple[str, ...]
    code: int
    out: str
    err: str
    seconds: float


@contextmanager
def bounded() -> Iterator[None]:
    """Wall clock and address space limits for one run."""

    def expire(_signum: int, _frame: object) -> None:
        raise Hang(f"no result within {SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = used + MEMORY if hard == resource.RLIM_INFINITY else min(used + MEMORY, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def invoke(args: list[str], encoding: str = "utf-8") -> Outcome:
    """`cartplan ARGS…` in this process, as the console script runs it."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding=encoding, write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding=encoding, write_through=True)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    started = time.monotonic()
    code: object = None
    try:
        with bounded():
            cli.main(list(args))
    except SystemExit as e:
        code = e.code
    finally:
        sys.stdout, sys.stderr = saved
    took = time.monotonic() - started
    return Outcome(
        tuple(args),
        code if isinstance(code, int) else -1,
        out_bytes.getvalue().decode(encoding, "replace"),
        err_bytes.getvalue().decode(encoding, "replace"),
        took,
    )


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Names in `folder` (recursively) with the bytes of regular files, the kind of others."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            out[name] = f"link->{os.readlink(path)}"
        elif path.is_file():
            out[name] = path.read_bytes()
        elif path.is_dir():
            out[name] = "dir"
        else:
            out[name] = "special"
    return out


def check(
    result: Outcome,
    *,
    include_phi: bool = False,
    secrets: tuple[str, ...] = (),
    before: dict[str, bytes | str] | None = None,
    after: dict[str, bytes | str] | None = None,
) -> None:
    """The campaign's invariants for one run (see the module notes)."""
    where = f"cartplan {' '.join(repr(a) for a in result.args)}\n{result.err}"
    assert result.code in DOCUMENTED, where
    assert "Traceback" not in result.err + result.out, where
    assert "internal error" not in result.err, where
    assert result.seconds < SECONDS, where
    command = result.args[:2]
    if result.code != 0 and command != ("protocols", "validate"):
        lines = result.err.splitlines()
        assert lines and all(x.startswith("cartplan: error: ") for x in lines), where
    for value in (*PLANTED, *secrets):
        assert value not in result.err, (value, where)
        if not include_phi or value in secrets:
            assert value not in result.out, (value, where)
    shown = result.out.replace("\r\n", "\n") if "-" in result.args else result.out
    for stream in (shown, result.err):
        found = CONTROL.findall(stream)
        assert not found, (found, where)
    if before is not None and after is not None:
        files_are_whole(result, before, after, include_phi)


def files_are_whole(
    result: Outcome,
    before: dict[str, bytes | str],
    after: dict[str, bytes | str],
    include_phi: bool,
) -> None:
    where = f"cartplan {' '.join(repr(a) for a in result.args)}\n{result.err}"
    left = [n for n in after if TEMPORARY.match(Path(n).name)]
    assert not left, (left, where)
    for name, kind in before.items():
        if isinstance(kind, str):  # folders, links, FIFOs and devices are never replaced
            assert after.get(name) == kind, (name, where)
    if result.code != 0:  # nothing changed, nothing new (but a folder made for the output)
        changed = [n for n in before if after.get(n) != before[n]]
        changed += [n for n in after if n not in before and after[n] != "dir"]
        assert not changed, ("changed although the run failed", changed, where)
        return
    for name, data in after.items():
        if not isinstance(data, bytes) or data == before.get(name):
            continue
        if name.endswith(".ics"):
            assert data.startswith(b"BEGIN:VCALENDAR\r\n"), (name, where)
            assert data.endswith(b"END:VCALENDAR\r\n"), (name, where)
        if not include_phi:
            for value in PLANTED:
                assert value.encode() not in data, (value, name, where)
