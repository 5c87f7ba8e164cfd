import pytest

from clinic.patients.tests.factories import PatientFactory
from clinic.screening import actions
from clinic.screening.models import Trigger
from clinic.screening.tests.intakes import complete_intake


@pytest.fixture
def clear_patient(main_site, nurse, now):
    """A patient whose intake is complete and clear, screened once (run 1: IN_TRD alone)."""
    patient = complete_intake(PatientFactory(site=main_site, sex="male", given_name="Rowan", family_name="Hale"),
                              nurse=nurse, now=now)
    actions.screen_patient(patient=patient, actor=nurse, now=now, trigger=Trigger.MANUAL)
    return patient


@pytest.fixture
def caution_patient(main_site, nurse, now):
    """A patient with one caution (a past substance use disorder), screened once."""
    patient = complete_intake(PatientFactory(site=main_site, sex="male", given_name="Ira", family_name="Moss"),
                              nurse=nurse, now=now, substance_use_disorder_past=True)
    actions.screen_patient(patient=patient, actor=nurse, now=now, trigger=Trigger.MANUAL)
    return patient


@pytest.fixture
def hard_stop_patient(main_site, nurse, now):
    """A patient with a hard stop (current psychosis), screened once."""
    patient = complete_intake(PatientFactory(site=main_site, sex="male", given_name="Noor", family_name="Vale"),
                              nurse=nurse, now=now, psychosis_current=True)
    actions.screen_patient(patient=patient, actor=nurse, now=now, trigger=Trigger.MANUAL)
    return patient
