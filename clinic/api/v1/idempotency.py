"""Idempotency-Key on create calls: the same key and body give the same answer and create nothing
twice; the same key with another body is refused. A stored answer is kept IDEMPOTENCY_KEY_HOURS;
after that its key is new again, and the worker deletes it (clinic.api.tasks)."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Header, Schema

from clinic.accounts.access import get_visible_or_404
from clinic.api.models import IdempotentRequest
from clinic.audit.actions import record_event
from clinic.patients.models import Patient
from clinic.rules.errors import DomainError

IdempotencyKey = Annotated[str | None, Header(
    default=None, alias="Idempotency-Key", pattern=r"^[!-~]{1,255}$",
    description="Any unique string (a UUID, say) of up to 255 printable characters. Sending the same "
                "key and body again within the clinic's key lifetime (IDEMPOTENCY_KEY_HOURS, 24 hours unless "
                "changed) returns the first answer and creates nothing twice; after that the key is new.")]
REPLAY_HEADER = "Idempotent-Replayed"


class IdempotencyKeyReused(DomainError):
    code = "IDEMPOTENCY_KEY_REUSED"


@dataclass(frozen=True)
class Created:
    body: Schema
    patient_id: int


def answer_once(*, request: HttpRequest, key: str | None, payload: Schema, now: datetime,
                create: Callable[[], Created]) -> HttpResponse:
    """Run `create` and answer 201, unless this key was used before: then give that first answer."""
    if key is None:
        return _render(create().body)
    fingerprint = _fingerprint(request, payload)
    try:
        with transaction.atomic():
            earlier = _unexpired_answer(user=request.auth, key=key, now=now)
            if earlier is not None:
                return _replay(request=request, earlier=earlier, fingerprint=fingerprint, now=now)
            claim = claim_key(user=request.auth, key=key, fingerprint=fingerprint, now=now)
            created = create()
            response = _render(created.body)
            remember_answer(claim=claim, response=response, patient_id=created.patient_id)
            return response
    except IntegrityError:
        # A request with the same key held the key while this one started; it has committed now.
        earlier = IdempotentRequest.objects.filter(user=request.auth, key=key).first()
        if earlier is None:
            raise
        return _replay(request=request, earlier=earlier, fingerprint=fingerprint, now=now)


def expired_before(*, now: datetime, hours: int | None = None) -> datetime:
    """Answers stored at or before this instant have expired."""
    return now - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS if hours is None else hours)


def _unexpired_answer(*, user: Any, key: str, now: datetime) -> IdempotentRequest | None:
    """The answer stored for this key, unless it has expired: then it is deleted, so the key is new."""
    earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
    if earlier is not None and earlier.created_at <= expired_before(now=now):
        earlier.delete()
        return None
    return earlier


def purge_expired_answers(*, now: datetime, hours: int) -> int:
    """Delete every stored answer older than `hours`; return how many went."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lte=expired_before(now=now, hours=hours)).delete()
    return deleted


def claim_key(*, user: Any, key: str, fingerprint: str, now: datetime) -> IdempotentRequest:
    """Hold the key for this transaction: a concurrent request with it waits here, then fails.

    Neither this nor remember_answer writes an audit event: both run in the transaction of the
    create action, whose event covers the call."""
    return IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint, created_at=now)


def remember_answer(*, claim: IdempotentRequest, response: HttpResponse, patient_id: int) -> None:
    claim.status_code = response.status_code
    claim.response_body = response.content.decode()
    claim.patient_id = patient_id
    claim.save(update_fields=["status_code", "response_body", "patient_id"])


def _render(body: Schema) -> JsonResponse:
    return JsonResponse(body.model_dump(), status=201)


def _replay(*, request: HttpRequest, earlier: IdempotentRequest, fingerprint: str,
            now: datetime) -> HttpResponse:
    if earlier.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request. Send a new key for a new "
            "record; to repeat the first request, send exactly the same body to the same address.")
    # The stored body shows the patient as they were: only a caller who may still see the patient
    # gets it (the same 404 as for any record not theirs).
    get_visible_or_404(Patient.objects, user=request.auth, pk=earlier.patient_id)
    record_event(actor=request.auth, now=now, action="api.create_replayed", patients=[earlier.patient_id],
                 data={"path": request.path, "first_answered_at": earlier.created_at.isoformat()})
    response = HttpResponse(earlier.response_body, status=earlier.status_code, content_type="application/json")
    response.headers[REPLAY_HEADER] = "true"
    return response


def _fingerprint(request: HttpRequest, payload: Schema) -> str:
    text = json.dumps({"method": request.method, "path": request.path,
                       "body": payload.model_dump(mode="json")}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
