import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from clinic.audit.context import RequestContext, current_request
from clinic.audit.refusals import PATIENT_ARGUMENT, Refusal, record_refusal

logger = logging.getLogger(__name__)
REFUSED_STATUSES = frozenset({403, 404})
# The API signs its caller in by bearer token (request.auth); pages by the session (request.user).
API_PREFIX = "/api/"
VIEW_REACHED = "refusal_audit_view_reached"


class RequestContextMiddleware:
    """Give each request an id and the client's address for its audit rows.

    Behind TRUSTED_PROXY_HOPS reverse proxies, the client is the address the nearest of them saw
    (that many entries from the right of X-Forwarded-For), and a proxy's X-Request-ID is kept; with
    no trusted proxy both headers are ignored, since any client could write them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        hops = settings.TRUSTED_PROXY_HOPS
        request_id = (request.headers.get("X-Request-ID", "")[:64] if hops else "") or uuid.uuid4().hex
        token = current_request.set(RequestContext(request_id=request_id, ip=client_address(request, hops=hops)))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response


def client_address(request: HttpRequest, *, hops: int) -> str | None:
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


class RefusedAccessMiddleware:
    """Record refused access to patient data (clinic.audit.refusals): every 403 answered to a
    signed-in user, and every 404 on a route that takes a patient id.

    Sits after the authentication and working-site middleware. A request refused before its view
    (a form sent with an expired CSRF token) asked for no record and is left to Django's own log.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in REFUSED_STATUSES and getattr(request, VIEW_REACHED, False):
            try:
                record_refused_request(request, status=response.status_code)
            except Exception:
                # The refusal stands whatever happens here: never turn it into a server error.
                logger.exception("Could not record a refused request: %s %s (%s)", request.method,
                                 request.path, response.status_code)
        return response

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> None:
        setattr(request, VIEW_REACHED, True)


def record_refused_request(request: HttpRequest, *, status: int) -> None:
    match = request.resolver_match
    user = _signed_in_user(request)
    if match is None or user is None or (status == 404 and PATIENT_ARGUMENT not in match.kwargs):
        return
    refusal = Refusal(route=match.view_name, path=request.path, method=request.method or "", status=status,
                      arguments={name: str(value) for name, value in match.kwargs.items()})
    # Pages know the site the user chose to work at; an API caller works at their first site.
    site = getattr(request, "working_site", None) or user.working_site()
    now = timezone.now()  # noqa: TID251 - the request's edge reads the clock, as a view does
    record_refusal(actor=user, now=now, refusal=refusal, site_id=site.id if site else None,
                   time_zone=site.time_zone if site else settings.TIME_ZONE)


def _signed_in_user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None) if request.path.startswith(API_PREFIX) else getattr(request, "user", None)
    if getattr(user, "is_authenticated", False) and getattr(user, "organisation_id", None):
        return user
    return None
