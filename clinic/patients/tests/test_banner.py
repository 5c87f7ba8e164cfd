"""The patient banner (issue 12 point 1): allergy status, screening flags by kind, age on the site's
today, the front desk's administrative banner, and a query count that does not grow with the record."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients import actions, banner
from clinic.patients.models import (
    Allergy,
    BodyMeasurement,
    Indication,
    Medication,
    OtherDiagnosis,
    Patient,
    RecordRevision,
    Result,
    SafetyHistory,
    TreatmentTrial,
)
from clinic.patients.tests.factories import PatientFactory
from clinic.patients.tests.test_views import clinical_tables, tables_named_in
from clinic.protocols.queries import current_protocol
from clinic.sites.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def banner_html(client, patient: Patient, url_name: str = "patients:chart") -> str:
    page = client.get(reverse(url_name, args=[patient.pk])).content.decode()
    start = page.index('<section class="banner"')
    return page[start:page.index("</section>", start)]


def flag_classes(html: str) -> dict[str, str]:
    """Each flag's code with its CSS classes."""
    pattern = r'<li class="([^"]+)" title="[^"]*" data-code="(\w+)">'
    return {code: classes for classes, code in re.findall(pattern, html)}


def answered_history(patient: Patient, nurse, now, **answers: bool) -> SafetyHistory:
    """A safety history with every question answered no, except the ones given."""
    fields = {name: False for name in SafetyHistory().answers()} | answers
    return SafetyHistory.objects.create(patient=patient, updated_by=nurse, updated_at=now, **fields)


@pytest.fixture
def page_at(signed_in, clock, now):
    """A signed-in client at the fixed `now` (24 Nov 2026, 09:30 in New York)."""
    clock(now)
    return signed_in


# Allergy status

def test_allergies_are_not_yet_recorded_until_someone_records_them(page_at, nurse, main_site):
    patient = PatientFactory(site=main_site)

    html = banner_html(page_at(nurse), patient)

    assert '<span class="flag caution">Allergies not yet recorded</span>' in html
    assert "No known drug allergies" not in html


def test_no_known_drug_allergies_shows_only_once_recorded_with_who_and_when(page_at, nurse, main_site, now):
    patient = PatientFactory(site=main_site)

    actions.record_no_known_drug_allergies(actor=nurse, now=now, patient=patient)
    html = banner_html(page_at(nurse), patient)

    assert '<span class="nkda">No known drug allergies</span>' in html
    assert ('recorded <time datetime="2026-11-24T09:30:00-05:00"><span class="nowrap">24 Nov 2026</span> '
            f'<span class="nowrap">09:30</span></time> by {nurse}') in html
    assert "Allergies not yet recorded" not in html


def test_listed_allergies_show_each_substance_in_the_allergy_style(page_at, nurse, main_site):
    patient = PatientFactory(site=main_site)
    Allergy.objects.create(patient=patient, substance="Penicillin")
    Allergy.objects.create(patient=patient, substance="Latex")

    html = banner_html(page_at(nurse), patient)

    assert re.findall(r'<li class="flag allergy">([^<]+)</li>', html) == ["Latex", "Penicillin"]
    assert ("No known drug allergies" in html, "not yet recorded" in html) == (False, False)


def test_recording_no_known_drug_allergies_is_audited_and_kept_as_a_revision(nurse, main_site, now):
    patient = PatientFactory(site=main_site)

    actions.record_no_known_drug_allergies(actor=nurse, now=now, patient=patient)

    patient.refresh_from_db()
    assert (patient.nkda_recorded_at, patient.nkda_recorded_by) == (now, nurse)
    event = AuditEvent.objects.get(action="patients.nkda_recorded")
    assert (event.actor, [link.patient_id for link in event.patient_links.all()]) == (nurse, [patient.pk])
    revision = RecordRevision.objects.get(patient=patient)
    assert revision.changes == {"nkda_recorded_at": [None, str(now)], "nkda_recorded_by": [None, nurse.pk]}


