"""The Consent tab: state, counselling and signing on screen, paper scans, earlier consents as signed,
withdrawal; clinical staff only."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.consents import actions
from clinic.consents.models import Consent, Method
from clinic.consents.tests.factories import SIGNATURE, signed_consent
from clinic.patients.models import Document
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.actions import change_section

NOW = dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def at_now(clock):
    return clock(NOW)


def _sign_post(patient, **overrides):
    return {"document_version": "1", "counselled_at": "2026-11-24T09:10",
            "counselling_note": "Read each section together; asked about nausea, answered.",
            "signed_name": "Ana Müller-Ortiz", "signature_strokes": json.dumps(SIGNATURE), "agree": "on"} | overrides


def test_tab_shows_no_consent_and_the_current_document(signed_in, nurse, patient, at_now):
    response = signed_in(nurse).get(reverse("consents:tab", args=[patient.pk]))

    assert response.context["state"].code == "NONE"
    assert response.context["document"].version == 1
    html = response.content.decode()
    assert "No consent is recorded" in html and "Counsel and sign on screen" in html
    event = AuditEvent.objects.get(action="consents.tab_viewed")
    assert (event.actor, list(event.patient_links.values_list("patient_id", flat=True))) == (nurse, [patient.pk])


def test_nurse_counsels_and_the_patient_signs_on_screen(signed_in, nurse, patient, at_now):
    client = signed_in(nurse)

    response = client.post(reverse("consents:sign", args=[patient.pk]), _sign_post(patient))

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.method, consent.signed_name, consent.signature_strokes, consent.counselled_by) == (
        Method.SIGNED_ON_SCREEN, "Ana Müller-Ortiz", SIGNATURE, nurse)
    # 09:10 typed at the site (New York by default is not assumed: read in the site's own zone).
    assert consent.counselled_at.astimezone(dt.UTC) < NOW
    tab = client.get(reverse("consents:tab", args=[patient.pk]))
    assert tab.context["state"].code == "CURRENT"


def test_signing_keeps_what_was_typed_and_lists_the_problems(signed_in, nurse, patient, at_now):
    response = signed_in(nurse).post(reverse("consents:sign", args=[patient.pk]),
                                     _sign_post(patient, signed_name="Somebody Else", agree=""))

    assert response.status_code == 400
    html = response.content.decode()
    assert "things to fix" in html or "One thing to fix" in html
    assert 'value="Somebody Else"' in html
    assert "Read each section together" in html
    assert not Consent.objects.exists()


def test_signing_on_an_outdated_version_is_refused_with_what_to_do(signed_in, nurse, director, patient, at_now):
    actions.current_document(site=patient.site, now=NOW)
    change_section(actor=director, now=NOW, site=patient.site, section="visits",
                   values={"no_driving_text": "No driving for 48 hours."}, reason="Local rule")

    response = signed_in(nurse).post(reverse("consents:sign", args=[patient.pk]), _sign_post(patient))

    assert response.status_code == 400
    assert "the current consent document is version 2" in response.content.decode()
    assert not Consent.objects.exists()


def test_paper_consent_is_stored_with_its_scan(signed_in, nurse, patient, at_now):
    upload = SimpleUploadedFile("consent.pdf", PDF, content_type="application/pdf")

    response = signed_in(nurse).post(reverse("consents:paper", args=[patient.pk]), {
        "document_version": "1", "counselled_at": "2026-11-24T09:10", "counselling_note": "Went through it.",
        "signed_name": "A. Müller-Ortiz", "document_date": "2026-11-24", "file": upload})

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.method, consent.scan.kind, consent.scan.patient) == (Method.PAPER_SCAN, "consent", patient)


def test_refused_paper_consent_leaves_no_scan(signed_in, nurse, patient, at_now):
    signed_consent(patient=patient, actor=nurse, now=NOW)
    upload = SimpleUploadedFile("consent.pdf", PDF, content_type="application/pdf")

    response = signed_in(nurse).post(reverse("consents:paper", args=[patient.pk]), {
        "document_version": "1", "counselled_at": "2026-11-24T09:10", "counselling_note": "Again.",
        "document_date": "2026-11-24", "file": upload})

    assert response.status_code == 400
    assert "already consented" in response.content.decode()
    assert not Document.objects.exists()


def test_withdrawal_is_confirmed_and_recorded(signed_in, nurse, patient, at_now):
    consent = signed_consent(patient=patient, actor=nurse, now=NOW)

    response = signed_in(nurse).post(reverse("consents:withdraw", args=[patient.pk, consent.pk]),
                                     {"reason": "Wants to stop"})

    assert response.status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_by, consent.withdrawal_reason) == (nurse, "Wants to stop")


def test_withdrawal_without_a_reason_is_refused(signed_in, nurse, patient, at_now):
    consent = signed_consent(patient=patient, actor=nurse, now=NOW)

    response = signed_in(nurse).post(reverse("consents:withdraw", args=[patient.pk, consent.pk]), {"reason": ""})

    assert response.status_code == 400
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_earlier_consent_shows_the_words_signed_after_the_protocol_changes(signed_in, nurse, director, patient,
                                                                           at_now):
    consent = signed_consent(patient=patient, actor=nurse, now=NOW)
    before = signed_in(nurse).get(reverse("consents:detail", args=[patient.pk, consent.pk])).content.decode()
    change_section(actor=director, now=NOW, site=patient.site, section="visits",
                   values={"no_driving_text": "Never drive after an infusion."}, reason="Local rule")
    actions.current_document(site=patient.site, now=NOW)

    after = signed_in(nurse).get(reverse("consents:detail", args=[patient.pk, consent.pk])).content.decode()

    assert "Never drive after an infusion." not in after
    start, end = before.index('data-testid="consent-document"'), before.index("</article>")
    assert after[after.index('data-testid="consent-document"'):after.index("</article>")] == before[start:end]


@pytest.mark.parametrize("name", ["consents:tab", "consents:sign", "consents:paper"])
def test_front_desk_gets_403(signed_in, front_desk, patient, at_now, name):
    assert signed_in(front_desk).get(reverse(name, args=[patient.pk])).status_code == 403


def test_another_site_s_patient_is_not_found(signed_in, outsider, patient, nurse, at_now):
    consent = signed_consent(patient=patient, actor=nurse, now=NOW)
    client = signed_in(outsider)

    assert client.get(reverse("consents:tab", args=[patient.pk])).status_code == 404
    assert client.get(reverse("consents:detail", args=[patient.pk, consent.pk])).status_code == 404
    assert client.post(reverse("consents:withdraw", args=[patient.pk, consent.pk]),
                       {"reason": "x"}).status_code == 404


def test_a_consent_of_another_patient_is_not_found_under_this_one(signed_in, nurse, main_site, patient, at_now):
    other = PatientFactory(site=main_site, given_name="Bo", family_name="Lind")
    consent = signed_consent(patient=other, actor=nurse, now=NOW)

    assert signed_in(nurse).get(reverse("consents:detail", args=[patient.pk, consent.pk])).status_code == 404


def _tab_queries(client, patient):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("consents:tab", args=[patient.pk]))
    assert response.status_code == 200
    return len(captured)


def test_tab_query_count_does_not_grow_with_consents(signed_in, nurse, patient, at_now):
    client = signed_in(nurse)
    signed_consent(patient=patient, actor=nurse, now=NOW - dt.timedelta(days=30))
    _tab_queries(client, patient)
    few = _tab_queries(client, patient)
    for day in range(1, 12):
        consent = Consent.objects.order_by("-pk").first()
        actions.withdraw_consent(actor=nurse, now=NOW - dt.timedelta(days=30 - day), consent=consent, reason="Stop")
        signed_consent(patient=patient, actor=nurse, now=NOW - dt.timedelta(days=29 - day))

    many = _tab_queries(client, patient)

    assert Consent.objects.count() == 12
    assert many == few


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _paper_post(**overrides):
    upload = SimpleUploadedFile("consent.pdf", PDF, content_type="application/pdf")
    return {"document_version": "1", "counselled_at": "2026-11-24T09:10", "counselling_note": "Went through it.",
            "signed_name": "A. Müller-Ortiz", "document_date": "2026-11-24", "file": upload} | overrides


@pytest.mark.parametrize(("overrides", "says"), [
    # 14:30 UTC is 09:30 at the site: ten minutes ahead in the site's zone.
    ({"counselled_at": "2026-11-24T09:40"}, "The counselling time is in the future"),
    ({"document_version": "2"}, "the current consent document is version 1"),
])
def test_each_refused_paper_consent_leaves_no_document_no_file_and_no_upload_event(
        signed_in, nurse, patient, at_now, media_root, overrides, says):
    response = signed_in(nurse).post(reverse("consents:paper", args=[patient.pk]), _paper_post(**overrides))

    assert response.status_code == 400
    assert says in response.content.decode()
    assert (Consent.objects.count(), Document.objects.count()) == (0, 0)
    assert [path for path in media_root.rglob("*") if path.is_file()] == []
    assert not AuditEvent.objects.filter(action="patients.document_uploaded").exists()


def test_a_paper_consent_refused_after_its_upload_removes_the_scan_again(signed_in, nurse, patient, at_now,
                                                                       media_root, monkeypatch):
    # Another signing won the race between the checks and the consent.
    def refuse(**_):
        raise actions.ConsentAlreadyCurrent("The patient already consented on version 1.")

    monkeypatch.setattr(actions, "record_consent", refuse)

    response = signed_in(nurse).post(reverse("consents:paper", args=[patient.pk]), _paper_post())

    assert response.status_code == 400
    assert "already consented on version 1" in response.content.decode()
    assert (Consent.objects.count(), Document.objects.count()) == (0, 0)
    assert [path for path in media_root.rglob("*") if path.is_file()] == []
    uploaded = AuditEvent.objects.get(action="patients.document_uploaded")
    discarded = AuditEvent.objects.get(action="consents.scan_discarded")
    assert (discarded.actor, discarded.data["document_id"]) == (nurse, int(uploaded.object_id))


def test_an_earlier_consent_has_no_withdrawal_form_and_a_withdrawal_of_it_is_refused(
        signed_in, nurse, director, patient, at_now):
    first = signed_consent(patient=patient, actor=nurse, now=NOW - dt.timedelta(days=2))
    change_section(actor=director, now=NOW - dt.timedelta(days=1), site=patient.site, section="visits",
                   values={"no_driving_text": "No driving for 48 hours."}, reason="Local rule")
    second = signed_consent(patient=patient, actor=nurse, now=NOW - dt.timedelta(hours=1))
    client = signed_in(nurse)

    earlier_page = client.get(reverse("consents:detail", args=[patient.pk, first.pk])).content.decode()
    current_page = client.get(reverse("consents:detail", args=[patient.pk, second.pk])).content.decode()
    response = client.post(reverse("consents:withdraw", args=[patient.pk, first.pk]), {"reason": "Wants to stop"})

    assert 'class="withdraw-form"' not in earlier_page and 'class="withdraw-form"' in current_page
    assert reverse("consents:detail", args=[patient.pk, second.pk]) in earlier_page
    assert "later consent on document version 2; only the consent in force can be withdrawn" in earlier_page
    assert response.status_code == 400
    assert "only the consent in force can be withdrawn" in response.content.decode()
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() == 0
