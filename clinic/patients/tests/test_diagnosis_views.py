"""The patient's other diagnoses on the intake page, its form and the chart (clinical-reference §2.1,
"Codes that screening must read")."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients.models import OtherDiagnosis
from clinic.patients.tests.factories import OtherDiagnosisFactory, PatientFactory

# 2026-11-24 in New York, the main site's zone.
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
PAST_BIPOLAR = {"icd10_code": "f3181", "status": "past", "onset_on": "2019-03-01", "resolved_on": "2021-06-01",
                "noted_on": "2026-11-20"}


@pytest.fixture
def patient(main_site, clock):
    clock(NOW)
    return PatientFactory(site=main_site)


def add_url(patient) -> str:
    return reverse("patients:intake_add", args=[patient.pk, "other_diagnosis"])


def test_saving_shows_the_codes_description_in_the_message_and_the_list(signed_in, nurse, patient):
    """clinical-reference §2.1: F31.81 is bipolar II disorder; the nurse sees the words, not only the code."""
    client = signed_in(nurse)

    response = client.post(add_url(patient), PAST_BIPOLAR, follow=True)

    assert response.redirect_chain == [(reverse("patients:intake", args=[patient.pk]) + "#other_diagnosis", 302)]
    page = response.content.decode()
    assert "Saved the other diagnosis: F31.81 Bipolar II disorder." in page
    diagnosis = OtherDiagnosis.objects.get()
    change_url = reverse("patients:intake_edit", args=[patient.pk, "other_diagnosis", diagnosis.pk])
    assert (f'<td><a href="{change_url}" title="Change this diagnosis">F31.81</a></td>'
            "<td>Bipolar II disorder</td>") in page
    assert OtherDiagnosis.objects.get().recorded_by == nurse


def test_an_unknown_code_shows_the_form_again_with_what_was_typed_and_the_message_at_the_field(
        signed_in, nurse, patient):
    """clinical-reference §2.1: only codes of the code set reach screening."""
    response = signed_in(nurse).post(add_url(patient), {**PAST_BIPOLAR, "icd10_code": "F99.99"})

    form = response.context["form"]
    assert form.errors == {"icd10_code": [
        "F99.99 is not an ICD-10-CM code. Check it in the ICD-10-CM tabular list (for example F33.1)."]}
    assert (form["icd10_code"].value(), form["onset_on"].value(), form["status"].value()) == (
        "F99.99", "2019-03-01", "past")
    assert "F99.99 is not an ICD-10-CM code." in response.content.decode()
    assert not OtherDiagnosis.objects.exists()
    assert AuditEvent.objects.filter(action="patients.other_diagnosis_form_viewed").count() == 1


def test_an_unknown_code_is_reported_together_with_the_other_fields_errors(signed_in, nurse, patient):
    """clinical-reference §2.1: the code is checked with the rest of the form, so one submit shows every
    correction to make."""
    response = signed_in(nurse).post(add_url(patient), {**PAST_BIPOLAR, "icd10_code": "F99.99", "status": ""})

    assert set(response.context["form"].errors) == {"icd10_code", "status"}
    assert not OtherDiagnosis.objects.exists()


@pytest.mark.parametrize(("onset_on", "saved"), [("2026-11-24", True), ("2026-11-25", False)])
def test_an_onset_after_today_at_the_site_is_refused_at_its_field(onset_on, saved, signed_in, nurse, patient):
    """clinical-reference §2.1 history: today at the site is 2026-11-24; the 25th cannot have happened."""
    response = signed_in(nurse).post(add_url(patient), {"icd10_code": "F20.9", "status": "current",
                                                       "onset_on": onset_on, "noted_on": "2026-11-24"})

    assert OtherDiagnosis.objects.exists() is saved
    if not saved:
        assert response.context["form"].errors == {"onset_on": [
            "The onset date 25 Nov 2026 is after today at the site (24 Nov 2026). Check the day and the year."]}


def test_a_current_diagnosis_with_a_resolved_date_is_refused_at_the_resolved_field(signed_in, nurse, patient):
    """clinical-reference §2.1: current or past decides the finding; a current diagnosis is not resolved."""
    response = signed_in(nurse).post(add_url(patient), {**PAST_BIPOLAR, "status": "current"})

    assert list(response.context["form"].errors) == ["resolved_on"]
    assert not OtherDiagnosis.objects.exists()


def test_the_change_form_shows_the_recorded_description(signed_in, nurse, patient):
    """clinical-reference §2.1: the description recorded with the code."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse)

    response = signed_in(nurse).get(reverse("patients:intake_edit", args=[patient.pk, "other_diagnosis",
                                                                          diagnosis.pk]))

    assert "Recorded: <strong>F31.81 Bipolar II disorder</strong>" in response.content.decode()
    assert response.context["form"]["icd10_code"].value() == "F31.81"