def test_no_known_drug_allergies_is_refused_while_an_allergy_is_listed(nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    Allergy.objects.create(patient=patient, substance="Penicillin")

    with pytest.raises(actions.AllergiesRecorded) as refused:
        actions.record_no_known_drug_allergies(actor=nurse, now=now, patient=patient)

    assert refused.value.message == (
        "Allergies are recorded for this patient: Penicillin. Remove any entered in error first; while an allergy "
        "is listed, the record cannot say 'no known drug allergies'.")
    patient.refresh_from_db()
    assert (patient.nkda_recorded_at, AuditEvent.objects.filter(action="patients.nkda_recorded").count()) == (None, 0)


def test_the_nkda_button_records_it_and_returns_to_the_allergies(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)

    response = signed_in(nurse).post(reverse("patients:record_nkda", args=[patient.pk]))

    assert response.headers["Location"] == reverse("patients:intake", args=[patient.pk]) + "#allergy"
    patient.refresh_from_db()
    assert patient.nkda_recorded_by == nurse


def test_the_nkda_button_says_why_it_refused(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)
    Allergy.objects.create(patient=patient, substance="Sulfa drugs")

    response = signed_in(nurse).post(reverse("patients:record_nkda", args=[patient.pk]), follow=True)

    assert "Allergies are recorded for this patient: Sulfa drugs." in response.content.decode()
    patient.refresh_from_db()
    assert patient.nkda_recorded_at is None



def allergy_section(client, patient: Patient) -> str:
    page = client.get(reverse("patients:intake", args=[patient.pk])).content.decode()
    start = page.index("<h2>Allergies</h2>")
    return re.sub(r"\s+", " ", page[start:page.index("</section>", start)])


def test_the_nkda_button_asks_to_confirm_again_once_recorded_and_shows_who_and_when(page_at, nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    client = page_at(nurse)
    before = allergy_section(client, patient)

    actions.record_no_known_drug_allergies(actor=nurse, now=now, patient=patient)
    after = allergy_section(client, patient)
    Allergy.objects.create(patient=patient, substance="Latex")
    with_allergy = allergy_section(client, patient)

    button = r'data-testid="nkda-button">([^<]*)</button>'
    assert ("Allergies not yet recorded." in before, re.findall(button, before)) == (
        True, ["No known drug allergies"])
    assert f"No known drug allergies (recorded 24 Nov 2026 by {nurse})" in re.sub(r"<[^>]+>", "", after)
    assert re.findall(button, after) == ["Confirm again: no known drug allergies"]
    assert re.findall(button, with_allergy) == [] and "Latex" in with_allergy


# Flags by kind

def test_current_psychosis_is_a_hard_stop_and_could_become_pregnant_is_information(page_at, nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    answered_history(patient, nurse, now, psychosis_current=True, could_become_pregnant=True,
                     substance_use_disorder_past=True)

    classes = flag_classes(banner_html(page_at(nurse), patient))

    assert classes["HS_PSYCHOSIS_ACTIVE"] == "flag hard-stop"
    assert classes["CA_SUD_HISTORY"] == "flag caution"
    assert classes["IN_PREGNANCY_TEST"] == "flag information"


def test_each_kind_is_listed_under_its_own_heading_with_the_rules_title(page_at, nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    answered_history(patient, nurse, now, psychosis_current=True, could_become_pregnant=True,
                     substance_use_disorder_past=True)

    html = banner_html(page_at(nurse), patient)

    groups = dict(re.findall(r'<span class="label">([^<]+)</span><ul class="flags">(.*?)</ul>', html))
    assert ">Current psychosis or psychotic features in this episode</li>" in groups["Hard stops"]
    assert ">Substance use history or positive substance screen</li>" in groups["Cautions"]
    assert ">Pregnancy test needed before the first infusion starts</li>" in groups["For information"]
    assert "psychosis" not in groups["For information"] + groups["Cautions"]


def test_a_flag_detail_names_the_day_measured_in_words_never_the_time_it_was_entered(page_at, nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 20), systolic_mmhg=150,
                                   diastolic_mmhg=95, recorded_by=nurse, recorded_at=now)

    html = banner_html(page_at(nurse), patient)

    [detail] = re.findall(r'<li class="flag caution" title="([^"]*)" data-code="CA_HTN">', html)
    assert detail == "Intake BP on 20 Nov 2026: 150/95 mmHg; the highest, 150/95, is above 140/90."
    assert "09:30" not in html and "2026-11-20" not in html


def test_an_empty_intake_is_one_hard_stop_saying_briefly_what_is_missing(page_at, nurse, main_site):
    patient = PatientFactory(site=main_site, sex="male")

    html = banner_html(page_at(nurse), patient)

    # Whether he could become pregnant is not yet asked either, so the test stays due (clinical-reference §3).
    assert flag_classes(html) == {"HS_INTAKE_INCOMPLETE": "flag hard-stop", "IN_PREGNANCY_TEST": "flag information"}
    assert (">Intake incomplete: still to record 29 safety questions, indication, screens AUDIT-C, DAST-10, "
            "C-SSRS screener, seated blood pressure</li>") in html


def test_a_partly_answered_intake_counts_the_questions_left(page_at, nurse, main_site, now):
    patient = PatientFactory(site=main_site, sex="male")
    history = answered_history(patient, nurse, now)
    SafetyHistory.objects.filter(pk=history.pk).update(psychosis_current=None)
    Indication.objects.create(patient=patient, code="TRD_UNIPOLAR", icd10_code="F33.2", noted_on=dt.date(2026, 10, 1))
    BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 20), systolic_mmhg=128,
                                   diastolic_mmhg=82, recorded_by=nurse, recorded_at=now)

    html = banner_html(page_at(nurse), patient)

    assert (">Intake incomplete: still to record 1 safety question, screens AUDIT-C, DAST-10, C-SSRS screener, "
            "PHQ-9</li>") in html


def test_an_intake_the_rules_refuse_is_a_hard_stop_naming_the_error(page_at, nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    OtherDiagnosis.objects.create(patient=patient, icd10_code="33", description="typed wrong", status="current",
                                  noted_on=dt.date(2026, 10, 1), recorded_by=nurse, recorded_at=now)

    html = banner_html(page_at(nurse), patient)

    assert flag_classes(html) == {"INTAKE_INVALID": "flag hard-stop"}
    assert ">Intake has an error: &#x27;33&#x27; is not an ICD-10-CM code (a letter, two characters, then up to four " \
           "after the dot, e.g. F31.64). Check the code.</li>" in html


def test_the_intake_read_for_screening_is_the_record_as_it_stands(nurse, main_site, now):
    patient = PatientFactory(site=main_site, birth_date=dt.date(1984, 6, 2))
    answered_history(patient, nurse, now, bipolar_disorder=True)
    Indication.objects.create(patient=patient, code="TRD_BIPOLAR", icd10_code="F31.81", noted_on=dt.date(2026, 10, 1))
    Indication.objects.create(patient=patient, code="PTSD", icd10_code="F43.10", active=False,
                              noted_on=dt.date(2025, 1, 1))
    Medication.objects.create(patient=patient, name="Lamotrigine", drug_class="mood_stabiliser")
    Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri", stopped_on=dt.date(2026, 1, 1))
    TreatmentTrial.objects.create(patient=patient, kind="medication", name="Bupropion",
                                  drug_class="antidepressant_other", outcome="no_response",
                                  weeks_at_adequate_dose=8, current_episode=True, adequate_dose=True, adherence="good")
    Result.objects.create(patient=patient, kind="pregnancy_test", taken_on=dt.date(2026, 11, 20), outcome="negative",
                          recorded_by=nurse, recorded_at=now)
    Result.objects.create(patient=patient, kind="pregnancy_test", taken_on=dt.date(2026, 11, 21), outcome="pending",
                          recorded_by=nurse, recorded_at=now)
    for minutes, (systolic, diastolic) in ((0, (182, 100)), (6, (185, 104))):
        BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 24), systolic_mmhg=systolic,
                                       diastolic_mmhg=diastolic, recorded_by=nurse,
                                       recorded_at=now + dt.timedelta(minutes=minutes))

    protocol = current_protocol(site=patient.site, now=now)
    intake = banner.current_intake(Patient.objects.get(pk=patient.pk), today=dt.date(2026, 11, 24), protocol=protocol)

    assert (intake.first_infusion_date, intake.infusion_date, intake.indications) == (
        dt.date(2026, 11, 24), dt.date(2026, 11, 24), ("TRD_BIPOLAR",))
    assert [(med.name, med.drug_class) for med in intake.medications] == [("Lamotrigine", "mood_stabiliser")]
    assert [(trial.name, trial.weeks_at_adequate_dose, trial.adequate_dose) for trial in intake.treatment_trials] == [
        ("Bupropion", 8, True)]
    assert [(test.taken_on, test.positive) for test in intake.pregnancy_tests] == [(dt.date(2026, 11, 20), False)]
    assert sorted((bp.measured_at.isoformat(), bp.systolic_mmhg) for bp in intake.blood_pressures) == [
        ("2026-11-24T09:30:00-05:00", 182), ("2026-11-24T09:36:00-05:00", 185)]
    codes = {flag.code for flag in banner.screening_flags(Patient.objects.get(pk=patient.pk),
                                                          today=dt.date(2026, 11, 24), protocol=protocol)}
    assert {"HS_HTN_UNCONTROLLED", "CA_BIPOLAR", "IN_TRD"} <= codes
    assert "IN_PREGNANCY_TEST" not in codes


