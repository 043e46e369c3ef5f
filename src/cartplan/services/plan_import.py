"""Use case: `plan import FILE.csv` — one stored plan per row of a spreadsheet, in one
transaction.

Each row becomes the request `plan new` would get from its options (the columns are named like
them) and goes through the same path (services.plans.prepare; then repo.create_many writes the
rows repo.create writes, batched). Large files are planned in forked worker processes. A row
that cannot become a plan — an unknown protocol, a bad date, a wrong type, an infeasible plan, a
label used twice in the file or by an active stored plan — is reported with its line; nothing is
written unless every row is good, or the caller skips the bad ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan.errors import CartplanError, InputError
from cartplan.services.planning import PlanArgs

if TYPE_CHECKING:
    from cartplan.sources.csv_table import Row
    from cartplan.store.db import Db
    from cartplan.store.repo import NewPlanRows

# Columns, named like the options of `plan new` (without the dashes; `_` and `-` alike, any
# case), and the PlanArgs field each fills.
TEXT = {
    "label": "label",
    "protocol": "protocol",
    "start": "start",
    "infusion": "infusion",
    "sex": "sex",
    "birth-date": "birth_date",
    "creatinine": "creatinine",
    "disease": "disease",
    "name": "name",
    "mrn": "mrn",
    "bsa-formula": "bsa_formula",
    "crcl-weight": "crcl_weight",
}
WHOLE = {"age": "age"}
NUMBER = {"weight-kg": "weight_kg", "height-cm": "height_cm", "crcl-ml-min": "crcl_ml_min"}
FLAG = {"cns-involvement": "cns_involvement"}
MEDICATION = "medication"  # repeatable: several columns, or several items joined by ';'
SET = "set:"  # set:NAME -> --set NAME=VALUE
COLUMNS = (  # in the order the README lists them
    "label, protocol, start, infusion, sex, age, birth-date, weight-kg, height-cm, creatinine, "
    "crcl-ml-min, disease, cns-involvement, medication, name, mrn, bsa-formula, crcl-weight, "
    "set:NAME"
)
YES, NO = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0"}


class Site(NamedTuple):
    """What every row shares: the site's calendar and zone (the command's options)."""

    country: str | None = None
    subdiv: str | None = None
    closures: Path | Mapping[date, str] | None = None  # a file, or the site file's days
    tz: str | None = None
    today: str | None = None  # tests


class Column(NamedTuple):
    kind: str  # text, whole, number, flag, medication, set
    key: str  # the PlanArgs field, or the parameter of a set: column
    name: str  # as the header wrote it


class Imported(NamedTuple):
    line: int
    label: str
    plan_id: str
    protocol: str
    day0: date


class Bad(NamedTuple):
    line: int
    label: str | None
    error: CartplanError


class Report(NamedTuple):
    file: str
    rows: int  # data rows read
    imported: list[Imported]  # empty unless saved
    bad: list[Bad]  # by line
    saved: bool  # False: bad rows and no skip, nothing written


def columns(header: Row, where: str) -> list[Column]:
    """What each column of the header is; InputError with one line per problem."""
    out: list[Column] = []
    problems: list[str] = []
    for raw in header.cells:
        name = raw.strip()
        if name.lower().startswith(SET):
            key = name[len(SET) :].strip()
            if not key:
                problems.append(f"column '{raw}': name the parameter, e.g. set:washout_days")
            out.append(Column("set", key, name))
            continue
        norm = name.lower().removeprefix("--").replace("_", "-")
        for kind, names in (("text", TEXT), ("whole", WHOLE), ("number", NUMBER), ("flag", FLAG)):
            if norm in names:
                out.append(Column(kind, names[norm], norm))
                break
        else:
            if norm == MEDICATION:
                out.append(Column("medication", "medication", norm))
            else:
                problems.append(f"unknown column '{raw}'")
    seen: set[tuple[str, str]] = set()
    for c in out:
        if c.kind != "medication" and (c.kind, c.key) in seen and c.key:
            problems.append(f"column '{c.name}' appears twice")
        seen.add((c.kind, c.key))
    present = {c.key for c in out if c.kind == "text"}
    for needed in ("label", "protocol"):
        if needed not in present:
            problems.append(f"no '{needed}' column")
    if not {"start", "infusion"} & present:
        problems.append("no 'start' or 'infusion' column (each row gives one of them)")
    if problems:
        problems.append(f"the columns are {COLUMNS} (README: Importing plans)")
        raise InputError("\n".join(f"{where} line {header.line}: {p}" for p in problems))
    return out


def _number(name: str, text: str, whole: bool) -> float | int:
    value = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        number = int(value) if whole else float(value)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise InputError(f"{name}: '{text}' is not {kind}") from None
    if not math.isfinite(number):
        raise InputError(f"{name}: '{text}' is not a number")
    return number


def row_args(cols: list[Column], row: Row, site: Site) -> PlanArgs:
    """The request of one row, as `plan new` would get it from its options."""
    if len(row.cells) != len(cols):
        raise InputError(f"{len(row.cells)} cells, but the header names {len(cols)} columns")
    fields: dict[str, object] = {}
    sets: list[str] = []
    medications: list[str] = []
    cns = False
    for col, raw in zip(cols, row.cells, strict=True):
        text = raw.strip()
        if not text:
            continue
        if col.kind == "text":
            fields[col.key] = text
        elif col.kind in ("whole", "number"):
            fields[col.key] = _number(col.name, text, col.kind == "whole")
        elif col.kind == "flag":
            if text.lower() not in YES | NO:
                raise InputError(f"{col.name}: '{text}': write yes or no")
            cns = text.lower() in YES
        elif col.kind == "medication":
            medications += [m.strip() for m in text.split(";") if m.strip()]
        else:
            sets.append(f"{col.key}={text}")
    if ("start" in fields) == ("infusion" in fields):
        raise InputError("give exactly one of start (first washout day) or infusion (D0)")
    if "protocol" not in fields:
        raise InputError("no protocol")
    if "label" not in fields:
        raise InputError("no label: a stored plan needs the patient's pseudonymous label")

    def text_of(key: str) -> str | None:
        value = fields.get(key)
        return None if value is None else str(value)

    def number_of(key: str) -> float | None:
        value = fields.get(key)
        return None if value is None else float(value)  # type: ignore[arg-type]

    age = fields.get("age")
    return PlanArgs(
        protocol=str(fields["protocol"]),
        start=text_of("start"),
        infusion=text_of("infusion"),
        sets=sets or None,
        country=site.country,
        subdiv=site.subdiv,
        closures=site.closures,
        tz=site.tz,
        patient=None,
        label=text_of("label"),
        sex=text_of("sex"),
        age=None if age is None else int(age),  # type: ignore[call-overload]
        birth_date=text_of("birth_date"),
        weight_kg=number_of("weight_kg"),
        height_cm=number_of("height_cm"),
        creatinine=text_of("creatinine"),
        crcl_ml_min=number_of("crcl_ml_min"),
        disease=text_of("disease"),
        cns_involvement=cns,
        medication=medications or None,
        name=text_of("name"),
        mrn=text_of("mrn"),
        bsa_formula=text_of("bsa_formula"),
        crcl_weight=text_of("crcl_weight"),
        include_phi=False,
        today=site.today,
    )


class Planned(NamedTuple):
    """Every row planned (nothing written yet): the plans ready to store and the bad rows."""

    file: str
    rows: int
    made: list[tuple[int, NewPlanRows]]  # (line, the plan ready to store)
    bad: list[Bad]


PARALLEL_FROM = 1000  # rows: from here on rows are planned in worker processes (if forkable)
CHUNK = 250  # rows a worker plans at a time


class _Job(NamedTuple):
    """What planning a row needs besides the row (a forked worker inherits it)."""

    cols: list[Column]
    site: Site
    by: str
    reason: str | None
    now: datetime
    file_name: str
    lookups: Any  # services.plans.Lookups, filled before the workers fork


class _Failure(NamedTuple):
    """A row's error as it crosses from a worker process (errors built from a list of problems
    do not survive pickling as they are)."""

    kind: type[CartplanError]
    message: Any
    problems: list[Any] | None

    def error(self) -> CartplanError:
        if self.problems is not None:
            return self.kind(self.problems)  # type: ignore[arg-type]
        return self.kind(self.message)


_Outcome = tuple[int, "NewPlanRows | _Failure"]
_job: _Job | None = None  # the job of the running import, for forked workers


def _plan_one(job: _Job, row: Row) -> _Outcome:
    """One row through `plan new`'s path: the rows to store, or why not."""
    from cartplan.services import plans

    why = f"imported from {job.file_name} line {row.line}"
    try:
        args = row_args(job.cols, row, job.site)
        reason = f"{job.reason} ({why})" if job.reason else why
        rows, _ = plans.prepare(args, job.by, reason, job.now, job.lookups)
    except CartplanError as e:
        return row.line, _Failure(type(e), e.message, getattr(e, "problems", None))
    return row.line, rows  # the plan itself is not kept: 10,000 would not fit


