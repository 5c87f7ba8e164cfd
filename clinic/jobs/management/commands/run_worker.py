"""manage.py run_worker: the job worker (django-tasks-db's db_worker) with the clinic's scheduler
loop beside it, which enqueues periodic jobs when they fall due (settings.PERIODIC_TASKS)."""

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from clinic.jobs import periodic

logger = logging.getLogger(__name__)
SCHEDULER_INTERVAL_S = 60


class Command(DbWorkerCommand):
    help = "Run the job worker and the scheduler loop that enqueues the clinic's periodic jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        scheduler = threading.Thread(target=_scheduler_loop, args=(stop,), name="clinic-scheduler", daemon=True)
        scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()


def _scheduler_loop(stop: threading.Event) -> None:
    jobs = periodic.jobs_from_settings(settings.PERIODIC_TASKS)
    sweeps = [import_string(path) for path in settings.SCHEDULER_SWEEPS]
    while not stop.is_set():
        try:
            for slot in periodic.enqueue_due(jobs=jobs, now=timezone.now(), time_zone=settings.TIME_ZONE):
                logger.info("Enqueued periodic job %s", slot)
        except Exception:  # a failed round must not stop the loop; the next round tries again
            logger.exception("Scheduler round failed")
        for sweep in sweeps:
            try:
                sweep(now=timezone.now())
            except Exception:  # one failed sweep must not stop the others or the loop
                logger.exception("Scheduler sweep %s failed", sweep.__name__)
        connections.close_all()
        stop.wait(SCHEDULER_INTERVAL_S)
