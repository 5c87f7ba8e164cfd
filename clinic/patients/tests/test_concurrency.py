"""Desks registering the same caller at once register one patient and refuse the rest as a duplicate;
without the MRN lock every desk passes the duplicate check, and the test sees them do it."""

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection

from clinic.patients import actions
from clinic.patients.models import MrnSequence, Patient
from tests import race

CALLER = {"given_name": "Ines", "family_name": "Marlow", "birth_date": dt.date(1979, 3, 14), "sex": "female"}


@pytest.fixture
def arm_registration_race(locked, monkeypatch) -> Callable[[], None]:
    """Locked: every desk reaches the MRN lock at once. Unlocked: MRNs come from a counter that locks
    nothing, as a database sequence would, and no desk saves until all have run the duplicate check."""

    def arm() -> None:
        gate = race.Gate(race.writers())
        if locked:
            race.meet_at_lock(monkeypatch, actions, "_next_mrn", gate)
        else:
            numbers = itertools.count(1)
            race.drop_lock(monkeypatch, actions, "_next_mrn",
                           lambda *, organisation_id: f"{actions.MRN_PREFIX}{next(numbers):06d}")
            race.meet_after(monkeypatch, actions, "possible_duplicates", gate)

    return arm


@pytest.mark.slow
@race.VARIANTS
def test_desks_registering_one_caller_at_once_register_one_patient(transactional_db, front_desk, main_site, now,
                                                                   locked, arm_registration_race):
    desks = race.writers()
    arm_registration_race()

    registered, errors = race.run(
        lambda: actions.register_patient(actor=front_desk, now=now, site=main_site, **CALLER).mrn, writers=desks)

    refusals = [getattr(error, "code", None) or repr(error) for error in errors]
    patients = Patient.objects.filter(site=main_site, family_name="Marlow", birth_date=CALLER["birth_date"])
    if locked:
        assert (registered, refusals) == (["K000001"], ["DUPLICATE_PATIENT"] * (desks - 1))
        assert MrnSequence.objects.get(organisation=main_site.organisation).last_number == 1
    elif connection.vendor == "postgresql":
        # The row lock is what orders the desks here: without it, every desk registers the caller.
        assert (sorted(registered), refusals) == ([f"K{number:06d}" for number in range(1, desks + 1)], [])
    else:
        # SQLite's lock is the immediate transaction: begun deferred, each desk reads a snapshot,
        # and every desk but the first to write finds it stale.
        assert (len(registered), refusals) == (1, [repr(OperationalError("database is locked"))] * (desks - 1))
    assert sorted(patients.values_list("mrn", flat=True)) == sorted(registered)
