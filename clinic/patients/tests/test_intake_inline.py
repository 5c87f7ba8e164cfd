"""The intake's entry forms: adding inline with htmx, and plausible values through the form, each
keeping what was typed (issue 12, points 3 and 4b)."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients import actions
from clinic.patients.models import Allergy, BodyMeasurement, Patient, TreatmentTrial
from clinic.patients.tests.factories import PatientFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def patient(main_site, clock, now):
    clock(now)
    return PatientFactory(site=main_site)


def add_url(patient, kind):
    return reverse("patients:intake_add", args=[patient.pk, kind])


def test_add_opens_the_form_inside_its_section_with_its_audit_event(signed_in, nurse, patient):
    response = signed_in(nurse).get(add_url(patient, "allergy"), headers=HTMX)

    page = response.content.decode()
    assert page.startswith('<section class="card intake-section" id="allergy"')
    assert f'hx-post="{add_url(patient, "allergy")}"' in page and "<html" not in page
    assert AuditEvent.objects.filter(action="patients.allergy_form_viewed", actor=nurse).count() == 1


def test_the_intake_page_names_each_section_s_add_button(signed_in, nurse, patient):
    page = signed_in(nurse).get(reverse("patients:intake", args=[patient.pk])).content.decode()

    buttons = [title for title in ("indication", "other diagnosis", "medicine", "allergy", "measurement",
                                   "prior treatment", "result") if f">Add {title}</a>" in page]
    assert len(buttons) == 7, buttons


def test_saving_inline_swaps_the_section_in_with_the_confirmation(signed_in, nurse, patient):
    response = signed_in(nurse).post(add_url(patient, "allergy"), {"substance": "Penicillin"}, headers=HTMX)

    page = response.content.decode()
    assert '<p class="saved" role="status">Saved the allergy: Penicillin.</p>' in page
    assert "<li>Penicillin" in page and "<form method=\"post\" action" not in page.split("saved")[1][:200]
    assert Allergy.objects.get(patient=patient).substance == "Penicillin"
    assert AuditEvent.objects.filter(action="patients.allergy_added", actor=nurse).count() == 1
    assert AuditEvent.objects.filter(action="patients.intake_viewed", data={"section": "allergy"}).count() == 1


def test_saving_inline_also_refreshes_the_banner_out_of_band(signed_in, nurse, patient):
    before = signed_in(nurse).get(reverse("patients:intake", args=[patient.pk])).content.decode()

    response = signed_in(nurse).post(add_url(patient, "allergy"), {"substance": "Penicillin"}, headers=HTMX)

    page = response.content.decode()
    banner = page[page.index('<section class="banner" id="patient-banner"'):]
    assert "Allergies not yet recorded" in before
    assert 'hx-swap-oob="true"' in banner[:200]
    assert "Penicillin" in banner and "Allergies not yet recorded" not in banner


def test_an_invalid_inline_form_comes_back_in_place_with_what_was_typed(signed_in, nurse, patient):
    response = signed_in(nurse).post(add_url(patient, "measurement"),
                                     {"measured_on": "2026-11-24", "weight_kg": "1,250", "height_cm": "172,5"},
                                     headers=HTMX)

    page = response.content.decode()
    assert page.startswith('<section class="card intake-section" id="measurement"')
    assert 'value="1,250"' in page and 'value="172,5"' in page
    assert "could be read two ways, as a thousands separator or a decimal comma" in page
    assert not BodyMeasurement.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("72,5", D("72.5")), ("72.5", D("72.5"))])
def test_a_decimal_comma_is_read_as_meant(signed_in, nurse, patient, typed, stored):
    signed_in(nurse).post(add_url(patient, "measurement"), {"measured_on": "2026-11-24", "weight_kg": typed})

    assert BodyMeasurement.objects.get(patient=patient).weight_kg == stored


def test_a_weight_far_from_the_last_asks_and_one_tick_saves_it(signed_in, nurse, patient, now):
    actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                            values={"measured_on": dt.date(2026, 11, 2), "weight_kg": D(75)})
    client = signed_in(nurse)
    typed = {"measured_on": "2026-11-24", "weight_kg": "165", "height_cm": "170"}

    asked = client.post(add_url(patient, "measurement"), typed)
    saved = client.post(add_url(patient, "measurement"), {**typed, "confirmed": "WEIGHT_CHANGE=165"})

    page = asked.content.decode()
    assert "Did you mean 75 kg? 165 lb = 74.8 kg." in page
    assert "Yes, 165 kg is right" in page and 'value="170"' in page
    assert 'value="WEIGHT_CHANGE=165"' in page
    assert saved.status_code == 302
    item = BodyMeasurement.objects.get(patient=patient, measured_on=dt.date(2026, 11, 24))
    assert item.weight_kg == D(165)
    assert AuditEvent.objects.get(action="patients.measurement_added", object_id=str(item.pk)).data == {
        "confirmed": ["WEIGHT_CHANGE"]}


def test_a_tick_confirms_the_value_it_was_shown_for_and_no_other(signed_in, nurse, patient, now):
    actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                            values={"measured_on": dt.date(2026, 11, 2), "weight_kg": D(75)})

    response = signed_in(nurse).post(add_url(patient, "measurement"), {
        "measured_on": "2026-11-24", "weight_kg": "185", "confirmed": "WEIGHT_CHANGE=165"})

    assert not BodyMeasurement.objects.filter(patient=patient, measured_on=dt.date(2026, 11, 24)).exists()
    page = response.content.decode()
    assert "Yes, 185 kg is right" in page and 'value="WEIGHT_CHANGE=185"' in page


def test_a_weight_and_a_height_far_from_the_last_are_saved_with_two_ticks(signed_in, nurse, patient, now):
    actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                            values={"measured_on": dt.date(2026, 11, 2), "weight_kg": D(75), "height_cm": D(170)})
    client = signed_in(nurse)
    typed = {"measured_on": "2026-11-24", "weight_kg": "165", "height_cm": "120"}

    asked = client.post(add_url(patient, "measurement"), typed).content.decode()
    one_tick = client.post(add_url(patient, "measurement"), {**typed, "confirmed": "WEIGHT_CHANGE=165"})
    saved = client.post(add_url(patient, "measurement"),
                        {**typed, "confirmed": ["WEIGHT_CHANGE=165", "HEIGHT_CHANGE=120"]})

    assert "Yes, 165 kg is right" in asked and "Yes, 120 cm is right" in asked
    boxes = re.findall(r'<input type="checkbox" name="confirmed" value="([^"]+)"[^>]*?( checked)?>',
                       one_tick.content.decode())
    assert boxes == [("HEIGHT_CHANGE=120", ""), ("WEIGHT_CHANGE=165", " checked")]
    assert saved.status_code == 302
    item = BodyMeasurement.objects.get(patient=patient, measured_on=dt.date(2026, 11, 24))
    assert (item.weight_kg, item.height_cm) == (D(165), D(120))


def test_a_swapped_blood_pressure_is_refused_beside_the_diastolic(signed_in, nurse, patient):
    response = signed_in(nurse).post(add_url(patient, "measurement"),
                                     {"measured_on": "2026-11-24", "systolic_mmhg": "80", "diastolic_mmhg": "120"})

    assert response.context["form"].errors["diastolic_mmhg"] == [
        "The diastolic pressure (120) must be below the systolic (80). The two may be swapped: did you mean "
        "120/80 mmHg?"]


@pytest.mark.parametrize(("posted", "message"), [
    ({"birth_date": "02/30/2020"},
     "30 Feb 2020 does not exist: February 2020 has 29 days. Check the day and the month."),
    ({"birth_date": "", "birth_date_unreadable": "1"},
     "The date typed does not exist (such as 30 Feb, or 31 Apr, Jun, Sep or Nov). Check the day "
     "against the month."),
])
def test_an_impossible_birth_date_is_named_impossible_not_required(signed_in, nurse, patient, posted, message):
    response = signed_in(nurse).post(reverse("patients:edit", args=[patient.pk]),
                                     {"given_name": "Ada", "family_name": "Lane", "sex": "female",
                                      "site": patient.site_id, "preferred_channel": "phone", "phone": "555-0100",
                                      "referral_source": "self", **posted})

    assert response.context["form"].errors["birth_date"] == [message]
    assert Patient.objects.get(pk=patient.pk).birth_date == dt.date(1980, 4, 9)


@pytest.mark.parametrize(("kind", "extra", "error"), [
    ("psychotherapy", {"max_daily_dose": "200"}, "Dose does not apply to a psychotherapy: clear it or choose the "
                                                 "medicine kind."),
    ("psychotherapy", {"sessions_count": "16", "weeks_at_adequate_dose": "16"}, None),
])
def test_a_prior_treatment_field_of_another_kind_is_refused(signed_in, nurse, patient, kind, extra, error):
    response = signed_in(nurse).post(add_url(patient, "treatment_trial"),
                                     {"kind": kind, "name": "CBT", "outcome": "no_response", "source": "patient",
                                      **extra})

    if error is None:
        assert TreatmentTrial.objects.get(patient=patient).sessions_count == 16
        return
    assert response.context["form"].errors["max_daily_dose"] == [error]


def test_the_indication_picker_offers_codes_and_the_code_alone_saves_the_indication(signed_in, nurse, patient):
    client = signed_in(nurse)

    form = client.get(add_url(patient, "indication"), headers=HTMX).content.decode()
    saved = client.post(add_url(patient, "indication"),
                        {"icd10_code": "F33.2 Major depressive disorder, recurrent severe without psychotic features",
                         "noted_on": "2026-11-24", "active": "on"}, headers=HTMX).content.decode()

    assert 'data-code="F33.2" data-indication="TRD_UNIPOLAR"' in form
    assert "Saved the indication: F33.2 Treatment-resistant major depression." in saved
    assert "Major depressive disorder, recurrent severe without psychotic features" in saved
    assert patient.indications.get().is_primary is True


def test_the_medicine_picker_carries_the_catalogues_class_unit_and_route(signed_in, nurse, patient):
    page = signed_in(nurse).get(add_url(patient, "treatment_trial"), headers=HTMX).content.decode()

    assert ('<option value="Sertraline" data-drug-class="ssri" data-dose-unit="mg" data-route="oral">'
            in page)
    assert 'data-kinds="medication"' in page and 'data-trial-kind' in page
