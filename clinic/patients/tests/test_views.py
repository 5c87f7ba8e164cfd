import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients import actions
from clinic.patients.models import (
    Allergy,
    BodyMeasurement,
    Document,
    Indication,
    Medication,
    Patient,
    RecordRevision,
    SafetyHistory,
)
from clinic.patients.tests.factories import PatientFactory

REGISTRATION = {
    "given_name": "Mara", "family_name": "Quill", "birth_date": "1984-06-02", "sex": "female",
    "phone": "555-0100", "preferred_channel": "sms", "referral_source": "self",
    "escort_name": "Tom Quill", "escort_phone": "555-0101",
}


def without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def patients_named_in(event: AuditEvent) -> list[int]:
    return sorted(link.patient_id for link in event.patient_links.all())


def clinical_tables() -> set[str]:
    """Every table of rows about one patient, the registry and the audit trail's links apart: a new
    clinical model joins by its relation to the patient."""
    return {model._meta.db_table for model in apps.get_models()
            if model is not Patient and model._meta.app_label != "audit"
            and any(field.related_model is Patient for field in model._meta.fields if field.is_relation)}


def tables_named_in(captured: CaptureQueriesContext, tables: set[str]) -> set[str]:
    sql = "\n".join(query["sql"] for query in captured.captured_queries)
    return {table for table in tables if f'"{table}"' in sql}


def test_patient_list_shows_only_own_sites_and_audits_them(signed_in, nurse, main_site, other_site):
    mine = PatientFactory(site=main_site, family_name="Abbott")
    PatientFactory(site=other_site, family_name="Zimmer")

    response = signed_in(nurse).get(reverse("patients:list"))

    assert [p.family_name for p in response.context["patients"]] == ["Abbott"]
    event = AuditEvent.objects.get(action="patients.list_viewed")
    assert (event.actor, patients_named_in(event)) == (nurse, [mine.pk])


# Style habit 8: a list page takes at most this many queries, sign-in, second factor and audit included.
HOUSE_BUDGET_QUERIES = 10
# A whole page also shows clinical staff the open alert count beside "Alerts" in the navigation (issue 13):
# one query more, the same however many rows; the list's own results (search as one types) take none.
NAVIGATION_QUERIES = 1
# What the budget must include: the session and its user, the second-factor device, the audit write.
SIGN_IN_AND_AUDIT_TABLES = {"django_session", "accounts_staffuser", "otp_static_staticdevice", "audit_auditevent"}


def list_page(client, django_assert_max_num_queries, query: str = ""):
    """The patient list or a search, with the queries it took."""
    with django_assert_max_num_queries(HOUSE_BUDGET_QUERIES + NAVIGATION_QUERIES) as captured:
        response = client.get(reverse("patients:list"), {"q": query} if query else {})
    return response, captured


@pytest.mark.parametrize("query", ["", "lindq"], ids=["list", "search"])
def test_patient_list_stays_within_the_house_budget_for_5_40_and_1000_patients(
        signed_in, nurse, main_site, other_site, django_assert_max_num_queries, query):
    client = signed_in(nurse)
    nurse.sites.add(other_site)
    PatientFactory.create_batch(5, site=main_site, family_name="Lindqvist")
    client.get(reverse("patients:list"))  # the first request creates the audit chain's head row
    _, five = list_page(client, django_assert_max_num_queries, query)
    PatientFactory.create_batch(35, site=other_site, family_name="Lindqvist")
    forty_page, forty = list_page(client, django_assert_max_num_queries, query)
    PatientFactory.create_batch(960, site=main_site, family_name="Lindqvist")

    thousand_page, thousand = list_page(client, django_assert_max_num_queries, query)

    assert [len(five), len(forty), len(thousand)] == [len(five)] * 3
    assert tables_named_in(forty, SIGN_IN_AND_AUDIT_TABLES) == SIGN_IN_AND_AUDIT_TABLES
    assert (len(forty_page.context["patients"]), forty_page.content.count(b"Lindqvist")) == (40, 40)
    assert b"North" in forty_page.content
    assert (len(thousand_page.context["patients"]), thousand_page.context["page"].paginator.count) == (50, 1000)


