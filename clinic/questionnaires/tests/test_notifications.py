"""Telling clinicians of an alert (issue 13 point 2): each clinician is told once per alert however many
workers run the task, a failed send is given back and sent once by the next run, and the message names
the patient by MRN alone."""

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from clinic import sms
from clinic.accounts.models import Role
from clinic.accounts.tests.factories import StaffUserFactory
from clinic.patients.models import Medication
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions, tasks
from clinic.questionnaires.models import Alert, AlertNotification
from clinic.questionnaires.tests import factories as answers
from clinic.questionnaires.tests import outbox
from tests import race

MOBILE = "+1 617 555 0199"
# Enough alerts, each sent twice over (the task enqueued again, as a retry would), and a send slow
# enough, that both workers are busy with the same alerts at the same time.
ALERTS = 12
SEND_DELAY_S = "0.05"
WORKER_TIMEOUT_S = 180


@pytest.fixture
def on_call(main_site, director):
    clinician = StaffUserFactory(username="oncall", role=Role.PRESCRIBER, organisation=main_site.organisation,
                                 sites=[main_site], alert_channel="sms", mobile_phone=MOBILE,
                                 email="oncall@clinic.test")
    actions.save_alert_settings(site=main_site, actor=director, now=answers.SUBMITTED_AT, on_call=clinician,
                                crisis_text="", crisis_text_high="")
    return clinician


def high_risk_alert(patient, nurse, now) -> Alert:
    response = actions.submit_response(patient=patient, instrument="cssrs_screener", answers=answers.CSSRS_HIGH,
                                       actor=nurse, now=now, mode="interview")
    return Alert.objects.get(response=response)


