"""Identifying values (name, record number, birth date) never appear in an error message, however
malformed; and a record number written as digits is text, as written (YAML reads 4711002233 as
a number and 0047110233 as octal)."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from tests.conftest import TODAY, Run

BASE = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
NAME, MRN, BORN = "Zebulon Quixotic-Farnsworth", "4711002233", "1961-07-23"


def patient(tmp_path: Path, text: str) -> str:
    path = tmp_path / "patient.yaml"
    path.write_text("label: P-PRIV-02\n" + text)
    return str(path)


def calendar_text(path: Path) -> str:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return "\n".join(str(e["description"]) for e in cal.walk("VEVENT"))


@pytest.mark.parametrize("mrn", [MRN, "0047110233", "4_711_002_233"])
def test_a_numeric_record_number_is_text_as_written(run: Run, tmp_path: Path, mrn: str) -> None:
    path = patient(tmp_path, f"phi: {{name: {NAME}, mrn: {mrn}}}\n")
    target = tmp_path / "plan.ics"
    result = run(*BASE, "--patient", path, "--ics", str(target), "--include-phi")
    assert result.code == 0, result.err
    assert f"mrn: {mrn}" in calendar_text(target)
    assert run(*BASE, "--patient", path, "--ics", str(target)).code == 0
    assert mrn not in calendar_text(target) and NAME not in calendar_text(target)


@pytest.mark.parametrize(
    "text",
    [
        f"phi: {{name: [{NAME}], mrn: {MRN}}}\n",
        f"phi: {{name: {NAME}, mrn: [{MRN}]}}\n",
        f"phi: {{name: {{first: {NAME}}}, mrn: {{n: {MRN}}}}}\n",
        f"phi: {{mrn: {MRN}.5, name: 1961}}\n",
        f"phi: '{NAME} {MRN} {BORN}'\n",
        f"phi: [{NAME}, {MRN}]\n",
        f"phi: {{{NAME}: {MRN}}}\n",
        f"phi: {{birth_date: '{BORN}T25:00', name: {NAME}}}\n",
        f"phi: {{birth_date: '23.07.1961 {NAME}'}}\n",
        f"birth_date: '{BORN}x'\nphi: {{mrn: '{MRN}'}}\n",
        f"birth_date: [{BORN}]\n",
        f"birth_date: {{{BORN}: {MRN}}}\n",
        "phi: {birth_date: 2999-07-23}\n",
    ],
)
def test_malformed_phi_is_refused_without_echoing_it(run: Run, tmp_path: Path, text: str) -> None:
    result = run(*BASE, "--patient", patient(tmp_path, text))
    assert result.code == 2, result.err
    for value in (NAME, "Zebulon", MRN, BORN, "23.07.1961", "1961", "2999"):
        assert value not in result.err, (value, result.err)


@pytest.mark.parametrize(
    "flags",
    [
        ("--label", "X", "--birth-date", f"{BORN}!"),
        ("--label", "X", "--birth-date", "23.07.1961"),
        ("--label", "X", "--birth-date", "2961-07-23"),
        ("--label", "X", "--age", "30", "--birth-date", BORN),
    ],
)
def test_malformed_phi_flags_are_refused_without_echoing_them(
    run: Run, flags: tuple[str, ...]
) -> None:
    result = run(*BASE, *flags)
    assert result.code == 2, result.err
    for value in (BORN, "23.07.1961", "1961", "2961"):
        assert value not in result.err, (value, result.err)


def test_phi_of_the_wrong_type_with_name_and_mrn_flags(run: Run, tmp_path: Path) -> None:
    path = patient(tmp_path, f"phi: '{NAME}'\n")
    result = run(*BASE, "--patient", path, "--name", "Other Person", "--mrn", MRN)
    assert result.code == 2, result.err
    assert NAME not in result.err and MRN not in result.err and "Other Person" not in result.err
