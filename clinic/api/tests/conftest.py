"""API clients that carry a staff member's bearer token, and the audit events a call wrote."""

from collections.abc import Callable

import pytest
from django.test import Client

from clinic.accounts.tokens import issue_token
from clinic.audit.models import AuditEvent


@pytest.fixture
def api_client(now) -> Callable[..., Client]:
    """A test client that sends `Authorization: Bearer <token>` for this staff member."""

    def client_for(user) -> Client:
        _, raw_token = issue_token(user=user, name="tests", now=now)
        return Client(headers={"Authorization": f"Bearer {raw_token}"})

    return client_for


class AuditLog:
    """Take a mark before the call under test; read the events written after it."""

    def __init__(self) -> None:
        self.last_id = 0

    def mark(self) -> None:
        self.last_id = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def new_events(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(pk__gt=self.last_id).order_by("pk"))

    @staticmethod
    def patient_ids(event: AuditEvent) -> list[int]:
        return sorted(event.patient_links.values_list("patient_id", flat=True))


@pytest.fixture
def audit_log(db) -> AuditLog:
    return AuditLog()
