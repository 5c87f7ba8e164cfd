import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from clinic.audit.context import RequestContext, current_request


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