def test_registering_a_patient_assigns_an_mrn_and_records_who_did_it(signed_in, front_desk, main_site):
    response = signed_in(front_desk).post(reverse("patients:register"), {**REGISTRATION, "site": main_site.pk})

    patient = Patient.objects.get()
    assert response.headers["Location"] == reverse("patients:chart", args=[patient.pk])
    assert (patient.mrn, patient.given_name, patient.escort_name) == ("K000001", "Mara", "Tom Quill")
    event = AuditEvent.objects.get(action="patients.registered")
    assert (event.actor, patients_named_in(event)) == (front_desk, [patient.pk])
    revision = RecordRevision.objects.get(patient=patient)
    assert (revision.change, revision.changes["family_name"]) == ("create", [None, "Quill"])


def test_registering_the_same_name_and_birth_date_warns_before_saving(signed_in, front_desk, main_site):
    existing = PatientFactory(site=main_site, given_name="Mara", family_name="Quill",
                              birth_date=dt.date(1984, 6, 2))
    client = signed_in(front_desk)

    response = client.post(reverse("patients:register"), {**REGISTRATION, "site": main_site.pk})

    assert Patient.objects.count() == 1
    assert response.context["duplicates"] == [existing]
    assert "already registered" in response.context["form"].non_field_errors()[0]
    assert response.context["form"]["escort_name"].value() == "Tom Quill"

    client.post(reverse("patients:register"), {**REGISTRATION, "site": main_site.pk, "confirm_duplicate": "on"})

    assert Patient.objects.count() == 2


def test_registration_with_a_future_birth_date_keeps_what_was_typed(signed_in, front_desk, main_site):
    response = signed_in(front_desk).post(
        reverse("patients:register"), {**REGISTRATION, "site": main_site.pk, "birth_date": "2999-01-01"})

    form = response.context["form"]
    assert form.errors["birth_date"][0].startswith("The date of birth 1 Jan 2999 is after today at the site (")
    assert (form["given_name"].value(), form["phone"].value()) == ("Mara", "555-0100")
    assert Patient.objects.count() == 0


def test_registration_at_a_site_the_user_does_not_work_at_is_refused(signed_in, front_desk, other_site):
    response = signed_in(front_desk).post(reverse("patients:register"), {**REGISTRATION, "site": other_site.pk})

    assert "site" in response.context["form"].errors
    assert Patient.objects.count() == 0


@pytest.fixture
def patient_with_clinical_rows(main_site, nurse, now):
    patient = PatientFactory(site=main_site, given_name="Mara", family_name="Quill", mrn="K000321")
    Indication.objects.create(patient=patient, code="TRD_UNIPOLAR", icd10_code="F33.2", noted_on=dt.date(2026, 10, 1))
    Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri")
    Allergy.objects.create(patient=patient, substance="Penicillin")
    BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 2), weight_kg=71,
                                   recorded_by=nurse, recorded_at=now)
    SafetyHistory.objects.create(patient=patient, psychosis_current=True, updated_by=nurse, updated_at=now)
    return patient


def test_the_clinical_tables_are_every_per_patient_record_but_the_registry():
    assert clinical_tables() >= {
        "patients_indication", "patients_medication", "patients_allergy", "patients_bodymeasurement",
        "patients_treatmenttrial", "patients_safetyhistory", "patients_result", "patients_document",
        "patients_recordrevision"}
    assert not clinical_tables() & {"patients_patient", "patients_referringclinician", "audit_auditeventpatient"}


