"""`plan import FILE.csv` reads whatever file it is given — any bytes, any cells, any header —
and ends in a report or one `cartplan: error:` line per problem (exit 0 or 2), never a
traceback; a path that is not a regular file is refused with one line; UTF-8 with a byte-order
mark and semicolon-separated files (as spreadsheets save them) are read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Run

COLUMNS = [
    "label",
    "protocol",
    "start",
    "infusion",
    "sex",
    "age",
    "birth-date",
    "weight-kg",
    "height-cm",
    "creatinine",
    "crcl-ml-min",
    "cns-involvement",
    "medication",
    "bsa-formula",
    "set:washout_days",
    "set:apheresis.time",
    "set:nope",
]
CELL = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["lupus-flucy", "ssc-flucy", "2025-05-01", "2025-07-01", "F", "60", "yes"]),
    st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
    st.from_regex(r"-?\d{1,4}(\.\d)?", fullmatch=True),
)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def imported(run: Run, path: Path, db: Path, *extra: str) -> tuple[int, str, str]:
    result = run(
        "plan", "import", str(path), "--db", f"sqlite:///{db}", "--today", "2025-04-01", *extra
    )
    assert result.code in (0, 2), result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert all(line.startswith("cartplan: error: ") for line in result.err.splitlines())
    return result.code, result.out, result.err


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n\r') else cell


@SETTINGS
@given(
    header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8),
    rows=st.lists(st.lists(CELL, max_size=9), max_size=4),
    skip=st.booleans(),
)
def test_any_table_ends_in_a_report_or_one_line_errors(
    run: Run, tmp_path: Path, header: list[str], rows: list[list[str]], skip: bool
) -> None:
    path = tmp_path / "fuzz.csv"
    lines = [",".join(header), *(",".join(quoted(c) for c in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported(run, path, tmp_path / "fuzz.db", *(["--skip-bad"] if skip else []))


@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_end_in_a_report_or_one_line_errors(
    run: Run, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"label,protocol,start\n" + data)
    imported(run, path, tmp_path / "bytes.db", "--skip-bad")


def test_a_path_that_is_not_a_regular_file_is_refused_in_one_line(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path, kind in (
        (tmp_path, "a folder"),
        (fifo, "a FIFO"),
        (Path("/dev/zero"), "a character device"),
    ):
        result = run("plan", "import", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}")
        assert result.code == 2
        assert result.err == f"cartplan: error: {path}: {kind}, not a regular file; give a file\n"
    assert not (tmp_path / "x.db").exists()  # refused before the store was opened


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("label,protocol,start\nP-1,lupus-flucy,2025-05-01\n", "utf-8-sig"),
        (
            "label;protocol;start;sex;age;weight-kg;height-cm;creatinine\r\n"
            "P-1;lupus-flucy;2025-05-01;F;40;62,5;165;0.9 mg/dL\r\n",
            "utf-8",
        ),
        ("label\tprotocol\tstart\nP-1\tlupus-flucy\t2025-05-01\n", "utf-8"),
    ],
    ids=["bom", "semicolons-crlf-decimal-comma", "tabs"],
)
def test_spreadsheet_exports_are_read(run: Run, tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "plans.csv"
    path.write_bytes(text.encode(encoding))
    db = f"sqlite:///{tmp_path / 'p.db'}"
    result = run(
        "plan", "import", str(path), "--db", db, "--today", "2025-04-01", "--format", "json"
    )
    assert result.code == 0, result.err
    body = json.loads(result.out)
    assert [(i["line"], i["label"]) for i in body["imported"]] == [(2, "P-1")]
    if "weight-kg" in text:  # a decimal comma, as a semicolon-separated export writes it
        shown = json.loads(run("plan", "show", "P-1", "--db", db, "--format", "json").out)
        assert shown["patient"]["weight_kg"] == 62.5


def test_non_utf8_and_nul_are_refused_in_one_line(run: Run, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    for data, problem in (
        (b"label,protocol,start\nP-\xe9,lupus-flucy,2025-05-01\n", "not UTF-8 text (byte 24"),
        (b"label,protocol,start\nP-1\x00,lupus-flucy,2025-05-01\n", "holds NUL characters"),
    ):
        path = tmp_path / "plans.csv"
        path.write_bytes(data)
        result = run("plan", "import", str(path), "--db", db)
        assert result.code == 2
        assert result.err.startswith(f"cartplan: error: {path}: {problem}")
        assert result.err.count("\n") == 1


def test_the_readme_example_imports_as_written(run: Run, tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```csv\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    path = tmp_path / "patients.csv"
    path.write_text(example[1], encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'p.db'}"
    options = ("--tz", "Europe/Berlin", "--country", "DE", "--today", "2025-04-01")
    result = run("plan", "import", str(path), "--db", db, *options, "--format", "json")
    assert result.code == 0, result.err
    assert [i["label"] for i in json.loads(result.out)["imported"]] == ["P-017", "P-018", "P-019"]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (("--tz", "Nowhere/City"), "--tz Nowhere/City: unknown time zone"),
        (("--subdiv", "BY"), "--subdiv BY: give --country as well"),
        (("--closures", "/nonexistent"), "--closures /nonexistent: cannot read"),
    ],
)
def test_a_bad_site_option_is_one_error_not_one_per_row(
    run: Run, tmp_path: Path, options: tuple[str, ...], error: str
) -> None:
    path = tmp_path / "plans.csv"
    path.write_text("label,protocol,start\nP-1,lupus-flucy,2025-05-01\nP-2,ssc-flucy,2025-05-01\n")
    result = run("plan", "import", str(path), "--db", f"sqlite:///{tmp_path / 'p.db'}", *options)
    assert result.code == 2
    assert result.err.startswith(f"cartplan: error: {error}")
    assert result.err.count("\n") == 1
    assert not (tmp_path / "p.db").exists()
