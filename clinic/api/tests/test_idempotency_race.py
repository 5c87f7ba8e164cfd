"""The same create sent at once from several threads with one Idempotency-Key creates one patient
and gets one answer; with the key claimed only after the create, the repeats are refused instead."""

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.accounts.tokens import issue_token
from clinic.api.models import IdempotentRequest
from clinic.api.v1 import idempotency
from clinic.audit.models import AuditEvent
from clinic.patients.models import Patient
from clinic.sites.tests.factories import SiteFactory
from tests import race

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BODY = {"given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female"}


def _claim_later(*, user: Any, key: str, fingerprint: str, now: Any) -> IdempotentRequest:
    """The naive order: hold nothing while creating, and store the key with the answer."""
    return IdempotentRequest(user=user, key=key, fingerprint=fingerprint, created_at=now)


def _claim_and_remember(*, claim: IdempotentRequest, response: HttpResponse, patient_id: int) -> None:
    claim.status_code = response.status_code
    claim.response_body = response.content.decode()
    claim.patient_id = patient_id
    claim.save(force_insert=True)


@pytest.fixture
def arm_key_race(locked, monkeypatch):
    """Locked: every sender has found the key unused and none has claimed it yet when all claim
    at once. Unlocked: the same, but the claim waits until the create is done."""

    def arm() -> None:
        gate = race.Gate(race.writers())
        if locked:
            race.meet_at_lock(monkeypatch, idempotency, "claim_key", gate)
        else:
            race.drop_lock(monkeypatch, idempotency, "claim_key", _claim_later)
            monkeypatch.setattr(idempotency, "remember_answer", _claim_and_remember)
            race.meet_before(monkeypatch, idempotency, "claim_key", gate)

    return arm


@race.VARIANTS
def test_parallel_repeats_of_one_key_create_one_patient_and_get_one_answer(organisation, now, locked,
                                                                          arm_key_race, caplog):
    site = SiteFactory(organisation=organisation)
    nurse = StaffUserFactory(username="nurse", role="nurse", organisation=organisation, sites=[site])
    _, raw_token = issue_token(user=nurse, name="race", now=now)
    senders = race.writers()
    arm_key_race()

    def send() -> tuple[int, str, bytes]:
        client = Client(headers={"Authorization": f"Bearer {raw_token}", "Idempotency-Key": "race-1"})
        response = client.post("/api/v1/patients", {**BODY, "site_id": str(site.pk)},
                               content_type="application/json")
        code = response.json()["error"]["code"] if response.status_code >= 400 else ""
        return response.status_code, code, response.content

    answers, errors = race.run(send, writers=senders)

    assert errors == []
    assert (Patient.objects.count(), IdempotentRequest.objects.count()) == (1, 1)
    if locked:
        assert [status for status, _, _ in answers] == [201] * senders
        assert len({content for _, _, content in answers}) == 1
        assert AuditEvent.objects.filter(action="api.create_replayed").count() == senders - 1
    else:
        # Every sender found the key unused, so every one went on to register the patient.
        assert sorted((status, code) for status, code, _ in answers) == [(201, "")] + [_lost()] * (senders - 1)
        assert AuditEvent.objects.filter(action="api.create_replayed").count() == 0
        assert [repr(record.exc_info[1]) for record in caplog.records if record.exc_info] == (
            [] if connection.vendor == "postgresql"
            else [repr(OperationalError("database is locked"))] * (senders - 1))


def _lost() -> tuple[int, str]:
    """The answer a sender that lost the unlocked race got: on PostgreSQL, it waited for the winner's
    MRN lock and then found its patient; on SQLite its stale snapshot could not write at all."""
    return (409, "DUPLICATE_PATIENT") if connection.vendor == "postgresql" else (500, "SERVER_ERROR")