def test_front_desks_chart_never_queries_a_clinical_table(signed_in, front_desk, patient_with_clinical_rows):
    patient = patient_with_clinical_rows
    client = signed_in(front_desk)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("patients:chart", args=[patient.pk]))

    assert tables_named_in(captured, clinical_tables()) == set()
    page = response.content.decode()
    assert ("Mara" in page, "Quill" in page, "K000321" in page, "Contact and escort" in page) == (True,) * 4
    assert [text for text in ("Clinical summary", "Sertraline", "Penicillin", "F33.2") if text in page] == []
    event = AuditEvent.objects.get(action="patients.chart_viewed")
    assert (event.actor, patients_named_in(event)) == (front_desk, [patient.pk])


def test_a_clinicians_chart_reads_the_tables_the_front_desk_check_looks_for(
        signed_in, nurse, patient_with_clinical_rows):
    client = signed_in(nurse)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("patients:chart", args=[patient_with_clinical_rows.pk]))

    assert {"patients_medication", "patients_allergy", "patients_safetyhistory"} <= tables_named_in(
        captured, clinical_tables())
    assert ("Sertraline" in response.content.decode(), "Penicillin" in response.content.decode()) == (True, True)


def test_front_desk_may_not_open_the_intake(signed_in, front_desk, main_site):
    patient = PatientFactory(site=main_site)

    response = signed_in(front_desk).get(reverse("patients:intake", args=[patient.pk]))

    assert response.status_code == 403


def test_another_sites_patient_answers_exactly_like_a_missing_one(signed_in, outsider, main_site):
    patient = PatientFactory(site=main_site)
    client = signed_in(outsider)

    theirs = client.get(reverse("patients:chart", args=[patient.pk]))
    missing = client.get(reverse("patients:chart", args=[patient.pk + 1000]))

    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert without_csrf(theirs.content) == without_csrf(missing.content)


def test_weight_out_of_range_names_the_unit_and_saves_nothing(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)

    response = signed_in(nurse).post(reverse("patients:intake_add", args=[patient.pk, "measurement"]),
                                     {"measured_on": "2026-11-20", "weight_kg": "420"})

    errors = response.context["form"].errors["weight_kg"]
    assert any("kg" in error and "lb" in error for error in errors)
    assert BodyMeasurement.objects.count() == 0


def test_measurement_is_saved_with_who_and_when(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)

    signed_in(nurse).post(reverse("patients:intake_add", args=[patient.pk, "measurement"]),
                          {"measured_on": "2026-11-20", "weight_kg": "81.4", "height_cm": "176",
                           "systolic_mmhg": "128", "diastolic_mmhg": "82", "heart_rate_bpm": "71"})

    measurement = BodyMeasurement.objects.get()
    assert (str(measurement.weight_kg), measurement.systolic_mmhg, measurement.recorded_by) == ("81.4", 128, nurse)


def test_icd10_code_must_belong_to_the_indication(signed_in, prescriber, main_site):
    patient = PatientFactory(site=main_site)
    url = reverse("patients:intake_add", args=[patient.pk, "indication"])
    client = signed_in(prescriber)

    wrong = client.post(url, {"code": "PTSD", "icd10_code": "F33.2", "noted_on": "2026-11-01", "active": "on"})
    right = client.post(url, {"code": "TRD_UNIPOLAR", "icd10_code": "f33.2", "noted_on": "2026-11-01",
                              "active": "on", "is_primary": "on"})

    assert "F43.10" in wrong.context["form"].errors["icd10_code"][0]
    assert right.status_code == 302
    assert list(Indication.objects.values_list("code", "icd10_code")) == [("TRD_UNIPOLAR", "F33.2")]


def test_changing_a_medicine_keeps_the_old_value_in_history(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)
    client = signed_in(nurse)
    client.post(reverse("patients:intake_add", args=[patient.pk, "medication"]),
                {"name": "Sertraline", "drug_class": "ssri", "dose_text": "100 mg daily"})
    medication = patient.medications.get()

    client.post(reverse("patients:intake_edit", args=[patient.pk, "medication", medication.pk]),
                {"name": "Sertraline", "drug_class": "ssri", "dose_text": "150 mg daily"})

    revision = RecordRevision.objects.filter(change="update").get()
    assert revision.changes == {"dose_text": ["100 mg daily", "150 mg daily"]}
    assert revision.changed_by == nurse
    assert AuditEvent.objects.filter(action="patients.medication_changed").count() == 1