# Age and under 18

@pytest.mark.parametrize(("birth_date", "age", "flagged"), [
    (dt.date(2008, 11, 24), "18 y", False),  # 18th birthday today at the site
    (dt.date(2008, 11, 25), "17 y", True),  # 18 tomorrow
])
def test_under_18_is_flagged_on_both_sides_of_the_birthday(page_at, nurse, main_site, birth_date, age, flagged):
    patient = PatientFactory(site=main_site, birth_date=birth_date)

    html = banner_html(page_at(nurse), patient)

    assert f'<span class="nowrap">{age}</span>' in html
    assert ('<span class="flag danger">Under 18</span>' in html) is flagged


def test_age_is_counted_on_the_sites_today_not_the_servers(page_at, nurse, main_site):
    """At 09:30 in New York on 24 Nov it is already 25 Nov on Kiritimati (UTC+14)."""
    kiritimati = SiteFactory(organisation=main_site.organisation, time_zone="Pacific/Kiritimati")
    nurse.sites.add(kiritimati)
    patient = PatientFactory(site=kiritimati, birth_date=dt.date(2008, 11, 25))

    html = banner_html(page_at(nurse), patient)

    assert '<span class="nowrap">18 y</span> · <span class="nowrap">born 25 Nov 2008</span>' in html
    assert "Under 18" not in html


