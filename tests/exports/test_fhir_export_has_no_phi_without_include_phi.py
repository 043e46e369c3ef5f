"""Without --include-phi the Patient carries only the pseudonymous label: no name, record number
or birth date anywhere in the bundle; with it, they are in the Patient resource."""

from __future__ import annotations

from tests.conftest import TODAY, Run
from tests.exports import fhir_checks
from tests.exports.helpers import export

# Birth date instead of age: the plan needs it for the age, the export must not show it.
PLANTED = (
    "-p",
    "lupus-flucy",
    "--start",
    "2025-05-01",
    "--today",
    TODAY,
    "--label",
    "P-017",
    "--sex",
    "F",
    "--birth-date",
    "1979-03-14",
    "--height-cm",
    "170",
    "--weight-kg",
    "70",
    "--crcl-ml-min",
    "95",
    "--name",
    "Zebulon Quixotic-Farnsworth",
    "--mrn",
    "MRN-9988776655",
)
SECRETS = ("Zebulon", "Quixotic", "Farnsworth", "MRN-9988776655", "1979-03-14", "1979")


def test_no_name_mrn_or_birth_date_without_include_phi(run: Run) -> None:
    text, bundle = export(run, *PLANTED)
    for secret in SECRETS:
        assert secret not in text
    (patient,) = fhir_checks.resources(bundle, "Patient")
    assert patient["identifier"] == [{"system": "urn:cartplan:label", "value": "P-017"}]
    assert set(patient) == {"resourceType", "id", "identifier"}


def test_include_phi_puts_them_into_the_patient(run: Run) -> None:
    text, bundle = export(run, *PLANTED, "--include-phi")
    (patient,) = fhir_checks.resources(bundle, "Patient")
    assert patient["name"] == [{"text": "Zebulon Quixotic-Farnsworth"}]
    assert patient["birthDate"] == "1979-03-14"
    assert {"system": "urn:cartplan:label", "value": "P-017"} in patient["identifier"]
    (mrn,) = [i for i in patient["identifier"] if i.get("type")]
    assert mrn["value"] == "MRN-9988776655"
    assert mrn["type"]["coding"][0]["code"] == "MR"
    assert text.count("Zebulon") == 1  # only in the Patient
    assert fhir_checks.all_problems(bundle) == []


def test_phi_does_not_change_the_resource_ids(run: Run) -> None:
    _, plain = export(run, *PLANTED)
    _, phi = export(run, *PLANTED, "--include-phi")
    assert [e["fullUrl"] for e in plain["entry"]] == [e["fullUrl"] for e in phi["entry"]]
