"""Nothing cartplan prints carries a control character from data: escape sequences in step
titles, closure reasons, file names and labels could retitle the window, clear the screen or
hide text. They are shown as \\uXXXX (a valid escape inside JSON strings, so JSON still reads
back the same); tab and newline stay."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cartplan.views.terminal import visible

from tests.conftest import FIXTURES, TODAY, Result, Run

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
EVIL = "\x1b]0;PWNED\x07\x1b[2J\x1b[8mhidden\x9b31m\u202e\r"
EVIL_YAML = r"\e]0;PWNED\a\e[2J\e[8mhidden\x9b31m\u202e\r"


def clean(result: Result) -> None:
    for stream in (result.out.replace("\r\n", "\n"), result.err):
        assert not CONTROL.search(stream), repr(CONTROL.findall(stream))


@pytest.fixture
def protocol(tmp_path: Path) -> Path:
    text = (FIXTURES / "protocols" / "valid" / "mini.yaml").read_text()
    text = text.replace("title: Apheresis", f'title: "Apheresis {EVIL_YAML}"')
    text = text.replace("title: Minimal test protocol", f'title: "Minimal {EVIL_YAML}"')
    path = tmp_path / "mini.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def closures(tmp_path: Path) -> Path:
    path = tmp_path / "closures.txt"
    path.write_bytes(f"2025-05-22 Strike {EVIL}\n".encode())
    return path


def test_visible_escapes_controls_and_keeps_tab_and_newline() -> None:
    assert visible("a\x1b[2Jb\tc\nd\x9be\x7f") == "a\\u001b[2Jb\tc\nd\\u009be\\u007f"


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_step_titles_and_closure_reasons(
    run: Run, protocol: Path, closures: Path, fmt: str
) -> None:
    args = ("schedule", "-p", str(protocol), "--start", "2025-05-01", "--today", TODAY)
    result = run(*args, "--closures", str(closures), "--format", fmt, "--label", f"P{EVIL}")
    assert result.code == 0, result.err
    clean(result)
    if fmt == "json":
        events = json.loads(result.out)["events"]
        assert any(e["title"] == f"Apheresis {EVIL}" for e in events)  # same data, escaped
        assert any(f"Strike {EVIL.strip()}" in n for e in events for n in e["notes"])
    else:
        assert "\\u001b" in result.out and "PWNED" in result.out


def test_calendar_on_stdout(run: Run, protocol: Path, closures: Path) -> None:
    args = ("schedule", "-p", str(protocol), "--start", "2025-05-01", "--today", TODAY)
    result = run(*args, "--closures", str(closures), "--label", f"P{EVIL}", "--ics", "-")
    assert result.code == 0 and result.out.startswith("BEGIN:VCALENDAR")
    clean(result)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_checklists(run: Run, protocol: Path, fmt: str) -> None:
    args = ("checklist", "-p", str(protocol), "--start", "2025-05-01", "--today", TODAY)
    result = run(*args, "--from", "-30", "--to", "0", "--format", fmt, "--label", f"P{EVIL}")
    assert result.code == 0, result.err
    clean(result)


def test_protocol_commands(run: Run, protocol: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTPLAN_PROTOCOL_PATH", str(protocol.parent))
    for args in (("protocols", "show", str(protocol)), ("protocols", "list")):
        result = run(*args)
        assert result.code == 0, result.err
        clean(result)
    broken = protocol.parent / f"bad{EVIL[:9]}.yaml"
    broken.write_text(protocol.read_text().replace("doi: 10.1000/test.1", f'doi: "{EVIL_YAML}"'))
    for args in (("protocols", "validate", str(broken)), ("protocols", "list")):
        result = run(*args)
        assert "PWNED" in result.out + result.err
        clean(result)


@pytest.mark.parametrize(
    "args",
    [
        ("--patient", f"/nonexistent/{EVIL}.yaml"),
        ("--closures", f"{EVIL}.txt"),
        ("--start", EVIL),
        ("--set", f"x{EVIL}=1"),
        ("--country", EVIL),
        ("--label", EVIL * 5),
        (f"--{EVIL}",),
    ],
)
def test_file_names_and_values_in_errors(run: Run, args: tuple[str, ...]) -> None:
    anchor = () if args[0] == "--start" else ("--start", "2025-05-01")
    result = run("schedule", "-p", "lupus-flucy", "--today", TODAY, *anchor, *args)
    assert result.code == 2
    assert result.err.startswith("cartplan: error: ") and "PWNED" in result.err
    clean(result)


@pytest.mark.parametrize("separator", ["\x0b", "\x1c", "\x85", "\u2028", "\u2029"])
def test_error_lines_stay_one_per_problem(run: Run, separator: str) -> None:
    result = run("schedule", "--start", "2025-05-01", "-p", f"/nonexistent/a{separator}b.yaml")
    assert result.code == 2 and "no such protocol file" in result.err
    assert len(result.err.splitlines()) == 1  # str.splitlines splits at each of them
    clean(result)


def test_publish_messages(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTPLAN_CALDAV_PASSWORD", "x")
    args = ("publish", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
    result = run(*args, "--caldav-url", f"http://host{EVIL}/", "--caldav-user", "u")
    assert result.code == 2
    clean(result)


def test_patient_file_values(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f'label: "{EVIL_YAML}"\nsex: "{EVIL_YAML}"\n')
    result = run("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--patient", str(path))
    assert result.code == 2
    clean(result)
