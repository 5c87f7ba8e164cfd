"""Names in the registration, edit and referral forms: a name with no letter is refused beside its field
with what was typed kept, and the same person typed another way gets the duplicate warning."""

import datetime as dt
import unicodedata

import pytest
from django.urls import reverse

from clinic.patients.models import Patient, ReferringClinician
from clinic.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "given_name": "José", "family_name": "Muñoz", "birth_date": "1979-03-14", "sex": "male",
    "phone": "555-0100", "preferred_channel": "sms", "referral_source": "self",
    "escort_name": "Ana Muñoz", "escort_phone": "555-0101",
}
NO_LETTER = {"zero-width spaces": "\u200b\u200b", "punctuation": "--", "a byte order mark": "\ufeff"}


@pytest.mark.parametrize("typed", NO_LETTER.values(), ids=NO_LETTER.keys())
@pytest.mark.parametrize(("field", "label", "other_field", "other_typed"), [
    ("given_name", "given name", "family_name", "Muñoz"), ("family_name", "family name", "given_name", "José")])
def test_registration_refuses_a_name_with_no_letter_beside_the_field_and_keeps_what_was_typed(
        signed_in, front_desk, main_site, field, label, other_field, other_typed, typed):
    response = signed_in(front_desk).post(reverse("patients:register"),
                                          {**REGISTRATION, "site": main_site.pk, field: typed})

    form = response.context["form"]
    assert form.errors[field] == [
        f"The {label} has no letter: it holds only spaces, punctuation, digits or invisible characters. "
        f"Type the {label} as the person writes it."]
    assert (form[field].value(), form[other_field].value(), form["phone"].value()) == (typed, other_typed, "555-0100")
    assert "has no letter" in response.content.decode()
    assert Patient.objects.count() == 0


def test_registration_refuses_an_escort_name_of_punctuation_and_says_it_may_stay_empty(
        signed_in, front_desk, main_site):
    response = signed_in(front_desk).post(reverse("patients:register"),
                                          {**REGISTRATION, "site": main_site.pk, "escort_name": "--"})

    assert response.context["form"].errors["escort_name"] == [
        "The escort's name has no letter: it holds only spaces, punctuation, digits or invisible characters. "
        "Type the escort's name as the person writes it, or leave it empty."]
    assert Patient.objects.count() == 0


def test_an_escort_name_of_invisible_characters_only_is_left_empty(signed_in, front_desk, main_site):
    signed_in(front_desk).post(reverse("patients:register"),
                               {**REGISTRATION, "site": main_site.pk, "escort_name": "\u200b \ufeff"})

    assert Patient.objects.get().escort_name == ""


@pytest.mark.parametrize(("given_name", "family_name"), [
    (unicodedata.normalize("NFD", "José"), unicodedata.normalize("NFD", "Muñoz")),
    ("JOSÉ", "MUÑOZ"), ("Jose", "Munoz"), ("Jo\u200bsé", "Muñoz\u200b"),
], ids=["decomposed", "capitals", "without accents", "zero-width space"])
def test_registration_warns_of_the_same_person_typed_another_way(signed_in, front_desk, main_site,
                                                                 given_name, family_name):
    existing = PatientFactory(site=main_site, given_name="José", family_name="Muñoz", birth_date=dt.date(1979, 3, 14))

    response = signed_in(front_desk).post(reverse("patients:register"), {
        **REGISTRATION, "site": main_site.pk, "given_name": given_name, "family_name": family_name})

    assert response.context["duplicates"] == [existing]
    assert "already registered" in response.context["form"].non_field_errors()[0]
    assert response.context["form"]["given_name"].value() == given_name
    assert Patient.objects.count() == 1


def test_registration_stores_the_name_clean_and_as_typed(signed_in, front_desk, main_site):
    signed_in(front_desk).post(reverse("patients:register"), {
        **REGISTRATION, "site": main_site.pk, "given_name": unicodedata.normalize("NFD", "José\u200b"),
        "family_name": "MUÑOZ\u00ad"})

    patient = Patient.objects.get()
    assert (patient.given_name, patient.family_name, patient.name_key) == ("José", "MUÑOZ", "munoz, jose")


def test_editing_refuses_a_name_with_no_letter_and_keeps_the_record(signed_in, front_desk, main_site):
    patient = PatientFactory(site=main_site, given_name="José", family_name="Muñoz", phone="555-0100",
                             preferred_channel="sms")

    response = signed_in(front_desk).post(reverse("patients:edit", args=[patient.pk]), {
        **REGISTRATION, "site": main_site.pk, "preferred_name": "?"})

    form = response.context["form"]
    assert form.errors["preferred_name"][0].startswith("The preferred name has no letter")
    assert form["preferred_name"].value() == "?"
    patient.refresh_from_db()
    assert patient.preferred_name == ""


def test_a_name_that_grows_past_its_field_when_its_accents_join_is_refused_in_the_form(
        signed_in, front_desk, main_site):
    # U+FB2A, HEBREW LETTER SHIN WITH SHIN DOT, is excluded from composition: NFC writes it as two
    # characters, so 100 of them become 200.
    typed = "\ufb2a" * 100

    response = signed_in(front_desk).post(reverse("patients:register"),
                                          {**REGISTRATION, "site": main_site.pk, "family_name": typed})

    assert response.context["form"].errors["family_name"] == ["Shorten the family name to 100 characters."]
    assert Patient.objects.count() == 0


def test_a_referring_clinicians_name_is_stored_clean_and_refused_without_a_letter(signed_in, director):
    client = signed_in(director)

    refused = client.post(reverse("patients:referrer_add"), {"name": "\u200b.", "active": "on"})
    client.post(reverse("patients:referrer_add"), {"name": "Dr\u00a0 Odessa\u200b Brightwater ", "active": "on"})

    assert refused.context["form"].errors["name"][0].startswith("The clinician's name has no letter")
    assert list(ReferringClinician.objects.values_list("name", flat=True)) == ["Dr Odessa Brightwater"]
