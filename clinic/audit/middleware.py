import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from clinic.audit.context import RequestContext, current_request


class RequestContextMiddleware:
    """Give each request an id (kept from X-Request-ID when a proxy sets one) for its audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = current_request.set(
            RequestContext(request_id=request_id, ip=request.META.get("REMOTE_ADDR") or None)
        )
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response
