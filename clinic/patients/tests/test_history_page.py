"""The History tab in plain language: record kinds as words, fields as labels, values as the forms show
them, staff by name and role, and a query count flat in the number of revisions."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.patients import actions
from clinic.patients.models import ReferringClinician
from clinic.patients.revisions import revision_rows
from clinic.patients.tests.factories import PatientFactory

REGISTRATION = {"given_name": "Mara", "family_name": "Quill", "birth_date": dt.date(1984, 6, 2), "sex": "female",
                "phone": "555-0100", "preferred_channel": "sms"}


@pytest.fixture
def priya(main_site):
    return StaffUserFactory(username="priya", first_name="Priya", last_name="Raman", credentials="NP",
                            role="prescriber", organisation=main_site.organisation, sites=[main_site])


@pytest.fixture
def patient(main_site):
    return PatientFactory(site=main_site, given_name="Mara", family_name="Quill", mrn="K000042")


def _history(client, patient):
    response = client.get(reverse("patients:history", args=[patient.pk]))
    assert response.status_code == 200
    return response


def _shown(row) -> list[tuple[str, str, str]]:
    return [(change.label, change.before.text, change.after.text) for change in row.changes]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_registration_and_its_changes_show_labels_display_values_names_and_dates(
        signed_in, priya, main_site, now):
    referrer = ReferringClinician.objects.create(organisation=main_site.organisation, name="Ana Ruiz",
                                                 credentials="MD", practice="Harbour Psychiatry")
    patient = actions.register_patient(actor=priya, now=now, site=main_site, **REGISTRATION)
    actions.update_patient(actor=priya, now=now + dt.timedelta(minutes=5), patient=patient,
                           phone="555-0199", birth_date=dt.date(1984, 6, 3), preferred_channel="phone",
                           referring_clinician=referrer)

    response = _history(signed_in(priya), patient)

    changed, registered = response.context["rows"]
    assert (changed.title, changed.staff) == ("Registration details changed", "Priya Raman, NP · Prescriber")
    assert sorted(_shown(changed)) == [
        ("Date of birth", "2 Jun 1984", "3 Jun 1984"),
        ("Phone", "555-0100", "555-0199"),
        ("Preferred channel", "Text message", "Phone call"),
        ("Referring clinician", "—", "Ana Ruiz, MD — Harbour Psychiatry"),
    ]
    assert registered.title == "Patient registered"
    assert {label: after for label, _, after in _shown(registered)} == {
        "Given name": "Mara", "Family name": "Quill", "Date of birth": "2 Jun 1984", "Sex": "Female",
        "Phone": "555-0100", "Preferred channel": "Text message"}
    text = _text(response.content.decode())
    assert "Date of birth: 2 Jun 1984 → 3 Jun 1984" in text
    assert "Referring clinician: — → Ana Ruiz, MD — Harbour Psychiatry" in text
    assert "Priya Raman, NP · Prescriber" in text
    # Never the stored field names, codes or ISO dates.
    assert not re.search(r"referring_clinician|preferred_channel|1984-06-0|\bsms\b", text)


def test_intake_records_become_words_with_their_labels_units_and_choice_labels(signed_in, priya, patient, now):
    measured = actions.add_intake_item(actor=priya, now=now, patient=patient, kind="measurement",
                                       measured_on=dt.date(2026, 11, 20), weight_kg=Decimal("75.0"),
                                       height_cm=Decimal("170.0"))
    allergy = actions.add_intake_item(actor=priya, now=now, patient=patient, kind="allergy",
                                      substance="Penicillin", severity="mild")
    actions.change_intake_item(actor=priya, now=now + dt.timedelta(minutes=1), item=allergy, severity="severe")
    trial = actions.add_intake_item(actor=priya, now=now, patient=patient, kind="treatment_trial", values={
        "kind": "medication", "name": "Sertraline", "drug_class": "ssri", "outcome": "no_response"})
    actions.remove_intake_item(actor=priya, now=now + dt.timedelta(minutes=2), item=trial)
    actions.remove_intake_item(actor=priya, now=now + dt.timedelta(minutes=3), item=measured)

    response = _history(signed_in(priya), patient)

    rows = {row.title: row for row in response.context["rows"]}
    assert set(rows) == {"Body measurement added", "Body measurement removed", "Allergy added", "Allergy changed",
                         "Prior treatment added", "Prior treatment removed"}
    assert _shown(rows["Body measurement added"]) == [
        ("Measured on", "—", "20 Nov 2026"), ("Weight", "—", "75.0 kg"), ("Height", "—", "170.0 cm")]
    assert _shown(rows["Allergy changed"]) == [("Severity", "Mild", "Severe")]
    removed_trial = {label: before for label, before, _ in _shown(rows["Prior treatment removed"])}
    assert (removed_trial["Kind"], removed_trial["Name"], removed_trial["Class"], removed_trial["Outcome"]) == (
        "Medication", "Sertraline", "Antidepressant — SSRI", "No response")
    # A removed record shows what it held, with who recorded it by name and role; empty fields are left out.
    removed_measurement = {change.label: change.before for change in rows["Body measurement removed"].changes}
    assert removed_measurement["Recorded by"].text == "Priya Raman, NP · Prescriber"
    assert removed_measurement["Recorded at"].at == now
    assert "Systolic blood pressure" not in removed_measurement
    text = _text(response.content.decode())
    assert "Severity: Mild → Severe" in text and "Weight: 75.0 kg" in text and "Class: Antidepressant — SSRI" in text
    assert "Recorded at: 24 Nov 2026 09:30" in text


def test_safety_history_shows_the_questions_and_not_asked_for_an_unanswered_one(signed_in, priya, patient, now):
    actions.save_safety_history(actor=priya, now=now, patient=patient,
                                answers={"pregnant": False, "bipolar_disorder": True})
    actions.save_safety_history(actor=priya, now=now + dt.timedelta(minutes=1), patient=patient,
                                answers={"pregnant": False, "bipolar_disorder": False, "psychosis_current": True})

    response = _history(signed_in(priya), patient)

    changed, recorded = response.context["rows"]
    assert recorded.title == "Safety history recorded"
    assert sorted(_shown(recorded)) == [("Bipolar disorder", "not asked", "Yes"),
                                        ("Pregnant (reported or positive test)", "not asked", "No")]
    assert changed.title == "Safety history changed"
    assert sorted(_shown(changed)) == [("Bipolar disorder", "Yes", "No"), ("Current psychosis", "not asked", "Yes")]
    text = _text(response.content.decode())
    assert "Current psychosis: not asked → Yes" in text and "Bipolar disorder: Yes → No" in text
    assert "psychosis_current" not in text


def test_the_page_carries_the_patient_banner_and_tabs(signed_in, priya, patient, clock, now):
    clock(now)
    html = _history(signed_in(priya), patient).content.decode()

    assert 'data-testid="patient-banner"' in html and "Quill, Mara" in html and "K000042" in html
    assert re.search(r'data-testid="banner-age">\D*46 y', html)  # born 9 Apr 1980, seen on 24 Nov 2026
    assert f'href="{reverse("patients:chart", args=[patient.pk])}"' in html
    assert re.search(rf'href="{reverse("patients:history", args=[patient.pk])}"[^>]*aria-current="page"', html)


def test_a_value_naming_a_row_no_longer_held_says_so(patient, priya, now):
    revision = actions.record_revision(patient=patient, record=patient, actor=priya, now=now, change="update",
                                       changes={"referring_clinician": [None, 999999], "retired_field": ["a", "b"]})

    (row,) = revision_rows([revision])

    assert _shown(row) == [("Referring clinician", "—", "no longer on record (#999999)"),
                           ("Retired field", "a", "b")]


def test_a_confirmed_weight_change_says_what_was_confirmed(signed_in, priya, patient, now):
    actions.add_intake_item(actor=priya, now=now, patient=patient, kind="measurement",
                            measured_on=dt.date(2026, 11, 1), weight_kg=Decimal("75.0"))
    actions.add_intake_item(actor=priya, now=now, patient=patient, kind="measurement",
                            measured_on=dt.date(2026, 11, 20), weight_kg=Decimal("95.0"), confirmed=["WEIGHT_CHANGE"])

    newest = _history(signed_in(priya), patient).context["rows"][0]

    assert _shown(newest) == [("Measured on", "—", "20 Nov 2026"), ("Weight", "—", "95.0 kg"),
                              ("Confirmed as right", "—", "weight change from the last weight")]


def _revisions(patient, actor, now, count: int) -> None:
    for number in range(count):
        actions.record_revision(patient=patient, record=patient, actor=actor, now=now, change="update",
                                changes={"phone": ["555-0100", f"555-{number:04d}"], "site": [None, patient.site_id]})


def test_query_count_is_the_same_for_10_and_100_revisions(signed_in, priya, patient, now,
                                                          django_assert_max_num_queries):
    client = signed_in(priya)
    other = StaffUserFactory(username="tom", first_name="Tom", last_name="Hale", role="nurse",
                             organisation=patient.organisation, sites=[patient.site])
    _revisions(patient, priya, now, 5)
    _revisions(patient, other, now, 5)
    _history(client, patient)
    with django_assert_max_num_queries(30) as small:
        _history(client, patient)
    _revisions(patient, other, now, 90)

    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = _history(client, patient)

    assert len(response.context["rows"]) == 100
    assert len(large.captured_queries) == len(small.captured_queries)
    assert {row.staff for row in response.context["rows"]} == {"Priya Raman, NP · Prescriber", "Tom Hale · Nurse"}