def test_safety_history_by_topic_stores_yes_no_and_not_asked(signed_in, prescriber, main_site):
    patient = PatientFactory(site=main_site)

    signed_in(prescriber).post(reverse("patients:safety_history", args=[patient.pk]),
                               {"mental_health": ["none"], "heart_vessels": ["hypertension_controlled"],
                                "notes": "On amlodipine"})

    history = patient.__class__.objects.get(pk=patient.pk).safety_history
    assert (history.psychosis_current, history.hypertension_controlled, history.aneurysm, history.pregnant) == (
        False, True, False, None)
    assert history.notes == "On amlodipine"


def test_safety_history_form_shows_what_is_recorded_and_saving_it_unchanged_changes_nothing(
        signed_in, prescriber, main_site, now):
    patient = PatientFactory(site=main_site)
    actions.save_safety_history(actor=prescriber, now=now, patient=patient,
                                answers={"pregnant": True, "aneurysm": False, "cystitis_past": False})
    client = signed_in(prescriber)
    form = client.get(reverse("patients:safety_history", args=[patient.pk])).context["form"]

    client.post(reverse("patients:safety_history", args=[patient.pk]),
                {**{key: form[key].value() for key in ("mental_health", "heart_vessels", "pregnancy",
                                                        "substances", "liver_bladder", "brain")}, "notes": ""})

    assert form["pregnancy"].value() == ["pregnant"]
    history = SafetyHistory.objects.get(patient=patient)
    assert (history.pregnant, history.could_become_pregnant, history.aneurysm, history.cystitis_past,
            history.liver_disease) == (True, None, False, False, None)
    page = client.get(reverse("patients:safety_history", args=[patient.pk])).content.decode()
    assert "Not asked yet: Poorly controlled cardiovascular disease" in page


def test_intake_summarises_the_safety_history_by_topic(signed_in, prescriber, main_site, now):
    patient = PatientFactory(site=main_site)
    actions.save_safety_history(actor=prescriber, now=now, patient=patient, answers={
        "hypertension_controlled": True, "aneurysm": False, "pregnant": False, "could_become_pregnant": False,
        "breastfeeding": False, "liver_disease": False})

    page = signed_in(prescriber).get(reverse("patients:intake", args=[patient.pk])).content.decode()
    rows = {title: page[page.index(title):page.index("</tr>", page.index(title))]
            for title in ("Heart, blood pressure", "Pregnancy and breastfeeding", "Liver and bladder", "Brain, eyes")}

    assert "Yes: Controlled hypertension" in rows["Heart, blood pressure"]
    assert "Not asked: Poorly controlled cardiovascular disease" in rows["Heart, blood pressure"]
    assert "None of these" in rows["Pregnancy and breastfeeding"]
    assert "Not asked: Severe hepatic impairment, Current urinary symptoms, Past cystitis" in rows["Liver and bladder"]
    assert "Not asked yet" in rows["Brain, eyes"]


def test_saving_the_safety_history_untouched_leaves_unasked_questions_unasked(signed_in, prescriber, main_site, now):
    """A recorded Yes beside questions never asked (as the API may record) is shown ticked; saving the
    page with only a note changes no answer, so screening still waits for the unasked questions."""
    patient = PatientFactory(site=main_site)
    actions.save_safety_history(actor=prescriber, now=now, patient=patient, answers={"hypertension_controlled": True})
    client = signed_in(prescriber)
    form = client.get(reverse("patients:safety_history", args=[patient.pk])).context["form"]
    shown = {key: form[key].value() for key in ("mental_health", "heart_vessels", "pregnancy", "substances",
                                                   "liver_bladder", "brain")}

    client.post(reverse("patients:safety_history", args=[patient.pk]), {**shown, "notes": "Seen by cardiology"})

    history = SafetyHistory.objects.get(patient=patient)
    assert history.notes == "Seen by cardiology"
    assert {name: value for name, value in history.answers().items() if value is not None} == {
        "hypertension_controlled": True}


