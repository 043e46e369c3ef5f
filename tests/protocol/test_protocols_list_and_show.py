"""`protocols list` names every protocol; `show` gives ranges, timing, references, assumptions."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, Run


def test_list_names_every_shipped_protocol(run: Run) -> None:
    result = run("protocols", "list")
    assert result.code == 0
    ids = [line.split("\t")[0] for line in result.out.splitlines()]
    assert ids == sorted(
        [
            "jdm-flucy",
            "lupus-bcma-cd19",
            "lupus-cy-reduced",
            "lupus-flucy",
            "myositis-flucy",
            "ssc-3rdgen",
            "ssc-flucy",
            "allo-cd19",
            "carnk-cd19-sle",
            "lupus-flucy-retreat",
            "mrna-bcma-mg",
            "resecel-ssc",
            "teclistamab-ad",
        ]
    )


def test_show_gives_ranges_doses_references_and_assumptions(run: Run) -> None:
    out = run("protocols", "show", "lupus-flucy").out
    assert "washout_days = 21 days (allowed 7–28)" in out
    assert "fludarabine 25 mg/m2 on D-5, D-4, D-3" in out
    assert "cyclophosphamide 1000 mg/m2 on D-3" in out
    assert "DOI 10.1038/s41591-022-02017-5" in out
    assert "† " in out


def test_user_protocol_folder_is_searched_first(run: Run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mini.yaml").write_text(
        (FIXTURES / "protocols" / "valid" / "mini.yaml").read_text()
    )
    monkeypatch.setenv("CARTPLAN_PROTOCOL_PATH", str(tmp_path))
    listed = run("protocols", "list").out
    assert (
        f"mini\tv0.1\tautologous-car-t\tMinimal test protocol\t({tmp_path / 'mini.yaml'})" in listed
    )
    result = run("schedule", "-p", "mini", "--start", "2025-05-01", "--format", "json")
    assert result.code == 0, result.err
