"""setup_clinic run several times at once creates one clinic; without its lock the runs all find no
organisation and, on PostgreSQL, each creates one, which the test sees (design §5 race pattern)."""

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from clinic.accounts import setup
from clinic.accounts.models import StaffUser
from clinic.sites.models import Organisation
from tests import race


def _details(number: int) -> setup.ClinicDetails:
    return setup.ClinicDetails(organisation_name=f"Clinic {number}", site_name="Main", site_code="MAIN",
                               time_zone="America/Chicago", director_username=f"director{number}",
                               director_email=f"director{number}@clinic.example.org")


@pytest.mark.slow
@race.VARIANTS
def test_runs_started_together_create_one_clinic(transactional_db, settings, monkeypatch, locked):
    settings.ALLOWED_HOSTS = ["clinic.example.org"]
    writers = race.writers()
    gate = race.Gate(writers)
    if locked:
        race.meet_at_lock(monkeypatch, setup, "_one_setup_at_a_time", gate)
    else:
        race.drop_lock(monkeypatch, setup, "_one_setup_at_a_time", lambda: None)
        race.meet_after(monkeypatch, setup, "existing_clinic_problem", gate)
    numbers = iter(range(writers))

    results, errors = race.run(lambda: setup.set_up_clinic(now=timezone.now(), details=_details(next(numbers)),
                                                           base_url="https://clinic.example.org"),
                               writers=writers)

    organisations = Organisation.objects.count()
    if locked:
        assert (len(results), organisations, StaffUser.objects.count()) == (1, 1, 1)
        assert [type(error) for error in errors] == [setup.ClinicAlreadySetUp] * (writers - 1)
    elif connection.vendor == "postgresql":
        assert (len(results), organisations, errors) == (writers, writers, [])
    else:
        # DEFERRED transactions that read before writing cannot upgrade their stale snapshot.
        assert organisations == 1
        assert {type(error) for error in errors} == {OperationalError}
