"""One calendar per team plus all.ics, --team filters, stdout, atomic writes, no PHI by default."""

from __future__ import annotations

from pathlib import Path

import icalendar

from tests.conftest import FIXTURES, TODAY, Run

BASE = ("schedule", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", TODAY)
PHI = ("Zebulon", "Quixotic", "Farnsworth", "MRN-9988776655", "1979-03-14", "19790314")


def summaries(path: Path) -> list[str]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return [str(e["summary"]) for e in cal.walk("VEVENT")]


def test_ics_dir_has_a_file_per_team_and_all(run: Run, tmp_path: Path) -> None:
    result = run(*BASE, "--ics-dir", str(tmp_path))
    assert result.code == 0, result.err
    names = sorted(p.name for p in tmp_path.glob("*.ics"))
    assert names == [
        "all.ics",
        "apheresis.ics",
        "cell-lab.ics",
        "coordinator.ics",
        "pharmacy.ics",
        "physicians.ics",
        "ward.ics",
    ]
    assert summaries(tmp_path / "apheresis.ics") == ["Leukapheresis D-25"]
    assert len(summaries(tmp_path / "all.ics")) == 46


def test_team_filter(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "pharmacy.ics"
    assert run(*BASE, "--ics", str(path), "--team", "pharmacy").code == 0
    titles = summaries(path)
    assert "Lymphodepletion D-5–D-3" in titles and "Leukapheresis D-25" not in titles
    bad = run(*BASE, "--ics", str(path), "--team", "kitchen")
    assert bad.code == 2 and "no such team" in bad.err


def test_ics_to_stdout(run: Run) -> None:
    result = run(*BASE, "--ics", "-")
    assert result.code == 0
    assert result.out.startswith("BEGIN:VCALENDAR")


def test_no_phi_in_any_calendar_without_include_phi(run: Run, tmp_path: Path) -> None:
    patient = str(FIXTURES / "patients" / "phi.yaml")
    assert run(*BASE, "--patient", patient, "--ics-dir", str(tmp_path)).code == 0
    for f in tmp_path.glob("*.ics"):
        text = f.read_text(encoding="utf-8").replace("\r\n ", "")  # unfold lines
        assert "P-PRIV-01" in text
        for secret in PHI:
            assert secret not in text, (f.name, secret)
    with_phi = tmp_path / "phi" / "all.ics"
    assert run(*BASE, "--patient", patient, "--ics", str(with_phi), "--include-phi").code == 0
    assert "Zebulon Quixotic-Farnsworth" in with_phi.read_text().replace("\r\n ", "")


def test_failed_write_leaves_no_partial_file(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    result = run(*BASE, "--ics", str(blocker / "plan.ics"))
    assert result.code == 4 and result.err.startswith("cartplan: error: cannot write")
    assert blocker.read_text() == "a file where a folder should be"


def test_failed_write_does_not_clobber_the_previous_file(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    assert run(*BASE, "--ics", str(target)).code == 0
    before = target.read_bytes()
    # the plan cannot be made (bad parameter): the calendar on disk must stay as it was
    assert run(*BASE, "--ics", str(target), "--set", "washout_days=99").code == 2
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]  # no temporary leftovers