def _plan_part(rows: list[Row]) -> list[_Outcome]:
    assert _job is not None  # noqa: S101 - set before the workers fork
    return [_plan_one(_job, row) for row in rows]


def _workers(rows: int) -> int:
    """Worker processes for this many rows: one per CPU this process may use (at most 4),
    where processes fork; else none (planned here)."""
    import multiprocessing
    import os

    if rows < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    n = min(cpus or 1, 4)
    return n if n > 1 else 0


def _in_workers(job: _Job, rows: list[Row], n: int) -> list[_Outcome]:
    """The rows planned by n forked workers (each inherits the job and its lookups)."""
    import multiprocessing

    global _job
    parts = [rows[k : k + CHUNK] for k in range(0, len(rows), CHUNK)]
    _job = job
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            return [o for part in pool.imap(_plan_part, parts) for o in part]
    finally:
        _job = None


def plan_rows(
    path: Path,
    site: Site,
    by: str,
    reason: str | None,
    now: datetime,
    workers: int | None = None,
) -> Planned:
    """Read the file and plan every row as `plan new` would (no store needed yet); from
    PARALLEL_FROM rows on, in worker processes (`workers`: how many; 0 plans here)."""
    from cartplan.services import plans
    from cartplan.services.planning import today_in
    from cartplan.sources.csv_table import read_table

    where = str(path)
    table = read_table(path, where)
    cols = columns(table.header, where)
    label_at = next(i for i, c in enumerate(cols) if c.kind == "text" and c.key == "label")
    protocol_at = next(i for i, c in enumerate(cols) if c.kind == "text" and c.key == "protocol")
    lookups = plans.Lookups()
    # the command's own options: a problem with them is one error, not one per row
    today_in(site.tz, site.today)
    lookups.calendar(site.country, site.subdiv, site.closures)
    bad: list[Bad] = []
    todo: list[Row] = []
    labels: dict[int, str] = {}
    first_line: dict[str, int] = {}
    for row in table.rows:
        cells = row.cells
        label = labels[row.line] = cells[label_at].strip() if label_at < len(cells) else ""
        if label in first_line:
            problem = (
                f"label {label} is already on line {first_line[label]} of this file; labels are "
                "unique among active plans"
            )
            bad.append(Bad(row.line, label, InputError(problem)))
        else:
            todo.append(row)
        if label:
            first_line.setdefault(label, row.line)
    job = _Job(cols, site, by, reason, now, path.name, lookups)
    n = _workers(len(todo)) if workers is None else workers
    if n:
        specs = {r.cells[protocol_at].strip() for r in todo if protocol_at < len(r.cells)}
        for spec in sorted(specs)[:50]:  # read once here, before the workers fork
            try:
                lookups.snapshot(spec)
            except CartplanError:
                pass  # each of its rows says why
        lookups.washout()
        outcomes = _in_workers(job, todo, n)
    else:
        outcomes = [_plan_one(job, row) for row in todo]
    made: list[tuple[int, NewPlanRows]] = []
    for line, outcome in outcomes:
        if isinstance(outcome, _Failure):
            bad.append(Bad(line, labels[line] or None, outcome.error()))
        else:
            made.append((line, outcome))
    bad.sort(key=lambda b: b.line)
    return Planned(where, len(table.rows), made, bad)


def save(db: Db, planned: Planned, skip_bad: bool) -> Report:
    """Store the planned rows in one transaction — all of them, or with `skip_bad` the good
    ones; without it, one bad row (a label an active stored plan has counts) means nothing is
    written."""
    from cartplan.store import repo

    bad = list(planned.bad)
    with db.writing():
        taken = repo.active_labels(db, [p.label for _, p in planned.made])
        good = []
        for line, p in planned.made:
            other = taken.get(p.label)
            if other is None:
                good.append((line, p))
                continue
            problem = (
                f"label {p.label} is already the label of active plan {other}; labels are "
                "unique among active plans (close that plan, or choose another label)"
            )
            bad.append(Bad(line, p.label, InputError(problem)))
        bad.sort(key=lambda b: b.line)
        if bad and not skip_bad:
            return Report(planned.file, planned.rows, [], bad, saved=False)
        repo.create_many(db, [p for _, p in good])
    imported = [
        Imported(line, p.label, p.plan_id, p.protocol_id, date.fromisoformat(p.first.day0))
        for line, p in good
    ]
    return Report(planned.file, planned.rows, imported, bad, saved=True)
