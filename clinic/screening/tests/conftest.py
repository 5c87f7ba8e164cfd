import pytest

from clinic.screening.tests.intakes import screened_patient


@pytest.fixture
def clear_patient(main_site, nurse, now):
    """A patient whose intake is complete and clear, screened once (run 1: IN_TRD alone)."""
    return screened_patient(main_site, nurse=nurse, now=now, given_name="Rowan")


@pytest.fixture
def caution_patient(main_site, nurse, now):
    """A patient with one caution (a past substance use disorder), screened once."""
    return screened_patient(main_site, nurse=nurse, now=now, given_name="Ira", substance_use_disorder_past=True)


@pytest.fixture
def hard_stop_patient(main_site, nurse, now):
    """A patient with a hard stop (current psychosis), screened once."""
    return screened_patient(main_site, nurse=nurse, now=now, given_name="Noor", psychosis_current=True)
