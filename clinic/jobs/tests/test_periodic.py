"""The worker's scheduler loop: each periodic job is enqueued once per day, after its time."""

import datetime as dt

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from clinic.audit.models import AuditEvent
from clinic.jobs import periodic

pytestmark = pytest.mark.django_db

ZONE = "America/New_York"
CHAIN_CHECK = periodic.PeriodicJob(name="audit-chain-check", task_path="clinic.audit.tasks.verify_audit_chains",
                                   daily_at=dt.time(2, 30))


def at_local(hour: int, minute: int) -> dt.datetime:
    # 2026-11-25 is EST (UTC-5).
    return dt.datetime(2026, 11, 25, tzinfo=dt.UTC) + dt.timedelta(hours=hour + 5, minutes=minute)


def test_job_is_not_due_before_its_local_time():
    assert periodic.due_slot(CHAIN_CHECK, now=at_local(2, 29), time_zone=ZONE) is None


def test_job_is_due_from_its_local_time_with_the_local_date_in_its_slot():
    assert periodic.due_slot(CHAIN_CHECK, now=at_local(2, 30), time_zone=ZONE) == "audit-chain-check:2026-11-25"


def test_each_day_is_enqueued_once_however_often_the_loop_runs():
    first = periodic.enqueue_due(jobs=[CHAIN_CHECK], now=at_local(3, 0), time_zone=ZONE)
    again = periodic.enqueue_due(jobs=[CHAIN_CHECK], now=at_local(23, 0), time_zone=ZONE)
    next_day = periodic.enqueue_due(jobs=[CHAIN_CHECK], now=at_local(3, 0) + dt.timedelta(days=1),
                                    time_zone=ZONE)

    assert (first, again, next_day) == (["audit-chain-check:2026-11-25"], [], ["audit-chain-check:2026-11-26"])
    assert DBTaskResult.objects.filter(task_path=CHAIN_CHECK.task_path).count() == 2


def test_settings_schedule_the_nightly_audit_chain_check_and_the_purge_of_stored_api_answers(settings):
    jobs = periodic.jobs_from_settings(settings.PERIODIC_TASKS)

    assert [(job.name, job.task_path, job.daily_at) for job in jobs] == [
        ("audit-chain-check", CHAIN_CHECK.task_path, dt.time(2, 30)),
        ("idempotency-purge", "clinic.api.tasks.purge_idempotent_answers", dt.time(3, 15)),
    ]


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_enqueued_chain_check(organisation, director, now, settings, tmp_path):
    from clinic.audit.actions import record_event

    settings.PERIODIC_TASKS = {}  # only the job enqueued below; the loop's own clock plays no part
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.log"
    record_event(actor=director, now=now, action="patients.list_viewed")
    periodic.enqueue_due(jobs=[CHAIN_CHECK], now=at_local(3, 0), time_zone=ZONE)

    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    result = DBTaskResult.objects.get(task_path=CHAIN_CHECK.task_path)
    assert (result.status, result.return_value["intact"], result.return_value["anchored"]) == ("SUCCESSFUL", True, 1)
    assert AuditEvent.objects.filter(action="audit.chain_verified", actor_kind="system").exists()
    assert '"kind":"nightly","mac":' in settings.AUDIT_ANCHOR_FILE.read_text()
