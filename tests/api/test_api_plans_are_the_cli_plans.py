"""One path to a plan: what cartplan.api makes from a request is, byte for byte, what
`cartplan schedule --format json` prints for the same request (patients as files, mappings or
models; sites as flags, Site values or a calendar object; --set as overrides)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from cartplan import api
from cartplan.schedule.plan import MondayToFriday

from tests.conftest import FIXTURES, TODAY, Run

STANDARD = FIXTURES / "patients" / "standard.yaml"
PHI = FIXTURES / "patients" / "phi.yaml"
DAY = date.fromisoformat(TODAY)


def cli_json(run: Run, *args: str) -> str:
    result = run("schedule", "--today", TODAY, "--format", "json", *args)
    assert result.code == 0, result.err
    return result.out


def patient_file(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def closures(tmp_path: Path) -> Path:
    path = tmp_path / "closures.txt"
    path.write_text("2025-05-22 staff day\n2025-06-16..2025-06-17 ward move\n")
    return path


CLOSED = {
    date(2025, 5, 22): "staff day",
    date(2025, 6, 16): "ward move",
    date(2025, 6, 17): "ward move",
}


def test_without_a_patient(run: Run) -> None:
    plan = api.make_plan("lupus-flucy", start="2025-05-01", today=DAY)
    assert api.to_json(plan) == cli_json(run, "-p", "lupus-flucy", "--start", "2025-05-01")


@pytest.mark.parametrize("form", ["mapping", "model"])
def test_a_patient_mapping_or_model_is_the_patient_file(run: Run, form: str) -> None:
    data = patient_file(STANDARD)
    patient = data if form == "mapping" else api.Patient.model_validate(data)
    plan = api.make_plan("ssc-flucy", start=date(2025, 5, 1), patient=patient, today=DAY)
    expected = cli_json(run, "-p", "ssc-flucy", "--start", "2025-05-01", "--patient", str(STANDARD))
    assert api.to_json(plan) == expected


def test_identifying_data_only_when_asked_for(run: Run) -> None:
    plan = api.make_plan("jdm-flucy", start="2025-05-01", patient=patient_file(PHI), today=DAY)
    args = ("-p", "jdm-flucy", "--start", "2025-05-01", "--patient", str(PHI))
    assert api.to_json(plan) == cli_json(run, *args)
    assert api.to_json(plan, include_phi=True) == cli_json(run, *args, "--include-phi")


@pytest.mark.parametrize("duration", ["3h", "180m", 180])
def test_overrides_are_what_set_takes(run: Run, duration: str | int) -> None:
    plan = api.make_plan(
        "lupus-flucy",
        start="2025-05-01",
        site=api.Site(timezone="Europe/Berlin"),
        overrides={
            "washout_days": 14,
            "apheresis.time": "08:30",
            "apheresis.duration": duration,
            "lymphodepletion.time": "08:00",
        },
        today=DAY,
    )
    expected = cli_json(
        run,
        "-p",
        "lupus-flucy",
        "--start",
        "2025-05-01",
        "--tz",
        "Europe/Berlin",
        "--set",
        "washout_days=14",
        "--set",
        "apheresis.time=08:30",
        "--set",
        "apheresis.duration=3h",
        "--set",
        "lymphodepletion.time=08:00",
    )
    assert api.to_json(plan) == expected


@pytest.mark.parametrize("form", ["file", "path string", "mapping"])
def test_a_site_is_the_site_flags(run: Run, closures: Path, form: str) -> None:
    given: Any = {"file": closures, "path string": str(closures), "mapping": CLOSED}[form]
    site = api.Site(country="DE", subdiv="BY", closures=given)
    plan = api.make_plan("ssc-3rdgen", start="2025-05-01", site=site, today=DAY)
    expected = cli_json(
        run,
        "-p",
        "ssc-3rdgen",
        "--start",
        "2025-05-01",
        "--country",
        "DE",
        "--subdiv",
        "BY",
        "--closures",
        str(closures),
    )
    assert api.to_json(plan) == expected


def test_any_work_calendar_decides_the_working_days(run: Run) -> None:
    class StaffDay(MondayToFriday):
        def closed(self, day: date) -> str | None:
            return "site closed (staff day)" if day == date(2025, 5, 22) else super().closed(day)

    plan = api.make_plan("lupus-flucy", start="2025-05-01", site=StaffDay(), today=DAY)
    apheresis = next(e for e in api.to_contract(plan).events if e.id == "apheresis")
    assert apheresis.start == date(2025, 5, 23)
    assert apheresis.notes == ["moved from Thu 22 May 2025: site closed (staff day)"]
    plan = api.make_plan("lupus-flucy", start="2025-05-01", site=MondayToFriday(), today=DAY)
    assert api.to_json(plan) == cli_json(run, "-p", "lupus-flucy", "--start", "2025-05-01")


def test_backward_from_a_target_infusion_day(run: Run) -> None:
    data = {"label": "P-2", "age": 40, "sex": "F", "weight_kg": 60, "height_cm": 160}
    data |= {"creatinine": {"value": 1.1, "unit": "mg/dL"}}
    data |= {"medications": [{"drug": "rituximab", "last_dose": "2025-03-10"}]}
    plan = api.make_plan(
        api.load_protocol("lupus-flucy"), infusion="2025-07-01", patient=data, today=DAY
    )
    expected = cli_json(
        run,
        "-p",
        "lupus-flucy",
        "--infusion",
        "2025-07-01",
        "--label",
        "P-2",
        "--age",
        "40",
        "--sex",
        "F",
        "--weight-kg",
        "60",
        "--height-cm",
        "160",
        "--creatinine",
        "1.1 mg/dL",
        "--medication",
        "rituximab:2025-03-10",
    )
    assert api.to_json(plan) == expected


def test_a_protocol_path_is_a_protocol(run: Run) -> None:
    path = Path(__file__).parents[2] / "protocols" / "myositis-flucy.yaml"
    plan = api.make_plan(path, start="2025-05-01", today=DAY)
    assert api.to_json(plan) == cli_json(run, "-p", str(path), "--start", "2025-05-01")


def test_the_contract_model_dumps_what_to_json_prints() -> None:
    import json

    plan = api.make_plan("jdm-flucy", start="2025-05-01", patient=patient_file(PHI), today=DAY)
    contract = api.to_contract(plan, include_phi=True)
    printed = json.loads(api.to_json(plan, include_phi=True))
    assert contract.model_dump(mode="json") == printed
    assert json.loads(contract.model_dump_json()) == printed


def test_plan_schema_is_the_committed_schema() -> None:
    import json

    committed = Path(__file__).parents[2] / "schemas" / "plan.schema.json"
    assert api.plan_schema() == json.loads(committed.read_text(encoding="utf-8"))
