"""Liveness and database check for load balancers and `make run`."""

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any database failure means "not healthy"
        # The caller learns only "unreachable"; the operator's log says why.
        logger.error("Health check failed: the database did not answer: %s: %s", type(error).__name__,
                     str(error).strip().replace("\n", " "))
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
