import pytest

from clinic.patients.tests.factories import PatientFactory


@pytest.fixture
def patient(main_site, prescriber):
    return PatientFactory(site=main_site, prescriber=prescriber, given_name="Ana", family_name="Müller-Ortiz")
