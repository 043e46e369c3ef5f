"""Daily checklists: the right windows on the right days, with frequencies and boxes."""

from __future__ import annotations

import re

import pytest

from cartplan.sources import catalogue

from tests.conftest import TODAY, Run

# CAR-T protocols with the usual windows from D0 (CRS, ICANS to D14; IEC-HS D4..D32); the
# T-cell engager watches after each dose and the mRNA product has no such windows (issue 12)
PROTOCOLS = [
    s.id
    for s in catalogue.available()
    if s.shipped and "iec-hs-watch" in {x.id for x in catalogue.load(s.id).steps}
]


def sheet(run: Run, pid: str, *args: str) -> str:
    result = run(
        "checklist", "-p", pid, "--start", "2025-05-01", "--today", TODAY, "--label", "P-CL", *args
    )
    assert result.code == 0, result.err
    return result.out


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_day_5_has_crs_and_icans_checks_with_frequencies(run: Run, pid: str) -> None:
    out = sheet(run, pid, "--day", "5")
    assert "* CRS watch — day 6 of 15" in out
    assert "* ICANS watch — day 6 of 15" in out
    assert "every 4 h (6×/day)" in out
    # the item's rows run to the next line indented 4 or less; a row's value fields may
    # continue on a line of their own (indented 8)
    vitals = re.split(r"\n {0,4}\S", out.split("every 4 h (6×/day)", 1)[1], maxsplit=1)[0]
    times = re.findall(r"^ {6}(\d\d:\d\d)(?: \w{3})? +\[ \]", vitals, re.MULTILINE)
    assert times == ["06:00", "10:00", "14:00", "18:00", "22:00", "02:00"]  # one row each
    assert vitals.count("[ ]") == 6 and vitals.count("SpO2 % ______") == 6
    # no age known: each score names the ages it is for
    assert "ICE score (10 points) and level of consciousness (age ≥ 13) — twice daily" in out
    assert "CAPD score (Cornell Assessment of Pediatric Delirium)" in out
    assert "IEC-HS" in out  # D4..D32 is open from day 4


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_day_10_includes_the_iec_hs_watch(run: Run, pid: str) -> None:
    out = sheet(run, pid, "--day", "10")
    assert "* IEC-HS watch — day 7 of 29" in out
    assert "! IF Ferritin rising" in out


@pytest.mark.parametrize("pid", PROTOCOLS)
def test_day_minus_10_has_no_post_infusion_monitoring(run: Run, pid: str) -> None:
    out = sheet(run, pid, "--day", "-10")
    for window in ("CRS watch", "ICANS watch", "IEC-HS watch", "LICATS watch"):
        assert window not in out
    assert "No post-infusion monitoring window is open today." in out


def test_doses_due_today_in_mg_with_a_patient(run: Run) -> None:
    out = sheet(
        run,
        "lupus-flucy",
        "--day",
        "-3",
        "--weight-kg",
        "70",
        "--height-cm",
        "170",
        "--crcl-ml-min",
        "90",
    )
    assert "dose: fludarabine: 45.5 mg (25 mg/m2)  [ ] given" in out
    assert "dose: cyclophosphamide: 1818 mg (1000 mg/m2)  [ ] given" in out


def test_infusion_day_lists_pre_infusion_checks_and_cell_dose(run: Run) -> None:
    out = sheet(
        run,
        "lupus-flucy",
        "--day",
        "0",
        "--weight-kg",
        "70",
        "--height-cm",
        "170",
        "--crcl-ml-min",
        "90",
    )
    assert "48 h afebrile before infusion" in out
    assert "CAR-T: 1x10^6 CAR-T cells/kg = 7x10^7 cells" in out


def test_children_are_checked_with_capd(run: Run) -> None:
    out = sheet(
        run,
        "jdm-flucy",
        "--day",
        "2",
        "--age",
        "8",
        "--weight-kg",
        "25",
        "--height-cm",
        "125",
        "--crcl-ml-min",
        "110",
    )
    assert "CAPD score (Cornell Assessment of Pediatric Delirium)" in out
    assert "ICE score (10 points)" not in out.split("! IF")[0]


def test_team_filter(run: Run) -> None:
    out = sheet(run, "lupus-flucy", "--day", "-5", "--team", "pharmacy")
    assert "Lymphodepletion" in out and "Irradiated blood" not in out
    assert (
        run(
            "checklist",
            "-p",
            "lupus-flucy",
            "--start",
            "2025-05-01",
            "--day",
            "1",
            "--team",
            "kitchen",
        ).code
        == 2
    )


def test_date_selects_the_same_sheet_as_its_day(run: Run) -> None:
    assert sheet(run, "lupus-flucy", "--date", "2025-06-21") == sheet(
        run, "lupus-flucy", "--day", "5"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--day", "1", "--from", "1", "--to", "2"), "give one of --day, --date, or --from/--to"),
        (("--from", "1"), "give both --from and --to"),
        (("--from", "5", "--to", "1"), "is before --from"),
        (("--day", "x1"), "is not a date"),
    ],
)
def test_bad_day_choices(run: Run, args: tuple[str, ...], words: str) -> None:
    result = run("checklist", "-p", "lupus-flucy", "--start", "2025-05-01", *args)
    assert result.code == 2 and words in result.err
