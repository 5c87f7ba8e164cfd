"""Stored answers to Idempotency-Keys expire after IDEMPOTENCY_KEY_HOURS: an older key is new again,
the worker purges them, and a replay goes only to a caller who may still see the patient."""

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from clinic.api.models import IdempotentRequest
from clinic.api.v1 import idempotency
from clinic.audit.models import AuditEvent
from clinic.jobs import periodic
from clinic.patients.models import Medication, Patient
from clinic.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

KEY = "5b2e9c1a-7d4f-4e08-a6b3-0f1c2d3e4a5b"
SERTRALINE = {"name": "Sertraline", "drug_class": "ssri", "dose_text": "100 mg daily"}
INES = {"given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female"}


def add_medication(client, patient, body=SERTRALINE):
    return client.post(f"/api/v1/patients/{patient.pk}/intake/medications", body, content_type="application/json",
                       headers={"Idempotency-Key": KEY})


def register(client, site):
    return client.post("/api/v1/patients", {**INES, "site_id": str(site.pk)}, content_type="application/json",
                       headers={"Idempotency-Key": KEY})


@pytest.mark.parametrize(("later", "replayed", "medications"), [
    (dt.timedelta(hours=23, minutes=59), True, 1),
    (dt.timedelta(hours=24), False, 2),
    (dt.timedelta(days=3), False, 2),
])
def test_a_key_older_than_24_hours_is_new(api_client, nurse, main_site, now, clock, later, replayed, medications):
    patient = PatientFactory(site=main_site)
    client = api_client(nurse)
    clock(now)
    first = add_medication(client, patient)

    clock(now + later)
    repeat = add_medication(client, patient)

    assert (repeat.status_code, "Idempotent-Replayed" in repeat.headers) == (201, replayed)
    assert (repeat.json()["id"] == first.json()["id"]) is replayed
    assert Medication.objects.filter(patient=patient).count() == medications
    assert IdempotentRequest.objects.get().created_at == (now if replayed else now + later)


def test_an_expired_key_may_carry_another_body(api_client, nurse, main_site, now, clock):
    patient = PatientFactory(site=main_site)
    client = api_client(nurse)
    clock(now)
    add_medication(client, patient)

    clock(now + dt.timedelta(hours=25))
    bupropion = {**SERTRALINE, "name": "Bupropion", "drug_class": "antidepressant_other"}
    response = add_medication(client, patient, bupropion)

    assert response.status_code == 201
    assert sorted(Medication.objects.values_list("name", flat=True)) == ["Bupropion", "Sertraline"]


def test_the_lifetime_is_a_setting(api_client, nurse, main_site, now, clock, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 1
    patient = PatientFactory(site=main_site)
    client = api_client(nurse)
    clock(now)
    add_medication(client, patient)

    clock(now + dt.timedelta(minutes=61))
    repeat = add_medication(client, patient)

    assert "Idempotent-Replayed" not in repeat.headers
    assert Medication.objects.count() == 2


def test_a_replay_is_refused_when_the_patient_moved_to_a_site_the_caller_does_not_work_at(
        api_client, front_desk, main_site, other_site, audit_log):
    client = api_client(front_desk)
    first = register(client, main_site)
    Patient.objects.filter(pk=first.json()["id"]).update(site=other_site)
    audit_log.mark()

    repeat = register(client, main_site)

    assert (repeat.status_code, repeat.json()["error"]["code"]) == (404, "NOT_FOUND")
    assert "Marlow" not in repeat.content.decode()
    assert audit_log.new_events() == []


def test_a_replay_is_refused_when_the_caller_moved_to_another_site(api_client, nurse, main_site, other_site,
                                                                    audit_log):
    patient = PatientFactory(site=main_site)
    client = api_client(nurse)
    add_medication(client, patient)
    nurse.sites.set([other_site])
    audit_log.mark()

    repeat = add_medication(client, patient)

    assert (repeat.status_code, repeat.json()["error"]["code"]) == (404, "NOT_FOUND")
    assert "Sertraline" not in repeat.content.decode()
    assert [(event.action, event.data["method"], event.data["status"]) for event in audit_log.new_events()] == [
        ("audit.access_refused", "POST", 404)]


def test_a_replay_is_refused_when_the_callers_role_no_longer_sees_intake(api_client, nurse, main_site):
    patient = PatientFactory(site=main_site)
    client = api_client(nurse)
    add_medication(client, patient)
    nurse.role = "front_desk"
    nurse.save(update_fields=["role"])

    repeat = add_medication(client, patient)

    assert (repeat.status_code, repeat.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert "Sertraline" not in repeat.content.decode()


def test_a_replay_is_refused_to_a_deactivated_caller(api_client, nurse, main_site):
    patient = PatientFactory(site=main_site)
    client = api_client(nurse)
    add_medication(client, patient)
    nurse.is_active = False
    nurse.save(update_fields=["is_active"])

    repeat = add_medication(client, patient)

    assert (repeat.status_code, repeat.json()["error"]["code"]) == (401, "NOT_AUTHENTICATED")
    assert "Sertraline" not in repeat.content.decode()


def stored_answer(user, key: str, created_at: dt.datetime) -> IdempotentRequest:
    return IdempotentRequest.objects.create(user=user, key=key, fingerprint="0" * 64, status_code=201,
                                            response_body="{}", patient_id=1, created_at=created_at)


def test_the_purge_deletes_only_answers_past_their_lifetime(nurse, now):
    for hours in (1, 23, 24, 72):
        stored_answer(nurse, f"key-{hours}h", now - dt.timedelta(hours=hours))

    purged = idempotency.purge_expired_answers(now=now, hours=24)

    assert purged == 2
    assert sorted(IdempotentRequest.objects.values_list("key", flat=True)) == ["key-1h", "key-23h"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_purges_expired_answers_once_a_day_and_logs_it(nurse, settings, caplog):
    from django.utils import timezone

    settings.PERIODIC_TASKS = {}  # only the job enqueued below; the loop's own clock plays no part
    stored_answer(nurse, "old", timezone.now() - dt.timedelta(hours=30))
    stored_answer(nurse, "fresh", timezone.now() - dt.timedelta(hours=2))
    job = periodic.PeriodicJob(name="idempotency-purge", task_path="clinic.api.tasks.purge_idempotent_answers",
                               daily_at=dt.time(3, 15))
    periodic.enqueue_due(jobs=[job], now=dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC),
                         time_zone="America/New_York")

    with caplog.at_level(logging.INFO, logger="clinic.api.tasks"):
        call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    result = DBTaskResult.objects.get(task_path=job.task_path)
    assert (result.status, result.return_value) == ("SUCCESSFUL", {"purged": 1, "hours": 24})
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["fresh"]
    assert [record.getMessage() for record in caplog.records if record.name == "clinic.api.tasks"] == [
        "Purged 1 stored API answers older than 24 hours."]
    assert not AuditEvent.objects.filter(action__startswith="api.").exists()


@pytest.mark.slow
@pytest.mark.parametrize("hours", ["0", "-3"])
def test_start_up_refuses_a_lifetime_under_one_hour(hours):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "IDEMPOTENCY_KEY_HOURS": hours}

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parents[3],
                            env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert f"IDEMPOTENCY_KEY_HOURS must be 1 or more, not {hours}. Leave it unset for 24 hours." in result.stderr
