"""Help speaks the user's language: every option that takes a value shows what to give
(DATE, ID|FILE, TEAM, NAME=VALUE, FILE, ZONE, …), never a Python type (`<list[str]>`, `<str>`,
`[str]`, `<path>`) or a parameter name in braces (`{protocol}`); flags are plain flags."""

from __future__ import annotations

import re

import pytest

from tests.cli.helpers import COMMANDS, help_of, leaf_commands
from tests.conftest import Run

PYTHON_TYPES = re.compile(
    r"<[a-z_]+(\[[^\]]*\])?>"  # <str>, <list[str]>, <path>, <float>
    r"|\[(str|int|float|bool|Path)\]"  # [str]
    r"|\{[a-z_]+\}"  # {protocol}
    r"|\b(list|dict|tuple)\[|\bNoneType\b|\bPath\b"
)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "cartplan")
def test_help_has_no_python_types(run: Run, command: tuple[str, ...]) -> None:
    text = help_of(run, command)
    assert not PYTHON_TYPES.search(text), PYTHON_TYPES.findall(text)


def test_every_option_and_argument_names_what_it_takes() -> None:
    missing = []
    seen = 0
    for words, command in leaf_commands():
        for param in command.params:  # type: ignore[attr-defined]
            if getattr(param, "is_flag", False) or param.name == "help":
                continue
            seen += 1
            if not param.metavar:
                missing.append(f"cartplan {' '.join(words)}: {param.name}")
    assert seen > 60  # the planning options of schedule, checklist, publish and export fhir
    assert missing == []


def test_metavars_read_as_words(run: Run) -> None:
    text = help_of(run, ("schedule",))
    for shown in (
        "-p, --protocol ID|FILE",
        "--start DATE",
        "--infusion DATE",
        "--set NAME=VALUE",
        "--team TEAM",
        "--closures FILE",
        "--tz ZONE",
        "--patient FILE",
        "--format table|json|markdown|html",
        "--out FILE",
        "--creatinine 'VALUE UNIT'",
    ):
        assert shown in text, shown
    assert "--cns-involvement " in text and "--no-cns-involvement" not in text
    assert "--include-phi " in text and "--no-include-phi" not in text
    publish = help_of(run, ("publish",))
    assert "--caldav-url URL" in publish and "--caldav-password-file FILE" in publish
    assert "--timeout SECONDS" in publish
    checklist = help_of(run, ("checklist",))
    assert "--date DATE" in checklist and "--from N|DATE" in checklist
    assert "--format text|markdown|html" in checklist and "--paper a4|letter" in checklist


def test_arguments_show_their_metavar_in_usage_and_list(run: Run) -> None:
    show = help_of(run, ("protocols", "show"))
    assert show.startswith("Usage: cartplan protocols show [OPTIONS] ID|FILE\n")
    assert re.search(r"^  ID\|FILE\s+Protocol id or \.yaml path\.", show, re.M)
    validate = help_of(run, ("protocols", "validate"))
    assert validate.startswith("Usage: cartplan protocols validate [OPTIONS] [FILE...]\n")
    assert re.search(r"^  FILE\.\.\.\s+Protocol files", validate, re.M)


def test_checklist_team_filters_the_sheets_not_calendars(run: Run) -> None:
    text = " ".join(help_of(run, ("checklist",)).split())
    assert "--team TEAM Only the steps of this team on the sheets" in text
    assert "calendar" not in text