def test_a_refused_change_still_shows_what_is_recorded_beside_what_was_typed(signed_in, nurse, patient):
    """clinical-reference §2.1: the header names the recorded code and its description, never the
    typed code beside the old description."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse)
    url = reverse("patients:intake_edit", args=[patient.pk, "other_diagnosis", diagnosis.pk])

    response = signed_in(nurse).post(url, {**PAST_BIPOLAR, "icd10_code": "F20.9", "status": "current",
                                           "resolved_on": "2021-06-01"})

    page = response.content.decode()
    assert "Recorded: <strong>F31.81 Bipolar II disorder</strong>" in page
    assert "F20.9 Bipolar II disorder" not in page
    assert response.context["form"]["icd10_code"].value() == "F20.9"
    diagnosis.refresh_from_db()
    assert (diagnosis.icd10_code, diagnosis.description) == ("F31.81", "Bipolar II disorder")


def test_the_chart_summary_lists_other_diagnoses_marking_past_ones(signed_in, nurse, patient):
    """clinical-reference §2.1: a bipolar diagnosis beside another indication matters at every visit."""
    OtherDiagnosisFactory(patient=patient, recorded_by=nurse)

    page = signed_in(nurse).get(reverse("patients:chart", args=[patient.pk])).content.decode()

    assert 'F31.81 <span class="muted">Bipolar II disorder</span> <span class="tag">past</span>' in page


def test_front_desk_may_not_add_one(signed_in, front_desk, patient):
    """clinical-reference §2.1: diagnoses are clinical data."""
    response = signed_in(front_desk).post(add_url(patient), PAST_BIPOLAR)

    assert response.status_code == 403
    assert not OtherDiagnosis.objects.exists()


# Session, user, second factor, the user's sites, the patient, one query for each of the eight lists
# (indications, other diagnoses, medicines, allergies, measurements, prior treatments, results,
# documents), the audit write's four, and the banner's reads for screening: the two of the diagnoses,
# the stored intake screens and the suicide risk assessments; and its open alerts; and the open alert count
# beside "Alerts" in the navigation (issue 13); and the site's protocol version in force, read once for the
# banner's screening and under-18 flags and the chart's vitals limits (clinic.protocols.reading).
PATIENT_PAGE_QUERIES = 24


@pytest.mark.parametrize("url_name", ["patients:intake", "patients:chart"])
def test_intake_and_chart_take_the_same_queries_for_1_and_30_diagnoses(url_name, signed_in, nurse, patient):
    """clinical-reference §2.1 list; style §5.8: the query count does not grow with the rows."""
    client = signed_in(nurse)
    url = reverse(url_name, args=[patient.pk])
    OtherDiagnosisFactory(patient=patient, recorded_by=nurse)
    client.get(url)  # the first request creates the audit chain's head row
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    OtherDiagnosisFactory.create_batch(29, patient=patient, recorded_by=nurse)

    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url)

    assert response.content.decode().count("Bipolar II disorder") == 30
    assert len(one) == len(thirty) <= PATIENT_PAGE_QUERIES
