"""A large file's rows are planned in worker processes: the rows to store and the reasons of
bad rows are exactly those one process makes (errors with a list of problems, such as a
patient's, cross back whole)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cartplan.errors import PatientError
from cartplan.services import plan_import

ROWS = [
    "P-1,lupus-flucy,2025-05-01,,F,40,60,165,0.9 mg/dL",
    "P-2,ssc-flucy,,2025-07-01,M,55,70,175,1.1 mg/dL",
    "P-3,lupus-flucy,2025-05-01,,F,-4,900,165,0.9 mg/dL",  # a patient with two problems
    "P-4,nope,2025-05-01,,,,,,",
    "P-5,lupus-flucy,,2025-05-03,,,,,",  # infeasible: a Saturday
    "P-1,lupus-flucy,2025-05-02,,,,,,",  # the label again
    "P-7,lupus-flucy,2025-05-09,,,,,,",
]


def test_workers_plan_what_one_process_plans(tmp_path: Path) -> None:
    path = tmp_path / "plans.csv"
    header = "label,protocol,start,infusion,sex,age,weight-kg,height-cm,creatinine\n"
    path.write_text(header + "\n".join(ROWS * 3) + "\n", encoding="utf-8")
    site = plan_import.Site(today="2025-04-01")
    now = datetime(2025, 4, 1, 9, tzinfo=UTC)
    alone = plan_import.plan_rows(path, site, "alice", None, now, workers=0)
    together = plan_import.plan_rows(path, site, "alice", None, now, workers=2)

    def made(planned: plan_import.Planned) -> list[tuple[object, ...]]:
        return [
            (line, p.label, p.protocol_id, p.request_content, p.first.content, p.first.detail)
            for line, p in planned.made
        ]

    def bad(planned: plan_import.Planned) -> list[tuple[object, ...]]:
        return [(b.line, b.label, type(b.error), str(b.error)) for b in planned.bad]

    assert made(together) == made(alone)
    assert [line for line, _ in alone.made] == [2, 3, 8]
    assert bad(together) == bad(alone)
    assert len(alone.bad) == 21 - 3
    patient = next(b.error for b in together.bad if b.line == 4)
    assert isinstance(patient, PatientError) and len(patient.problems) == 2
