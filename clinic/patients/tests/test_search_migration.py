"""Patients registered before search read phone digits and forgave typos are filled by the data
migration, so search treats old and new records alike."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from clinic.patients import actions, queries, search_keys
from clinic.patients.models import FamilyNameVariant, Patient
from clinic.patients.tests.factories import PatientFactory

fill_migration = importlib.import_module("clinic.patients.migrations.0014_fill_search_keys")

pytestmark = pytest.mark.django_db


def stored_variants(patient: Patient) -> set[tuple]:
    return set(FamilyNameVariant.objects.filter(patient=patient).values_list(
        "text", "deleted_position", "deleted_letter"))


def test_the_migration_fills_phone_digits_and_surname_variants_of_existing_patients_and_back(
        nurse, main_site, now):
    """Rows written before the fields existed: no phone digits, no variant rows."""
    old = PatientFactory(site=main_site, given_name="Zoë", family_name="Ñúñez-Øster", phone="+1 (617) 555-0142")
    without_phone = PatientFactory(site=main_site, family_name="Ng", phone="")
    assert (old.phone_digits, FamilyNameVariant.objects.count()) == ("", 0)
    assert list(queries.search_patients(user=nurse, query="Nunes")) == []

    fill_migration.forwards(apps, None)

    old.refresh_from_db()
    assert old.phone_digits == "6175550142"
    assert stored_variants(old) == set(search_keys.surname_variants("Ñúñez-Øster"))
    assert len(stored_variants(old)) == 12  # nunez and oster, each whole and less each of 5 letters
    assert stored_variants(without_phone) == set()  # "ng" is too short for typo matching
    assert list(queries.search_patients(user=nurse, query="Nunes")) == [old]
    assert list(queries.search_patients(user=nurse, query="617-555-0142")) == [old]

    fill_migration.backwards(apps, None)

    old.refresh_from_db()
    assert (old.phone_digits, FamilyNameVariant.objects.count()) == ("", 0)


def test_the_migration_gives_old_patients_the_rows_a_registration_gives_and_runs_twice_safely(
        nurse, main_site, now):
    registered = actions.register_patient(actor=nurse, now=now, site=main_site, given_name="Mara",
                                          family_name="Quenby", birth_date=dt.date(1984, 6, 2), sex="female",
                                          phone="555-0142")
    by_action = (registered.phone_digits, stored_variants(registered))
    Patient.objects.filter(pk=registered.pk).update(phone_digits="")
    FamilyNameVariant.objects.all().delete()

    fill_migration.forwards(apps, None)
    fill_migration.forwards(apps, None)

    registered.refresh_from_db()
    assert (registered.phone_digits, stored_variants(registered)) == by_action
    assert FamilyNameVariant.objects.count() == 7  # quenby whole and less each of its 6 letters
