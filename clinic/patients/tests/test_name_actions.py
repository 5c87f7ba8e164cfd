"""Registering and changing patients compares names as people see them: the duplicate check and search
go by the folded name key, the record keeps the name as typed but clean (issue 10, point 6)."""

import datetime as dt
import importlib
import unicodedata

import pytest
from django.apps import apps

from clinic.audit.models import AuditEvent
from clinic.patients import actions, names, queries
from clinic.patients.models import Patient, RecordRevision
from clinic.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

fill_migration = importlib.import_module("clinic.patients.migrations.0010_fill_patient_name_keys")

BIRTH_DATE = dt.date(1979, 3, 14)
JOSE_MUNOZ = {"given_name": "José", "family_name": "Muñoz", "birth_date": BIRTH_DATE, "sex": "male"}


def register(actor, now, site, **fields):
    return actions.register_patient(actor=actor, now=now, site=site, **{**JOSE_MUNOZ, **fields})


# How a second desk might type the same José Muñoz: (given name, family name).
SAME_PERSON_TYPED = {
    "decomposed (NFD)": (unicodedata.normalize("NFD", "José"), unicodedata.normalize("NFD", "Muñoz")),
    "in capitals": ("JOSÉ", "MUÑOZ"),
    "in small letters": ("josé", "muñoz"),
    "without accents": ("Jose", "Munoz"),
    "capitals without accents": ("JOSE", "MUNOZ"),
    "with a zero-width space": ("Jo\u200bsé", "Mu\u200bñoz"),
    "with a byte order mark and a soft hyphen": ("\ufeffJosé", "Mu\u00adñoz"),
    "with a right-to-left mark": ("José\u200f", "\u200eMuñoz"),
    "with no-break and doubled spaces": ("\u00a0José ", " Muñoz\u00a0\u00a0"),
    "in full-width letters": ("Ｊｏｓé", "Ｍｕñｏｚ"),
}


@pytest.mark.parametrize(("given_name", "family_name"), SAME_PERSON_TYPED.values(), ids=SAME_PERSON_TYPED.keys())
def test_the_same_person_typed_another_way_is_refused_as_a_duplicate(front_desk, main_site, now,
                                                                     given_name, family_name):
    existing = register(front_desk, now, main_site)

    with pytest.raises(actions.DuplicatePatient) as refused:
        register(front_desk, now, main_site, given_name=given_name, family_name=family_name)

    assert refused.value.code == "DUPLICATE_PATIENT"
    assert list(Patient.objects.values_list("pk", flat=True)) == [existing.pk]
    assert actions.possible_duplicates(site=main_site, given_name=given_name, family_name=family_name,
                                       birth_date=BIRTH_DATE) == [existing]


@pytest.mark.parametrize(("given_name", "family_name", "birth_date"), [
    ("Josefa", "Muñoz", BIRTH_DATE),
    ("José", "Muñoz Ruiz", BIRTH_DATE),
    ("Muñoz", "José", BIRTH_DATE),  # given and family names swapped are two different keys
    ("José", "Muñoz", dt.date(1979, 3, 15)),
], ids=["other given name", "longer family name", "swapped", "other birth date"])
def test_a_different_person_is_no_duplicate(front_desk, main_site, now, given_name, family_name, birth_date):
    register(front_desk, now, main_site)

    patient = register(front_desk, now, main_site, given_name=given_name, family_name=family_name,
                       birth_date=birth_date)

    assert patient.mrn == "K000002"


def test_a_namesake_at_another_site_is_no_duplicate(director, main_site, other_site, now):
    director.sites.add(other_site)
    register(director, now, main_site)

    assert register(director, now, other_site, given_name="JOSE", family_name="MUNOZ").site == other_site


def test_a_confirmed_namesake_is_registered_however_the_name_was_typed(front_desk, main_site, now):
    register(front_desk, now, main_site)

    namesake = register(front_desk, now, main_site, given_name="JOSE", confirm_duplicate=True)

    assert (namesake.mrn, namesake.name_key) == ("K000002", "munoz, jose")


def test_names_are_stored_as_typed_in_nfc_without_invisible_characters(front_desk, main_site, now):
    patient = register(front_desk, now, main_site, given_name=unicodedata.normalize("NFD", " José\u200b "),
                       family_name="Muñoz\u00ad", preferred_name="Pe\u200dpe", escort_name="Ana\u00a0 Muñoz\u202c",
                       emergency_contact_name="\ufeffLuis Muñoz")

    patient.refresh_from_db()
    assert (patient.given_name, patient.family_name, patient.preferred_name, patient.escort_name,
            patient.emergency_contact_name) == ("José", "Muñoz", "Pepe", "Ana Muñoz", "Luis Muñoz")
    assert (patient.name_key, patient.search_text) == ("munoz, jose", "munoz jose pepe k000001")
    revision = RecordRevision.objects.get(patient=patient)
    assert revision.changes["given_name"] == [None, "José"]


def test_a_name_typed_in_capitals_is_shown_in_capitals(front_desk, main_site, now):
    patient = register(front_desk, now, main_site, given_name="JOSÉ", family_name="MUÑOZ")

    assert (patient.display_name, patient.name_key) == ("JOSÉ MUÑOZ", "munoz, jose")