def database_url() -> str:
    """The test database as DATABASE_URL names it, for the worker processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(worker_id: str, outbox_path: Path) -> subprocess.Popen:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.questionnaires.tests.worker_settings",
                   "DATABASE_URL": database_url(), "CLINIC_TEST_OUTBOX": str(outbox_path),
                   "CLINIC_TEST_SEND_DELAY_S": SEND_DELAY_S}
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay", "--no-reload",
         "--worker-id", worker_id, "--interval", "0.1"],
        cwd=settings.BASE_DIR, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_tell_each_clinician_once_per_alert(main_site, nurse, prescriber, on_call, now, tmp_path):
    patients = [PatientFactory(site=main_site, prescriber=prescriber, mrn=f"W{number:06d}")
                for number in range(1, ALERTS + 1)]
    # Committed one by one, each alert enqueues its task; enqueue each again, as a retry would.
    alerts = [high_risk_alert(patient, nurse, now) for patient in patients]
    for alert in alerts:
        tasks.send_alert_notifications.enqueue(alert_id=alert.pk)
    outbox_path = tmp_path / "outbox.jsonl"
    outbox_path.touch()

    workers = [start_worker(name, outbox_path) for name in ("worker-a", "worker-b")]
    outputs = [worker.communicate(timeout=WORKER_TIMEOUT_S)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    results = DBTaskResult.objects.filter(task_path="clinic.questionnaires.tasks.send_alert_notifications")
    assert Counter(results.values_list("status", flat=True)) == {"SUCCESSFUL": 2 * ALERTS}
    assert {worker_id for result in results for worker_id in result.worker_ids} == {"worker-a", "worker-b"}
    # Every message went out exactly once, whichever run of the task sent it.
    assert sum(result.return_value for result in results) == 2 * ALERTS
    sent = outbox.read(str(outbox_path))
    per_recipient_and_patient = Counter((message["kind"], message["to"], message["body"].split("patient ")[1][:7])
                                        for message in sent)
    expected = {("email", prescriber.email, patient.mrn) for patient in patients} | {
        ("sms", MOBILE, patient.mrn) for patient in patients}
    assert set(per_recipient_and_patient) == expected
    assert set(per_recipient_and_patient.values()) == {1}
    assert AlertNotification.objects.filter(sent_at__isnull=True).count() == 0


def naive_claim(gate: race.Gate):
    """A claim that reads, then writes: every run that read the row unclaimed goes on to send."""

    def claim(notification_id: int, *, now: dt.datetime) -> bool:
        free = AlertNotification.objects.filter(pk=notification_id, claimed_at__isnull=True).exists()
        gate.wait()
        AlertNotification.objects.filter(pk=notification_id).update(claimed_at=now)
        return free

    return claim


@pytest.mark.slow
@race.VARIANTS
def test_runs_racing_for_one_notification_send_it_once(transactional_db, main_site, nurse, prescriber, now,
                                                       locked, monkeypatch):
    """The same notification sent by several runs at once: the conditional UPDATE lets one through;
    without it every run that read the row unclaimed sends, and the test sees each message."""
    patient = PatientFactory(site=main_site, prescriber=prescriber, mrn="R000001")
    notification = AlertNotification.objects.get(alert=high_risk_alert(patient, nurse, now))
    runs = race.writers()
    gate = race.Gate(runs)
    if locked:
        race.meet_before(monkeypatch, tasks, "_claim", gate)
    else:
        monkeypatch.setattr(tasks, "_claim", naive_claim(gate))
    mail.outbox = []

    results, errors = race.run(lambda: tasks.send_notification(notification_id=notification.pk, now=now),
                               writers=runs)

    assert errors == []
    if locked:
        assert (sorted(results), len(mail.outbox)) == ([False] * (runs - 1) + [True], 1)
    else:
        assert (results, len(mail.outbox)) == ([True] * runs, runs)
    assert [message.to for message in mail.outbox] == [[prescriber.email]] * len(mail.outbox)


@pytest.mark.django_db
def test_a_failed_send_is_given_back_and_the_next_run_sends_it_once(main_site, nurse, prescriber, on_call, now,
                                                                     settings):
    alert = high_risk_alert(PatientFactory(site=main_site, prescriber=prescriber, mrn="F000001"), nurse, now)
    sms.outbox.clear()
    mail.outbox = []
    settings.SMS_BACKEND = "clinic.questionnaires.tests.outbox.FailingTextBackend"

    with pytest.raises(tasks.NotificationsFailed):
        tasks.send_alert_notifications.call(alert_id=alert.pk)

    text = AlertNotification.objects.get(alert=alert, recipient=on_call)
    email = AlertNotification.objects.get(alert=alert, recipient=prescriber)
    assert (text.claimed_at, text.sent_at, text.error) == (None, None, "The text-message provider did not answer.")
    assert (email.sent_at is not None, [message.to for message in mail.outbox]) == (True, [[prescriber.email]])

    settings.SMS_BACKEND = "clinic.sms.MemoryBackend"
    retried = tasks.send_alert_notifications.call(alert_id=alert.pk)
    again = tasks.send_alert_notifications.call(alert_id=alert.pk)

    text.refresh_from_db()
    assert (retried, again) == (1, 0)
    assert (text.sent_at is not None, text.error) == (True, "")
    assert ([message.to for message in sms.outbox], len(mail.outbox)) == ([MOBILE], 1)


@pytest.mark.django_db
def test_messages_name_the_patient_by_mrn_and_never_the_drug_diagnosis_or_answers(
        main_site, nurse, prescriber, on_call, now):
    patient = PatientFactory(site=main_site, prescriber=prescriber, mrn="P004711", given_name="Rosalind",
                             family_name="Quennell")
    Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri")
    alert = high_risk_alert(patient, nurse, now)
    sms.outbox.clear()
    mail.outbox = []

    assert tasks.send_alert_notifications.call(alert_id=alert.pk) == 2

    [email] = mail.outbox
    [text] = sms.outbox
    assert email.subject == f"URGENT: high risk. Clinical alert for patient P004711 at {main_site.name}"
    assert email.body == text.body == (
        f"URGENT: high risk. A questionnaire answered on 24 Nov 2026 at 09:30 raised a suicide risk alert for "
        f"patient P004711 at {main_site.name}. Open the alert inbox to review and acknowledge it: "
        "http://testserver/alerts/")
    assert (email.to, text.to) == ([prescriber.email], MOBILE)
    for forbidden in ("Rosalind", "Quennell", "1980", "Sertraline", "ketamine", "C-SSRS", "item", "depress"):
        assert forbidden.lower() not in (email.subject + email.body).lower()
    sent = Counter(AlertNotification.objects.filter(alert=alert).values_list("reason", "channel"))
    assert sent == {("prescriber", "email"): 1, ("on_call", "sms"): 1}


@pytest.mark.django_db(transaction=True)
def test_the_clinics_worker_runs_the_notification_task_enqueued_with_the_alert(main_site, nurse, prescriber,
                                                                                 now, settings):
    """`make run` and `make serve` start `manage.py run_worker`: it runs what submit_response enqueues."""
    settings.PERIODIC_TASKS = {}
    mail.outbox = []
    alert = high_risk_alert(PatientFactory(site=main_site, prescriber=prescriber, mrn="K000009"), nurse, now)

    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    result = DBTaskResult.objects.get(task_path="clinic.questionnaires.tasks.send_alert_notifications")
    assert (result.status, result.args_kwargs["kwargs"], result.return_value) == (
        "SUCCESSFUL", {"alert_id": alert.pk}, 1)
    assert [message.to for message in mail.outbox] == [[prescriber.email]]
    assert AlertNotification.objects.get(alert=alert).sent_at is not None


def test_the_scheduler_sweep_sends_again_what_a_failed_run_or_a_dead_worker_left_unsent(
        main_site, nurse, prescriber, on_call, now, settings):
    """A failed send and a claim left by a worker that died mid-send are each sent once by the worker's
    scheduler sweep (settings.SCHEDULER_SWEEPS), once RETRY_AFTER has passed; fresh or day-old ones are not."""
    sms.outbox.clear()
    mail.outbox = []
    settings.SMS_BACKEND = "clinic.questionnaires.tests.outbox.FailingTextBackend"
    failed = high_risk_alert(PatientFactory(site=main_site, prescriber=prescriber, mrn="S000001"), nurse, now)
    with pytest.raises(tasks.NotificationsFailed):
        tasks.send_alert_notifications.call(alert_id=failed.pk)
    settings.SMS_BACKEND = "clinic.sms.MemoryBackend"
    dead = high_risk_alert(PatientFactory(site=main_site, prescriber=prescriber, mrn="S000002"), nurse, now)
    # A worker claimed both of this alert's messages and died before sending them.
    AlertNotification.objects.filter(alert=dead).update(claimed_at=now)
    mail.outbox = []

    assert tasks.resend_unsent(now=now + tasks.RETRY_AFTER - dt.timedelta(seconds=1)) == 0  # too soon
    assert tasks.resend_unsent(now=now + tasks.RETRY_AFTER) == 1  # the failed text; the dead claim still held
    assert tasks.resend_unsent(now=now + tasks.STALE_CLAIM + dt.timedelta(seconds=1)) == 2  # the dead claim given back
    assert tasks.resend_unsent(now=now + tasks.STALE_CLAIM + dt.timedelta(minutes=5)) == 0  # nothing twice

    assert sorted(message.to for message in sms.outbox) == [MOBILE, MOBILE]
    assert [message.to for message in mail.outbox] == [[prescriber.email]]
    assert not AlertNotification.objects.filter(sent_at__isnull=True).exists()
    assert "clinic.questionnaires.tasks.resend_unsent" in settings.SCHEDULER_SWEEPS


def test_the_sweep_leaves_a_notification_older_than_a_day_to_the_inbox(main_site, nurse, prescriber, now):
    alert = high_risk_alert(PatientFactory(site=main_site, prescriber=prescriber, mrn="S000003"), nurse, now)
    mail.outbox = []

    assert tasks.resend_unsent(now=now + tasks.RETRY_FOR + dt.timedelta(seconds=1)) == 0
    assert mail.outbox == [] and AlertNotification.objects.filter(alert=alert, sent_at__isnull=True).count() == 1
