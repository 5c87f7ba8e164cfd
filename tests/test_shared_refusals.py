"""A value the rules refuse reads the same wherever it was typed: the record's own validation, the
web form and the API all give the message of clinic.rules (issue: clinical rules in one place)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clinic.accounts.tokens import issue_token
from clinic.patients import actions
from clinic.patients.forms import MeasurementForm, RegisterPatientForm
from clinic.patients.models import BodyMeasurement, Patient
from clinic.patients.tests.factories import PatientFactory
from clinic.rules.birth_date import ImplausibleBirthDate
from clinic.rules.physiological_ranges import out_of_range_message
from clinic.rules.typed_values import day_text

pytestmark = pytest.mark.django_db


def api(user, now) -> Client:
    _, token = issue_token(user=user, name="tests", now=now)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(("measure", "typed", "sent"), [
    ("weight_kg", "165.5", 165.5 * 3), ("height_cm", "68", 68), ("systolic_mmhg", "320", 320),
    ("diastolic_mmhg", "210", 210), ("heart_rate_bpm", "12", 12),
])
def test_model_form_and_api_refuse_an_implausible_measurement_with_one_message(nurse, main_site, now, measure,
                                                                                typed, sent):
    patient = PatientFactory(site=main_site)
    value = Decimal(typed) * 3 if measure == "weight_kg" else Decimal(typed)
    expected = out_of_range_message(measure, value)

    with pytest.raises(ValidationError) as model_error:
        BodyMeasurement(patient=patient, measured_on=dt.date(2026, 11, 20), recorded_by=nurse, recorded_at=now,
                        **{measure: value}).full_clean()
    form = MeasurementForm({"measured_on": "2026-11-20", measure: str(value)},
                           instance=BodyMeasurement(patient=patient, recorded_by=nurse, recorded_at=now))
    response = api(nurse, now).post(f"/api/v1/patients/{patient.pk}/intake/measurements",
                                    {"measured_on": "2026-11-20", measure: sent}, content_type="application/json")

    assert model_error.value.message_dict[measure] == [expected]
    assert (form.is_valid(), form.errors[measure]) == (False, [expected])
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [{"field": measure, "message": expected}]
    assert BodyMeasurement.objects.count() == 0


def test_form_api_and_action_refuse_a_future_birth_date_with_one_message(front_desk, main_site, now, clock):
    clock(now)
    future = (now + dt.timedelta(days=2)).date()
    registration = {"given_name": "Mara", "family_name": "Quill", "birth_date": future.isoformat(),
                    "sex": "female", "site": main_site.pk, "preferred_channel": "phone", "phone": "555-0100",
                    "referral_source": "self"}

    form = RegisterPatientForm(registration, user=front_desk, now=now)
    body = {name: value for name, value in registration.items() if name != "site"}
    response = api(front_desk, now).post("/api/v1/patients", {**body, "site_id": str(main_site.pk)},
                                         content_type="application/json")
    with pytest.raises(ImplausibleBirthDate) as action_error:
        actions.register_patient(actor=front_desk, now=now, site=main_site, given_name="Mara", family_name="Quill",
                                 birth_date=future, sex="female")

    expected = action_error.value.message
    assert expected == (f"The date of birth {day_text(future)} is after today at the site ({day_text(now.date())}). "
                        "Check the day and the year.")
    assert (form.is_valid(), form.errors["birth_date"]) == (False, [expected])
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [{"field": "birth_date", "message": expected}]
    assert Patient.objects.count() == 0


def test_a_change_of_birth_date_through_the_action_is_checked_too(front_desk, main_site, now):
    patient = PatientFactory(site=main_site, birth_date=dt.date(1980, 4, 9))

    with pytest.raises(ImplausibleBirthDate):
        actions.update_patient(actor=front_desk, now=now, patient=patient, birth_date=dt.date(2999, 1, 1))

    patient.refresh_from_db()
    assert patient.birth_date == dt.date(1980, 4, 9)


def test_the_web_form_shows_the_rules_message_and_keeps_what_was_typed(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)

    response = signed_in(nurse).post(reverse("patients:intake_add", args=[patient.pk, "measurement"]),
                                     {"measured_on": "2026-11-20", "weight_kg": "365", "height_cm": "170"})

    form = response.context["form"]
    assert form.errors["weight_kg"] == [out_of_range_message("weight_kg", Decimal(365))]
    assert (form["weight_kg"].value(), form["height_cm"].value()) == ("365", "170")
