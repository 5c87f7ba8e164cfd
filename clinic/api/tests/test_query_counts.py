"""Query counts stay flat in the number of rows (style §5.8), token check and audit included."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.patients.models import Medication, Patient
from clinic.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


# Style habit 8: at most this many queries a call, the token check and the audit write included.
HOUSE_BUDGET_QUERIES = 10


def captured_for(client, url: str, params: dict | None = None) -> tuple[CaptureQueriesContext, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return captured, response.json()


def queries_for(client, url: str, params: dict | None = None) -> tuple[int, dict]:
    captured, body = captured_for(client, url, params)
    return len(captured), body


def tables_named_in(captured: CaptureQueriesContext) -> set[str]:
    return set(re.findall(r'(?:FROM|INTO|UPDATE) "(\w+)"', "\n".join(query["sql"] for query in captured)))


def add_patients(site, count: int) -> None:
    Patient.objects.bulk_create(PatientFactory.build_batch(count, site=site))


def test_patient_list_takes_the_same_queries_for_10_and_1000_patients_within_the_house_budget(
        api_client, nurse, main_site):
    client = api_client(nurse)
    client.get("/api/v1/sites")  # the token's last use is written once a minute; not part of the count
    add_patients(main_site, 10)
    queries_for_10, body_10 = queries_for(client, "/api/v1/patients", {"limit": 200})
    add_patients(main_site, 990)

    captured_1000, body_1000 = captured_for(client, "/api/v1/patients", {"limit": 200})

    assert (body_10["count"], len(body_10["items"])) == (10, 10)
    assert (body_1000["count"], len(body_1000["items"])) == (1000, 200)
    assert queries_for_10 == len(captured_1000)
    assert len(captured_1000) <= HOUSE_BUDGET_QUERIES
    assert {"accounts_apitoken", "audit_auditevent", "audit_auditeventpatient"} <= tables_named_in(captured_1000)


def test_intake_read_takes_the_same_queries_for_1_and_40_medicines(api_client, nurse, main_site):
    patient = PatientFactory(site=main_site)
    client = api_client(nurse)
    client.get("/api/v1/sites")
    Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri")
    queries_for_1, body_1 = queries_for(client, f"/api/v1/patients/{patient.pk}/intake")
    Medication.objects.bulk_create(
        Medication(patient=patient, name=f"Medicine {n}", drug_class="other", started_on=dt.date(2026, 1, 1))
        for n in range(39))

    queries_for_40, body_40 = queries_for(client, f"/api/v1/patients/{patient.pk}/intake")

    assert (len(body_1["medications"]), len(body_40["medications"])) == (1, 40)
    assert queries_for_1 == queries_for_40
