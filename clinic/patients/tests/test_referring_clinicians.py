"""The referral directory refuses an NPI whose check digit is wrong, in the form, the model and the action.

1234567893 is the example NPI of the CMS check-digit specification; 1234567890 is the same number
with its last digit changed.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients import actions
from clinic.patients.forms import ReferringClinicianForm
from clinic.patients.models import ReferringClinician
from clinic.patients.names import NameWithoutLetter

VALID_NPI = "1234567893"
WRONG_CHECK_DIGIT = "1234567890"
CHECK_DIGIT_MESSAGE = (
    "NPI 1234567890 fails its check: the last digit does not match the other nine, so a digit is wrong or two are "
    "swapped. Check the NPI against the referral letter or the NPPES registry, or leave it empty.")
DIGITS_MESSAGE = "An NPI has exactly 10 digits. Check the number or leave the NPI empty."

pytestmark = pytest.mark.django_db


def form_data(**changes):
    return {"name": "Odessa Brightwater", "credentials": "MD", "practice": "Harbourlight Psychiatry",
            "npi": VALID_NPI, "phone": "(617) 555-0110", "active": "on", **changes}


def test_model_accepts_the_cms_example_npi(organisation):
    clinician = ReferringClinician(organisation=organisation, name="Odessa Brightwater", npi=VALID_NPI)

    clinician.full_clean()

    assert clinician.npi == "1234567893"


@pytest.mark.parametrize(("npi", "message"), [
    (WRONG_CHECK_DIGIT, CHECK_DIGIT_MESSAGE),
    ("1234567983", CHECK_DIGIT_MESSAGE.replace("1234567890", "1234567983")),
    ("123456789", DIGITS_MESSAGE),
    ("12345678a3", DIGITS_MESSAGE),
])
def test_model_refuses_an_npi_that_fails_its_check_and_names_the_field(organisation, npi, message):
    clinician = ReferringClinician(organisation=organisation, name="Odessa Brightwater", npi=npi)

    with pytest.raises(ValidationError) as error:
        clinician.full_clean()

    assert error.value.message_dict == {"npi": [message]}


def test_an_empty_npi_is_allowed(organisation):
    clinician = ReferringClinician(organisation=organisation, name="Odessa Brightwater", npi="")

    clinician.full_clean()

    assert clinician.npi == ""


def test_form_accepts_a_valid_npi():
    form = ReferringClinicianForm(data=form_data())

    assert form.is_valid(), form.errors
    assert form.cleaned_data["npi"] == "1234567893"


@pytest.mark.parametrize(("npi", "message"), [
    (WRONG_CHECK_DIGIT, CHECK_DIGIT_MESSAGE),
    ("12345678931", DIGITS_MESSAGE),
])
def test_form_refuses_a_wrong_npi_on_the_npi_field(npi, message):
    form = ReferringClinicianForm(data=form_data(npi=npi))

    assert not form.is_valid()
    assert form.errors == {"npi": [message]}


def test_action_refuses_a_wrong_check_digit_and_saves_nothing(director, now):
    with pytest.raises(ValidationError) as error:
        actions.save_referring_clinician(actor=director, now=now, referrer=None, name="Odessa Brightwater",
                                         npi=WRONG_CHECK_DIGIT)

    assert error.value.message_dict == {"npi": [CHECK_DIGIT_MESSAGE]}
    assert ReferringClinician.objects.count() == 0
    assert not AuditEvent.objects.filter(action="patients.referring_clinician_saved").exists()


def test_page_shows_the_refusal_beside_the_npi_and_saves_nothing(signed_in, director):
    response = signed_in(director).post(reverse("patients:referrer_add"), form_data(npi=WRONG_CHECK_DIGIT))

    assert response.status_code == 200
    assert response.context["form"].errors == {"npi": [CHECK_DIGIT_MESSAGE]}
    assert "NPI 1234567890 fails its check" in response.content.decode()
    assert ReferringClinician.objects.count() == 0


def test_page_saves_a_valid_npi(signed_in, director):
    response = signed_in(director).post(reverse("patients:referrer_add"), form_data())

    assert response.status_code == 302
    clinician = ReferringClinician.objects.get()
    assert (clinician.name, clinician.npi, clinician.organisation_id) == (
        "Odessa Brightwater", "1234567893", director.organisation_id)


def test_action_stores_the_name_cleaned_as_every_name_is(director, now):
    referrer = actions.save_referring_clinician(actor=director, now=now, referrer=None,
                                                name="  Odessa\u200b  Brightwater ")

    referrer.refresh_from_db()
    assert referrer.name == "Odessa Brightwater"


def test_action_refuses_a_name_without_a_letter_and_saves_nothing(director, now):
    with pytest.raises(NameWithoutLetter) as error:
        actions.save_referring_clinician(actor=director, now=now, referrer=None, name="\u200b 123 .")

    assert error.value.field == "name"
    assert "clinician's name has no letter" in str(error.value)
    assert ReferringClinician.objects.count() == 0
    assert not AuditEvent.objects.filter(action="patients.referring_clinician_saved").exists()