def test_none_of_these_beside_a_tick_is_refused_and_keeps_what_was_ticked(signed_in, prescriber, main_site):
    patient = PatientFactory(site=main_site)

    response = signed_in(prescriber).post(reverse("patients:safety_history", args=[patient.pk]),
                                          {"pregnancy": ["none", "breastfeeding"], "brain": ["none"]})

    assert not SafetyHistory.objects.filter(patient=patient).exists()
    assert response.context["form"]["pregnancy"].errors == [
        "Pregnancy and breastfeeding: “None of these” is ticked together with Breastfeeding. Untick one or the other."]
    assert response.context["form"]["brain"].value() == ["none"]
    page = response.content.decode()
    assert "data-error-summary" in page and 'href="#id_pregnancy_0"' in page


def test_document_upload_and_download_are_audited(signed_in, nurse, main_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    patient = PatientFactory(site=main_site)
    client = signed_in(nurse)
    scan = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 referral", content_type="application/pdf")

    client.post(reverse("patients:document_upload", args=[patient.pk]),
                {"kind": "referral_letter", "title": "Referral from Dr Hale", "document_date": "2026-11-02",
                 "file": scan})
    document = Document.objects.get()
    response = client.get(reverse("patients:document", args=[patient.pk, document.pk]))

    assert b"".join(response.streaming_content) == b"%PDF-1.4 referral"
    assert "letter.pdf" not in document.file.name
    actions = list(AuditEvent.objects.filter(action__startswith="patients.document_")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["patients.document_uploaded", "patients.document_viewed"]


def test_document_of_the_wrong_type_is_refused(signed_in, nurse, main_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    patient = PatientFactory(site=main_site)
    script = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")

    response = signed_in(nurse).post(reverse("patients:document_upload", args=[patient.pk]),
                                     {"kind": "other", "title": "x", "document_date": "2026-11-02", "file": script})

    assert response.context["form"].errors["file"] == ["Upload a PDF, JPEG, PNG or TIFF scan."]
    assert Document.objects.count() == 0


@pytest.mark.parametrize("query", ["quill", "QUILL mara", "K000777", "1984-06-02", "6/2/1984"])
def test_search_finds_by_name_mrn_or_birth_date(signed_in, nurse, main_site, query):
    patient = PatientFactory(site=main_site, given_name="Mara", family_name="Quill", mrn="K000777",
                             birth_date=dt.date(1984, 6, 2))
    PatientFactory(site=main_site, given_name="Other", family_name="Person", birth_date=dt.date(1990, 1, 1))

    response = signed_in(nurse).get(reverse("patients:list"), {"q": query})

    assert response.context["patients"] == [patient]


def test_prior_treatment_with_unknown_adequacy_is_saved(signed_in, prescriber, main_site):
    patient = PatientFactory(site=main_site)

    response = signed_in(prescriber).post(
        reverse("patients:intake_add", args=[patient.pk, "treatment_trial"]),
        {"kind": "medication", "name": "Escitalopram", "drug_class": "ssri", "max_daily_dose": "20",
         "dose_unit": "mg", "weeks_at_adequate_dose": "8", "outcome": "no_response", "current_episode": "true",
         "adequate_dose": "unknown", "source": "records"})

    assert response.status_code == 302
    trial = patient.treatment_trials.get()
    assert (trial.kind, trial.name, trial.weeks_at_adequate_dose, trial.current_episode, trial.adequate_dose) == (
        "medication", "Escitalopram", 8, True, None)


def test_result_is_saved_with_its_kind(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)

    signed_in(nurse).post(reverse("patients:intake_add", args=[patient.pk, "result"]),
                          {"kind": "pregnancy_test", "taken_on": "2026-11-20", "outcome": "negative",
                           "summary": "urine hCG negative"})

    result = patient.results.get()
    assert (result.kind, result.outcome, result.recorded_by) == ("pregnancy_test", "negative", nurse)


def test_changing_an_old_measurement_shows_its_own_date(signed_in, nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    measurement = BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2021, 3, 4), weight_kg=70,
                                                 recorded_by=nurse, recorded_at=now)

    response = signed_in(nurse).get(reverse("patients:intake_edit", args=[patient.pk, "measurement", measurement.pk]))

    assert response.context["form"]["measured_on"].value() == dt.date(2021, 3, 4)


def test_forms_keep_drafts_under_a_name_per_record_and_a_save_confirms_it(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)
    client = signed_in(nurse)

    form_page = client.get(reverse("patients:safety_history", args=[patient.pk])).content.decode()
    client.post(reverse("patients:safety_history", args=[patient.pk]), {"pregnancy": ["none"]})
    next_page = client.get(reverse("patients:intake", args=[patient.pk])).content.decode()

    assert f'data-keep-draft="safety-{patient.pk}"' in form_page
    assert f'data-saved-forms="safety-{patient.pk}"' in next_page


def files_under(folder) -> list[str]:
    """Every file below the folder, whatever its name: stored documents have no extension."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def upload(client, patient, content: bytes):
    return client.post(reverse("patients:document_upload", args=[patient.pk]),
                       {"kind": "other", "title": "Scan", "document_date": "2026-11-02",
                        "file": SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")})


def test_a_document_whose_contents_are_not_what_it_claims_is_refused_and_leaves_no_file(
        signed_in, nurse, main_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    patient = PatientFactory(site=main_site)

    response = upload(signed_in(nurse), patient, b"<html><script>alert(1)</script>")

    assert "not a PDF, JPEG, PNG or TIFF" in response.context["form"].errors["file"][0]
    assert (Document.objects.count(), files_under(tmp_path)) == (0, [])


def test_a_document_refused_after_its_file_was_written_leaves_no_file(
        signed_in, nurse, main_site, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    patient = PatientFactory(site=main_site)
    client = signed_in(nurse)
    upload(client, patient, b"%PDF-1.4 first")
    first = Document.objects.get()
    # A random key that repeats an earlier one fails the row's uniqueness check, and only once the
    # file is already on disk under a name next to the first one.
    monkeypatch.setattr(actions, "secrets", SimpleNamespace(token_hex=lambda nbytes: first.storage_key))

    with pytest.raises(ValidationError, match="Storage key already exists"):
        upload(client, patient, b"%PDF-1.4 second")

    assert files_under(tmp_path) == [first.file.name]
    assert list(Document.objects.values_list("pk", flat=True)) == [first.pk]
    assert AuditEvent.objects.filter(action="patients.document_uploaded").count() == 1


def test_a_form_sent_back_with_errors_is_still_an_audited_view(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)

    signed_in(nurse).post(reverse("patients:intake_add", args=[patient.pk, "measurement"]),
                          {"measured_on": "2026-11-20", "weight_kg": "900"})

    event = AuditEvent.objects.get(action="patients.measurement_form_viewed")
    assert (event.actor, patients_named_in(event)) == (nurse, [patient.pk])


@pytest.mark.parametrize("url", ["/patients/?q=ab%00c", "/audit/?staff=%00"])
def test_a_nul_character_in_the_query_is_refused_with_a_clear_message(signed_in, director, url):
    response = signed_in(director).get(url)

    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_a_nul_character_in_the_login_form_is_refused(client, db):
    response = client.post(reverse("accounts:login"), {"username": "a\x00b", "password": "x"})

    assert (response.status_code, response.content.startswith(b"The request holds a NUL")) == (400, True)


def test_a_nul_character_in_an_api_query_gets_the_api_error_shape(client, db):
    response = client.get("/api/v1/patients?q=%00")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "VALIDATION_ERROR")
