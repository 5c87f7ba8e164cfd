"""Informed consent over REST: the current document, recording a consent signed on screen (refused on an
outdated document version), reading consents as signed, and withdrawal."""

import datetime as dt

import pytest

from clinic.consents import actions
from clinic.consents.models import Consent
from clinic.consents.tests.factories import SIGNATURE, signed_consent
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.actions import change_section
from clinic.rules import protocols as catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(main_site, prescriber):
    return PatientFactory(site=main_site, prescriber=prescriber, given_name="Ana", family_name="Müller-Ortiz")


def _body(now, **overrides):
    return {"document_version": 1, "counselled_at": (now - dt.timedelta(minutes=20)).isoformat(),
            "counselling_note": "Read every section together.", "signed_name": "ana muller-ortiz",
            "signature_strokes": SIGNATURE} | overrides


def _post(client, patient, body):
    return client.post(f"/api/v1/patients/{patient.pk}/consents", body, content_type="application/json")


def test_reads_the_current_document_with_its_versions(api_client, nurse, patient, audit_log):
    client = api_client(nurse)
    audit_log.mark()

    body = client.get(f"/api/v1/patients/{patient.pk}/consent-document").json()

    assert (body["version"], body["protocol_version"], body["rules_version"]) == (1, 1, catalogue.RULES_VERSION)
    assert [section["key"] for section in body["sections"]][:2] == ["off_label", "course"]
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "api.consents.document_read", nurse, [patient.pk])


def test_records_a_consent_and_reads_it_back(api_client, nurse, patient, now, clock, audit_log):
    clock(now)
    client = api_client(nurse)
    audit_log.mark()

    created = _post(client, patient, _body(now))

    assert created.status_code == 201
    body = created.json()
    assert (body["document"]["version"], body["protocol_version"], body["rules_version"]) == (
        1, 1, catalogue.RULES_VERSION)
    assert (body["method"], body["signed_name"], body["signature_strokes"], body["current"]) == (
        "signed_on_screen", "ana muller-ortiz", SIGNATURE, True)
    assert body["counselled_by"] == str(nurse.pk)
    assert [event.action for event in audit_log.new_events()] == ["consents.recorded"]
    listed = client.get(f"/api/v1/patients/{patient.pk}/consents").json()
    assert (listed["count"], listed["state"], [item["id"] for item in listed["items"]]) == (
        1, "CURRENT", [body["id"]])
    assert client.get(f"/api/v1/consents/{body['id']}").json() == body


def test_refuses_a_consent_on_an_outdated_document_version(api_client, nurse, director, patient, now, clock):
    clock(now)
    actions.current_document(site=patient.site, now=now)
    change_section(actor=director, now=now, site=patient.site, section="visits",
                   values={"no_driving_text": "No driving for 48 hours."}, reason="Local rule")

    response = _post(api_client(nurse), patient, _body(now))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "CONSENT_DOCUMENT_OUTDATED"
    assert "current consent document is version 2" in error["message"]
    assert error["details"] == [{"field": "document_version", "message": error["message"]}]
    assert not Consent.objects.exists()


def test_refuses_a_name_that_is_not_the_patient_s_naming_the_field(api_client, nurse, patient, now, clock):
    clock(now)

    response = _post(api_client(nurse), patient, _body(now, signed_name="Someone Else"))

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "signed_name"


def test_bad_input_is_a_400_naming_the_field(api_client, nurse, patient, now):
    response = _post(api_client(nurse), patient, _body(now, counselling_note="  "))

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["counselling_note"]


def test_withdraws_a_consent_once(api_client, nurse, patient, now, clock):
    clock(now)
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    client = api_client(nurse)

    first = client.post(f"/api/v1/consents/{consent.pk}/withdraw", {"reason": "Stopping treatment"},
                        content_type="application/json")
    second = client.post(f"/api/v1/consents/{consent.pk}/withdraw", {"reason": "Again"},
                         content_type="application/json")

    assert first.status_code == 200
    assert (first.json()["withdrawal_reason"], first.json()["withdrawn_by"], first.json()["current"]) == (
        "Stopping treatment", str(nurse.pk), False)
    assert (second.status_code, second.json()["error"]["code"]) == (422, "CONSENT_ALREADY_WITHDRAWN")


def test_withdrawing_a_superseded_consent_is_refused(api_client, nurse, director, patient, now, clock):
    clock(now)
    first = signed_consent(patient=patient, actor=nurse, now=now - dt.timedelta(days=2))
    change_section(actor=director, now=now - dt.timedelta(days=1), site=patient.site, section="visits",
                   values={"no_driving_text": "No driving for 48 hours."}, reason="Local rule")
    second = signed_consent(patient=patient, actor=nurse, now=now - dt.timedelta(hours=1))

    response = api_client(nurse).post(f"/api/v1/consents/{first.pk}/withdraw", {"reason": "Stopping"},
                                      content_type="application/json")

    assert (response.status_code, response.json()["error"]["code"]) == (422, "CONSENT_SUPERSEDED")
    assert "only the consent in force can be withdrawn" in response.json()["error"]["message"]
    assert list(Consent.objects.filter(withdrawn_at__isnull=False)) == []
    assert Consent.objects.get(pk=second.pk).withdrawn_at is None


def test_front_desk_gets_403_and_another_site_404(api_client, front_desk, outsider, nurse, patient, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)

    assert api_client(front_desk).get(f"/api/v1/patients/{patient.pk}/consents").status_code == 403
    assert api_client(front_desk).get(f"/api/v1/consents/{consent.pk}").status_code == 403
    assert api_client(outsider).get(f"/api/v1/patients/{patient.pk}/consents").status_code == 404
    assert api_client(outsider).get(f"/api/v1/consents/{consent.pk}").status_code == 404
    assert api_client(outsider).post(f"/api/v1/consents/{consent.pk}/withdraw", {"reason": "x"},
                                     content_type="application/json").status_code == 404
