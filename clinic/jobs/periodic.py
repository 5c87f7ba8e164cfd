"""The clinic's periodic jobs: the worker's scheduler loop enqueues each one when it falls due.

django-tasks has no periodic jobs (design §3), so `manage.py run_worker` runs this beside the job
worker. Each run is enqueued with a unique slot key (the job's name and its local date), checked
and written under a lock, so N workers on M machines enqueue each daily run once; the job then
runs at most once per slot (the database backend hands a task to one worker).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    daily_at: dt.time


def jobs_from_settings(entries: dict[str, dict[str, str]]) -> list[PeriodicJob]:
    return [PeriodicJob(name=name, task_path=entry["task"], daily_at=dt.time.fromisoformat(entry["daily_at"]))
            for name, entry in entries.items()]


def due_slot(job: PeriodicJob, *, now: dt.datetime, time_zone: str) -> str | None:
    """Today's slot key once the job's time has passed in the clinic's zone, else None."""
    local = now.astimezone(zoneinfo.ZoneInfo(time_zone))
    if local.time() < job.daily_at:
        return None
    return f"{job.name}:{local.date().isoformat()}"


def enqueue_due(*, jobs: list[PeriodicJob], now: dt.datetime, time_zone: str) -> list[str]:
    """Enqueue every job whose slot is due and not yet enqueued; return the slots enqueued."""
    enqueued = []
    for job in jobs:
        slot = due_slot(job, now=now, time_zone=time_zone)
        if slot is not None and _enqueue_once(job, slot):
            enqueued.append(slot)
    return enqueued


@transaction.atomic
def _enqueue_once(job: PeriodicJob, slot: str) -> bool:
    _lock(slot)
    if DBTaskResult.objects.filter(task_path=job.task_path, args_kwargs__kwargs__slot=slot).exists():
        return False
    import_string(job.task_path).enqueue(slot=slot)
    return True


def _lock(slot: str) -> None:
    # SQLite takes its one write lock at BEGIN (IMMEDIATE transactions), which already serialises
    # schedulers; PostgreSQL needs a lock of its own, held until the transaction ends.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [slot])
