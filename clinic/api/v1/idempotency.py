"""Idempotency-Key on create calls: the same key and body give the same answer and create nothing
twice; the same key with another body is refused."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Header, Schema

from clinic.api.models import IdempotentRequest
from clinic.audit.actions import record_event
from clinic.rules.errors import DomainError

IdempotencyKey = Annotated[str | None, Header(
    default=None, alias="Idempotency-Key", pattern=r"^[!-~]{1,255}$",
    description="Any unique string (a UUID, say) of up to 255 printable characters. Sending the same "
                "key and body again returns the first answer and creates nothing twice.")]
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
            earlier = IdempotentRequest.objects.filter(user=request.auth, key=key).first()
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
    record_event(actor=request.auth, now=now, action="api.create_replayed", patients=[earlier.patient_id],
                 data={"path": request.path, "first_answered_at": earlier.created_at.isoformat()})
    response = HttpResponse(earlier.response_body, status=earlier.status_code, content_type="application/json")
    response.headers[REPLAY_HEADER] = "true"
    return response


def _fingerprint(request: HttpRequest, payload: Schema) -> str:
    text = json.dumps({"method": request.method, "path": request.path,
                       "body": payload.model_dump(mode="json")}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
