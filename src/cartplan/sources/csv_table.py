"""A CSV file read as a header and rows, each row with the line it starts on.

The file is a bounded regular file (sources.files), UTF-8 with or without a byte-order mark.
The delimiter is the one the header row uses: a comma, else a semicolon or a tab (spreadsheets
in many countries save with semicolons). Blank lines are skipped; a quoted cell may span lines.
Nothing in the file is ever run or evaluated: cells are text.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from cartplan.errors import InputError
from cartplan.sources.files import MiB, read_text

CSV_LIMIT = 32 * MiB  # a wide spreadsheet of MAX_ROWS rows fits many times over
MAX_ROWS = 20_000  # rows in one file: planning time and memory (~25 KB a row) stay bounded
MAX_CELL = 10_000  # characters in one cell


class Row(NamedTuple):
    line: int  # the line of the file the row starts on (the header is line 1)
    cells: list[str]


class Table(NamedTuple):
    header: Row
    rows: list[Row]


def read_table(path: Path, label: str | None = None) -> Table:
    """The header row and the data rows of a CSV file; InputError (one line, with the line
    number) for a file that is not CSV text."""
    import csv
    import io

    where = label if label is not None else str(path)
    text = read_text(path, CSV_LIMIT, where).removeprefix("\ufeff")
    if "\x00" in text:
        raise InputError(f"{where}: holds NUL characters; not a CSV text file")
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    header: Row | None = None
    done = 0
    limit = csv.field_size_limit(MAX_CELL)  # process-wide: put back below
    try:
        for cells in reader:
            line, done = done + 1, reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue  # a blank line, or a row of empty cells a spreadsheet left
            if header is None:
                header = Row(line, cells)
                continue
            if len(rows) >= MAX_ROWS:
                raise InputError(f"{where}: more than {MAX_ROWS:,} rows; import the file in parts")
            rows.append(Row(line, cells))
    except csv.Error as e:
        raise InputError(f"{where} line {reader.line_num}: not CSV: {e}") from None
    finally:
        csv.field_size_limit(limit)
    if header is None:
        raise InputError(f"{where}: empty; the first row names the columns (label,protocol,…)")
    return Table(header, rows)
