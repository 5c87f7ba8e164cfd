"""The worker's daily purge of stored API answers past their key's lifetime."""

import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from clinic.api.v1 import idempotency

logger = logging.getLogger(__name__)


@task()
def purge_idempotent_answers(slot: str = "") -> dict[str, Any]:
    """Delete the answers stored for Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS.

    `slot` is the scheduler's key for this run (e.g. "idempotency-purge:2026-11-25"); it only makes
    each daily run a distinct job. Those answers hold copies of patient records, so none is kept
    longer than a repeat could need it."""
    hours = settings.IDEMPOTENCY_KEY_HOURS
    purged = idempotency.purge_expired_answers(now=timezone.now(), hours=hours)
    logger.info("Purged %d stored API answers older than %d hours.", purged, hours)
    return {"purged": purged, "hours": hours}
