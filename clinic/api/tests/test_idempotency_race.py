"""The same create sent at once from several threads with one Idempotency-Key creates one patient."""

import threading

import pytest
from django.db import connections
from django.test import Client

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.accounts.tokens import issue_token
from clinic.patients.models import Patient
from clinic.sites.tests.factories import SiteFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SENDERS = 6


def test_parallel_repeats_of_one_key_create_one_patient_and_get_one_answer(organisation, now):
    site = SiteFactory(organisation=organisation)
    nurse = StaffUserFactory(username="nurse", role="nurse", organisation=organisation, sites=[site])
    _, raw_token = issue_token(user=nurse, name="race", now=now)
    body = {"given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female",
            "site_id": str(site.pk)}
    start = threading.Barrier(SENDERS)
    answers = []

    def send() -> None:
        client = Client(headers={"Authorization": f"Bearer {raw_token}", "Idempotency-Key": "race-1"})
        start.wait()
        try:
            response = client.post("/api/v1/patients", body, content_type="application/json")
            answers.append((response.status_code, response.content))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Patient.objects.count() == 1
    assert [status for status, _ in answers] == [201] * SENDERS
    assert len({content for _, content in answers}) == 1