def test_the_banner_names_the_patient_legally_with_the_preferred_name_beside(page_at, nurse, main_site):
    patient = PatientFactory(site=main_site, given_name="Margaret", family_name="Quill", preferred_name="Mae",
                             sex="female", mrn="K000777")

    html = banner_html(page_at(nurse), patient)

    assert '<h1 class="banner-name">Quill, Margaret <span class="preferred">goes by Mae</span></h1>' in html
    assert ('<span class="label">MRN</span> K000777' in html, "<li>Female</li>" in html,
            '<span class="label">Site</span> Main' in html) == (True, True, True)


# Front desk

@pytest.mark.parametrize("url_name", ["patients:chart", "patients:edit"])
def test_front_desk_gets_the_administrative_banner_and_no_clinical_read(page_at, front_desk, nurse, main_site, now,
                                                                        url_name):
    patient = PatientFactory(site=main_site, given_name="Mara", family_name="Quill", birth_date=dt.date(2009, 1, 5))
    Allergy.objects.create(patient=patient, substance="Penicillin")
    answered_history(patient, nurse, now, psychosis_current=True)
    client = page_at(front_desk)

    with CaptureQueriesContext(connection) as captured:
        html = banner_html(client, patient, url_name)

    assert tables_named_in(captured, clinical_tables()) == set()
    assert ("Quill, Mara" in html, '<span class="nowrap">17 y</span>' in html,
            '<span class="flag danger">Under 18</span>' in html) == (True, True, True)
    assert [text for text in ("Allergies", "Penicillin", "Hard stops", "psychosis", "data-code") if text in html] == []


