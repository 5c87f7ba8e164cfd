"""Reads that screening takes from the intake (clinical-reference §2.1, "Codes that screening must read")."""

import datetime as dt

import pytest

from clinic.patients import queries
from clinic.patients.models import Indication
from clinic.patients.tests.factories import OtherDiagnosisFactory, PatientFactory
from clinic.rules.eligibility import Diagnosis, Intake, screen

pytestmark = pytest.mark.django_db


def test_screening_reads_other_diagnoses_beside_a_ptsd_indication(main_site, nurse, django_assert_num_queries):
    """clinical-reference §2.1: a schizophrenia (F20.9, current) or bipolar (F31.81, past) diagnosis
    recorded beside a PTSD indication must reach screening; a resolved indication is not read."""
    patient = PatientFactory(site=main_site)
    Indication.objects.create(patient=patient, code="PTSD", icd10_code="F43.10", is_primary=True,
                              noted_on=dt.date(2026, 10, 1))
    Indication.objects.create(patient=patient, code="TRD_UNIPOLAR", icd10_code="F33.1", active=False,
                              noted_on=dt.date(2025, 1, 1))
    OtherDiagnosisFactory(patient=patient, recorded_by=nurse, icd10_code="F31.81", status="past")
    OtherDiagnosisFactory(patient=patient, recorded_by=nurse, icd10_code="F20.9", status="current",
                          description="Schizophrenia, unspecified")
    OtherDiagnosisFactory(patient=PatientFactory(site=main_site), recorded_by=nurse, icd10_code="F31.2",
                          status="current")

    with django_assert_num_queries(2):
        diagnoses = queries.diagnoses_for_screening(patient)

    assert diagnoses == (Diagnosis("F43.10", current=True), Diagnosis("F20.9", current=True),
                         Diagnosis("F31.81", current=False))
    intake = Intake(birth_date=dt.date(1980, 5, 1), first_infusion_date=dt.date(2026, 12, 1),
                    infusion_date=dt.date(2026, 12, 1), sex="female", indications=("PTSD",),
                    safety={}, diagnoses=diagnoses)
    findings = {finding.code: finding for finding in screen(intake)}
    assert findings["HS_PSYCHOSIS_ACTIVE"].data["diagnosis_codes"] == ["F20.9"]
    assert "CA_BIPOLAR" in findings


def test_an_indication_code_typed_without_its_dot_is_read_as_the_code_set_writes_it(main_site):
    """clinical-reference §2.1: F33.2 recurrent major depression, recorded as "F332" before codes were
    normalised."""
    patient = PatientFactory(site=main_site)
    Indication.objects.create(patient=patient, code="TRD_UNIPOLAR", icd10_code="F332", noted_on=dt.date(2026, 10, 1))

    assert queries.diagnoses_for_screening(patient) == (Diagnosis("F33.2", current=True),)


def test_a_patient_with_no_diagnoses_gives_an_empty_list(main_site):
    """clinical-reference §2.1: nothing recorded, nothing read (screening's completeness check says so)."""
    assert queries.diagnoses_for_screening(PatientFactory(site=main_site)) == ()