NO_LETTER = {"empty after cleaning": "\u200b\u200b", "spaces only": "   ", "punctuation only": "-'.",
             "invisible characters only": "\ufeff\u00ad\u2060", "digits only": "42"}


@pytest.mark.parametrize("field", ["given_name", "family_name"])
@pytest.mark.parametrize("typed", NO_LETTER.values(), ids=NO_LETTER.keys())
def test_a_required_name_with_no_letter_is_refused_naming_the_field(front_desk, main_site, now, field, typed):
    with pytest.raises(names.NameWithoutLetter) as refused:
        register(front_desk, now, main_site, **{field: typed})

    assert (refused.value.code, refused.value.field) == ("NAME_WITHOUT_LETTER", field)
    assert refused.value.message.startswith(f"The {actions.NAME_FIELDS[field]} has no letter")
    assert not Patient.objects.exists()


@pytest.mark.parametrize("field", ["preferred_name", "escort_name", "emergency_contact_name"])
def test_an_optional_name_of_punctuation_is_refused_and_one_of_invisible_characters_is_left_empty(
        front_desk, main_site, now, field):
    with pytest.raises(names.NameWithoutLetter) as refused:
        register(front_desk, now, main_site, **{field: "?"})
    patient = register(front_desk, now, main_site, **{field: "\u200b "})

    assert refused.value.field == field
    assert getattr(patient, field) == ""


def test_changing_a_name_keeps_its_key_and_search_text_in_step(front_desk, main_site, now):
    patient = register(front_desk, now, main_site)

    actions.update_patient(actor=front_desk, now=now, patient=patient, family_name="Núñez\u200b",
                           preferred_name="Pepe")

    patient.refresh_from_db()
    assert (patient.family_name, patient.name_key, patient.search_text) == (
        "Núñez", "nunez, jose", "nunez jose pepe k000001")
    revision = RecordRevision.objects.filter(patient=patient, change="update").get()
    assert revision.changes["family_name"] == ["Muñoz", "Núñez"]


def test_retyping_a_name_with_only_invisible_differences_changes_nothing(front_desk, main_site, now):
    patient = register(front_desk, now, main_site)
    events_before = AuditEvent.objects.count()

    actions.update_patient(actor=front_desk, now=now, patient=patient,
                           given_name=unicodedata.normalize("NFD", "José\u200b"), family_name=" Muñoz ")

    assert RecordRevision.objects.filter(patient=patient, change="update").count() == 0
    assert AuditEvent.objects.count() == events_before


def test_a_change_to_a_name_with_no_letter_is_refused_and_the_record_kept(front_desk, main_site, now):
    patient = register(front_desk, now, main_site)

    with pytest.raises(names.NameWithoutLetter) as refused:
        actions.update_patient(actor=front_desk, now=now, patient=patient, family_name="\u200b")

    patient.refresh_from_db()
    assert (refused.value.field, patient.family_name, patient.name_key) == ("family_name", "Muñoz", "munoz, jose")


@pytest.mark.parametrize("query", ["munoz", "MUNOZ", "muñoz", "Muñoz, José", "jose munoz", "Ｍｕｎｏｚ",
                                   unicodedata.normalize("NFD", "muñoz"), "mu\u200bnoz", "pepe"])
def test_search_matches_the_folded_name(nurse, main_site, now, query):
    patient = register(nurse, now, main_site, preferred_name="Pepé")
    register(nurse, now, main_site, given_name="Ana", family_name="Moreno")

    assert list(queries.search_patients(user=nurse, query=query)) == [patient]


@pytest.mark.parametrize("query", ["o'brien", "O’Brien", "OBrien", "obrien"])
def test_search_reads_every_apostrophe_alike(nurse, main_site, now, query):
    patient = register(nurse, now, main_site, given_name="Siobhán", family_name="O’Brien")

    assert list(queries.search_patients(user=nurse, query=query)) == [patient]


def test_a_query_of_punctuation_only_finds_nobody(nurse, main_site, now):
    register(nurse, now, main_site)

    assert list(queries.search_patients(user=nurse, query="-")) == []


def test_a_birth_date_typed_in_full_width_digits_is_still_a_birth_date(nurse, main_site, now):
    patient = register(nurse, now, main_site)

    assert list(queries.search_patients(user=nurse, query="１９７９-０３-１４")) == [patient]


def test_the_migration_fills_keys_of_patients_registered_before_names_were_folded(main_site):
    """Rows written before the key existed: empty keys and lower-case search text."""
    old = PatientFactory(site=main_site, given_name="José", family_name="Muñoz\u200b", preferred_name="Pepe",
                         mrn="K000009", name_key="", search_text="muñoz\u200b josé pepe k000009")

    fill_migration.forwards(apps, None)

    old.refresh_from_db()
    assert (old.name_key, old.search_text) == ("munoz, jose", "munoz jose pepe k000009")
    assert old.family_name == "Muñoz\u200b"  # the stored name is left for a person to correct

    fill_migration.backwards(apps, None)

    old.refresh_from_db()
    assert old.search_text == "muñoz\u200b josé pepe k000009"