# Queries

def add_records(patient: Patient, nurse, now, count: int) -> None:
    """`count` rows of every kind the banner reads."""
    for index in range(count):
        Allergy.objects.create(patient=patient, substance=f"Substance {index}")
        Indication.objects.create(patient=patient, code="TRD_UNIPOLAR", icd10_code="F33.2",
                                  noted_on=dt.date(2026, 10, 1))
        OtherDiagnosis.objects.create(patient=patient, icd10_code="F41.1", description="Generalized anxiety disorder",
                                      status="current", noted_on=dt.date(2026, 10, 1), recorded_by=nurse,
                                      recorded_at=now)
        Medication.objects.create(patient=patient, name=f"Medicine {index}", drug_class="ssri")
        BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 1), systolic_mmhg=120,
                                       diastolic_mmhg=80, recorded_by=nurse, recorded_at=now)
        TreatmentTrial.objects.create(patient=patient, kind="medication", name=f"Trial {index}", drug_class="ssri",
                                      outcome="no_response")
        Result.objects.create(patient=patient, kind="pregnancy_test", taken_on=dt.date(2026, 11, 20),
                              outcome="negative", recorded_by=nurse, recorded_at=now)
    answered_history(patient, nurse, now)


@pytest.mark.parametrize("url_name", ["patients:chart", "patients:intake", "patients:history", "patients:edit",
                                      "patients:safety_history", "patients:document_upload"])
def test_a_patient_page_takes_the_same_queries_for_a_short_and_a_long_record(page_at, nurse, main_site, now,
                                                                             url_name):
    short, long = PatientFactory(site=main_site), PatientFactory(site=main_site)
    add_records(short, nurse, now, 1)
    add_records(long, nurse, now, 25)
    client = page_at(nurse)
    banner_html(client, short, url_name)  # the session and second factor settle on the first request

    with CaptureQueriesContext(connection) as one:
        short_html = banner_html(client, short, url_name)
    with CaptureQueriesContext(connection) as many:
        long_html = banner_html(client, long, url_name)

    assert (short_html.count('class="flag allergy"'), long_html.count('class="flag allergy"')) == (1, 25)
    assert len(one) == len(many)


def test_a_time_at_a_site_in_another_zone_names_its_zone(page_at, nurse, main_site, now):
    """The nurse works at Main (New York); the patient's site keeps Kiritimati time (UTC+14)."""
    kiritimati = SiteFactory(organisation=main_site.organisation, time_zone="Pacific/Kiritimati")
    nurse.sites.add(kiritimati)
    patient = PatientFactory(site=kiritimati)
    actions.record_no_known_drug_allergies(actor=nurse, now=now, patient=patient)

    html = banner_html(page_at(nurse), patient)

    assert ('recorded <time datetime="2026-11-25T04:30:00+14:00" title="Pacific/Kiritimati"><span class="nowrap">'
            '25 Nov 2026</span> <span class="nowrap">04:30</span><span class="zone"> UTC+14</span></time>') in html


@pytest.mark.parametrize(("url_name", "current"), [("patients:chart", "Summary"), ("patients:intake", "Intake"),
                                                   ("patients:history", "History"),
                                                   ("audit:patient", "Who viewed or changed")])
def test_the_tabs_under_the_banner_mark_the_page_shown(page_at, director, main_site, url_name, current):
    patient = PatientFactory(site=main_site)

    page = page_at(director).get(reverse(url_name, args=[patient.pk])).content.decode()

    tabs = page[page.index('<nav class="tabs"'):page.index("</nav>", page.index('<nav class="tabs"'))]
    assert re.findall(r'aria-current="page">([^<]+)</a>', tabs) == [current]
