"""fhir.resources models R4B (4.3); the export is R4 (4.0.1). For every element type the export
writes, the R4B model's elements equal the R4 JSON Schema's, except R4B's PlanDefinition
`subjectCanonical`, which cartplan never writes (and the schema check would reject)."""

from __future__ import annotations

import gzip
import importlib
import json

from tests.exports.fhir_checks import SCHEMA

# R4 schema definition -> fhir.resources.R4B module.class
WRITTEN = {
    "Bundle": "bundle.Bundle",
    "Bundle_Entry": "bundle.BundleEntry",
    "Patient": "patient.Patient",
    "PlanDefinition": "plandefinition.PlanDefinition",
    "PlanDefinition_Action": "plandefinition.PlanDefinitionAction",
    "PlanDefinition_RelatedAction": "plandefinition.PlanDefinitionActionRelatedAction",
    "PlanDefinition_Participant": "plandefinition.PlanDefinitionActionParticipant",
    "CarePlan": "careplan.CarePlan",
    "CarePlan_Activity": "careplan.CarePlanActivity",
    "CarePlan_Detail": "careplan.CarePlanActivityDetail",
    "Procedure": "procedure.Procedure",
    "MedicationAdministration": "medicationadministration.MedicationAdministration",
    "MedicationAdministration_Dosage": "medicationadministration.MedicationAdministrationDosage",
    "Provenance": "provenance.Provenance",
    "Provenance_Agent": "provenance.ProvenanceAgent",
    "Annotation": "annotation.Annotation",
    "CodeableConcept": "codeableconcept.CodeableConcept",
    "Coding": "coding.Coding",
    "Duration": "duration.Duration",
    "HumanName": "humanname.HumanName",
    "Identifier": "identifier.Identifier",
    "Period": "period.Period",
    "Quantity": "quantity.Quantity",
    "Reference": "reference.Reference",
    "RelatedArtifact": "relatedartifact.RelatedArtifact",
    "Timing": "timing.Timing",
}
NOT_IN_R4 = {
    "PlanDefinition": {"subjectCanonical"},
    "PlanDefinition_Action": {"subjectCanonical"},
}


def test_r4b_models_match_r4_for_every_element_type_written() -> None:
    definitions = json.loads(gzip.decompress(SCHEMA.read_bytes()))["definitions"]
    for name, path in WRITTEN.items():
        module, cls = path.split(".")
        model = getattr(importlib.import_module(f"fhir.resources.R4B.{module}"), cls)
        r4b = {
            f.alias
            for f in model.model_fields.values()
            if f.alias and not f.alias.startswith("_") and f.alias != "fhir_comments"
        }
        r4 = {k for k in definitions[name]["properties"] if not k.startswith("_")}
        assert r4b - {"resourceType"} == (r4 | NOT_IN_R4.get(name, set())) - {"resourceType"}, name
