"""Whatever the environment does, cartplan ends with a documented exit code and one clear line,
never an internal error (exit 70): keys of the wrong type beside flags, numbers beyond Python's
4300 digits, a password file that is not UTF-8, an output encoding without '→' (cp1252 on
Windows, ASCII), stdout closed, full or gone, and no home folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TODAY, Run

PLAN = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
HUGE = "9" * 5000


def cartplan(
    *args: str, env: dict[str, str] | None = None, shell_redirect: str = ""
) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "cartplan", *args]
    if shell_redirect:  # e.g. '>&-' to start with stdout closed
        command = ["sh", "-c", f'exec "$0" "$@" {shell_redirect}', *command]
    return subprocess.run(command, capture_output=True, env=env or dict(os.environ), timeout=60)


def patient(tmp_path: Path, text: str) -> str:
    path = tmp_path / "patient.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("phi", ["'Anna'", "[Anna, 47]", "47", "true"])
def test_phi_of_the_wrong_type_beside_name_and_mrn(run: Run, tmp_path: Path, phi: str) -> None:
    path = patient(tmp_path, f"label: P1\nphi: {phi}\n")
    result = run(*PLAN, "--patient", path, "--name", "Anna Example", "--mrn", "47")
    assert result.code == 2, result.err
    assert "phi: a mapping" in result.err


@pytest.mark.parametrize("medications", ["rituximab", "12", "{drug: rituximab}", "true"])
def test_medications_of_the_wrong_type_beside_medication_flags(
    run: Run, tmp_path: Path, medications: str
) -> None:
    path = patient(tmp_path, f"label: P1\nmedications: {medications}\n")
    result = run(*PLAN, "--patient", path, "--medication", "rituximab:2025-03-10")
    assert result.code == 2, result.err
    assert "medications: a list" in result.err


@pytest.mark.parametrize(
    "where",
    [
        ("patient", f"label: P1\nage: {HUGE}\n"),
        ("patient", f'{{"label": "P1", "weight_kg": {HUGE}}}\n'),
        ("patient", f"label: P1\nweight_kg: {HUGE}.5\n"),
        ("protocol", None),
    ],
)
def test_numbers_longer_than_python_reads(
    run: Run, tmp_path: Path, where: tuple[str, str | None]
) -> None:
    kind, text = where
    if kind == "patient":
        assert text is not None
        result = run(*PLAN, "--patient", patient(tmp_path, text))
    else:
        from tests.conftest import FIXTURES

        path = tmp_path / "mini.yaml"
        mini = (FIXTURES / "protocols" / "valid" / "mini.yaml").read_text()
        path.write_text(mini.replace("offset: 10,", f"offset: {HUGE},"))
        result = run("schedule", "-p", str(path), "--start", "2025-05-01")
    assert result.code == 2, result.err
    assert HUGE not in result.err


@pytest.mark.parametrize(
    "flags",
    [("--label", "P1", "--age", HUGE), ("--set", f"washout_days={HUGE}"), ("--weight-kg", HUGE)],
)
def test_numbers_longer_than_python_reads_on_the_command_line(
    run: Run, flags: tuple[str, ...]
) -> None:
    result = run(*PLAN, *flags)
    assert result.code == 2, result.err


@pytest.mark.parametrize("zone", ["a" * 300, "Europe/" + "x" * 300, "../" * 100 + "etc"])
@pytest.mark.parametrize("where", ["flag", "patient"])
def test_a_time_zone_name_too_long_for_a_file_name(
    run: Run, tmp_path: Path, zone: str, where: str
) -> None:
    base = (
        "schedule",
        "-p",
        "lupus-flucy",
        "--start",
        "2025-05-01",
        "--set",
        "apheresis.time=08:30",
    )
    if where == "flag":  # no --today: today is read in this zone
        result = run(*base, "--tz", zone)
    else:  # the patient's zone, for the timed appointment in the calendar
        path = patient(tmp_path, f"label: P1\ntimezone: '{zone}'\n")
        result = run(*base, "--today", TODAY, "--patient", path, "--ics", "-")
    assert result.code == 2, result.err
    assert "unknown time zone" in result.err or "give --tz" in result.err


@pytest.mark.parametrize("now", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00", "x"])
def test_a_calendar_clock_beyond_the_calendar(run: Run, now: str) -> None:
    result = run(*PLAN, "--ics", "-", "--now", now)
    assert result.code == 2 and "--now" in result.err


def test_a_password_file_that_is_not_utf8(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARTPLAN_CALDAV_PASSWORD", raising=False)
    secret = tmp_path / "pw"
    secret.write_bytes(b"p\xe4ssw\xf6rd\n")  # latin-1
    args = ("publish", *PLAN[1:], "--caldav-url", "http://127.0.0.1:9/", "--caldav-user", "u")
    result = run(*args, "--caldav-password-file", str(secret))
    assert result.code == 2 and "not UTF-8 text" in result.err
    assert "p\ufffdssw" not in result.err and "päss" not in result.err


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
@pytest.mark.parametrize(
    "args",
    [
        PLAN,
        (*PLAN, "--format", "markdown"),
        (*PLAN, "--format", "json"),
        ("protocols", "show", "lupus-flucy"),
        ("checklist", *PLAN[1:], "--from", "-1", "--to", "1"),
        ("checklist", *PLAN[1:], "--day", "0", "--format", "markdown"),
        (*PLAN, "--set", "washout_days=99"),  # an error line with an en dash: 7–28
    ],
)
def test_an_output_encoding_without_unicode_arrows(encoding: str, args: tuple[str, ...]) -> None:
    result = cartplan(*args, env={**os.environ, "PYTHONIOENCODING": encoding})
    assert result.returncode in (0, 2), result.stderr
    for stream in (result.stdout, result.stderr):
        text = stream.decode(encoding)  # every byte is in the encoding
        assert "Traceback" not in text and "internal error" not in text
        assert text.count("?") < 5, text  # readable replacements, not question marks
    if args == PLAN:
        assert b"-> Wed 2025-05-21" in result.stdout


def test_stdout_closed() -> None:
    result = cartplan(*PLAN, shell_redirect=">&-")
    assert result.returncode == 4
    assert result.stderr == b"cartplan: error: cannot write to stdout: it is closed\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [PLAN, (*PLAN, "--ics", "-"), ("protocols", "schema")])
def test_stdout_full(args: tuple[str, ...]) -> None:
    result = cartplan(*args, shell_redirect=">/dev/full")
    assert result.returncode == 4, result.stderr
    assert result.stderr == b"cartplan: error: cannot write to stdout: No space left on device\n"


def test_stdout_gone_mid_output() -> None:
    """A reader that stops early (`cartplan … | head -1`) is not an error."""
    command = [sys.executable, "-m", "cartplan", "protocols", "schema"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(10)
        proc.stdout.close()
        err = proc.stderr.read()
        code = proc.wait(timeout=60)
    assert code == 0 and err == b""


HOMELESS = """
import pwd, sys
def nobody(uid):
    raise KeyError(f"getpwuid(): uid not found: {uid}")
pwd.getpwuid = nobody  # a user without an entry, and HOME unset: Path.home() raises
from cartplan import cli
cli.main(sys.argv[1:])
"""


def test_no_home_folder() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HOME", "XDG_CACHE_HOME", "CARTPLAN_CACHE_DIR")
    }
    result = subprocess.run(
        [sys.executable, "-c", HOMELESS, *PLAN], capture_output=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert b"Leukapheresis" in result.stdout
