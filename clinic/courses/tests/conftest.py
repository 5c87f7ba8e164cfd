import pytest

from clinic.courses.tests.factories import eligible_patient, open_course


@pytest.fixture
def patient(main_site, nurse, prescriber, now):
    return eligible_patient(site=main_site, nurse=nurse, prescriber=prescriber, now=now)


@pytest.fixture
def course(patient, prescriber, now):
    return open_course(patient=patient, prescriber=prescriber, now=now)
