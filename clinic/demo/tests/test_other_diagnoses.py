"""The demo's other diagnoses: one PTSD patient with a bipolar II disorder, valid for the
patient actions (clinical-reference §2.1, "Codes that screening must read")."""

import datetime as dt
import random

import pytest

from clinic.demo import intake
from clinic.demo.intake import COMPLETE, STARTED, Person
from clinic.patients import actions
from clinic.patients.tests.factories import PatientFactory

INTAKE_ON = dt.date(2026, 9, 14)


def person(indication: str, stage: str, profile: str) -> Person:
    return Person(stage=stage, indication=indication, profile=profile, sex="female",
                  birth_date=dt.date(1990, 5, 1), age_years=36, could_become_pregnant=False,
                  referred_on=INTAKE_ON - dt.timedelta(days=6), intake_on=INTAKE_ON,
                  results_on=INTAKE_ON + dt.timedelta(days=3), recheck_on=INTAKE_ON + dt.timedelta(days=20))


def test_the_ptsd_patient_has_a_current_bipolar_ii_diagnosis_with_its_onset():
    """clinical-reference §2.1: F31.81 bipolar II beside a PTSD indication brings CA_BIPOLAR."""
    assert intake.other_diagnoses(person("PTSD", COMPLETE, "clear")) == [
        {"icd10_code": "F31.81", "status": "current", "onset_on": dt.date(2017, 9, 14), "noted_on": INTAKE_ON}]


@pytest.mark.parametrize("row", [("PTSD", COMPLETE, "sud_past"), ("PTSD", STARTED, "clear"),
                                 ("TRD_BIPOLAR", COMPLETE, "clear"), ("TRD_UNIPOLAR", COMPLETE, "clear")])
def test_no_other_patient_has_one(row):
    """clinical-reference §2.1: the feature is shown once; other histories stay as the seed made them."""
    assert intake.other_diagnoses(person(*row)) == []


def test_their_safety_history_says_bipolar_disorder_and_why():
    """clinical-reference §3 CA_BIPOLAR: the history agrees with the coded diagnosis."""
    history = intake.safety_history(random.Random(0), person("PTSD", COMPLETE, "clear"))

    assert (history["answers"]["bipolar_disorder"], history["notes"]) == (True, intake.BIPOLAR_II_NOTES)
    assert None not in history["answers"].values()


@pytest.mark.django_db
def test_the_demo_diagnosis_passes_the_patient_actions(main_site, prescriber, now):
    """clinical-reference §2.1: the demo's code is in the code set and its dates can be true."""
    patient = PatientFactory(site=main_site)
    [fields] = intake.other_diagnoses(person("PTSD", COMPLETE, "clear"))

    diagnosis = actions.add_intake_item(actor=prescriber, now=now, patient=patient, kind="other_diagnosis",
                                        values=fields)

    assert (diagnosis.icd10_code, diagnosis.description, diagnosis.status) == (
        "F31.81", "Bipolar II disorder", "current")
