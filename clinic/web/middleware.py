"""Response headers shared by every page, and requests refused at the door."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict

from clinic.web.errors import body_limit_bytes, request_too_large

# Scripts and styles come only from our own static files: no inline script, no CDN. The API docs
# page needs no exception: ninja serves its viewer and start-up script as static files, and the
# viewer styles elements through the DOM, which the policy allows (clinic/api/tests/test_docs_browser.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


NUL_MESSAGE = "The request holds a NUL character (\\u0000), which no field may contain. Remove it and send again."


class RefuseNulCharactersMiddleware:
    """PostgreSQL cannot store or compare text holding NUL, so a query or form value with one would
    fail deep inside a page; refuse it at the door instead, alike on every database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "VALIDATION_ERROR", "message": NUL_MESSAGE, "details": []}},
                                    status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _holds_nul(values: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


class NoStoreMiddleware:
    """Signed-in pages and API answers hold patient data: no browser or proxy may keep a copy.

    Sits below WhiteNoise, so static files keep their long caching; public pages (sign-in, the
    health check) keep what their views say."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_private(request) and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response


def _is_private(request: HttpRequest) -> bool:
    # request.user is set further in; it is there once the response comes back out.
    user = getattr(request, "user", None)
    return request.path.startswith("/api/") or bool(user is not None and user.is_authenticated)


class RequestBodyLimitMiddleware:
    """Answer a body over the limit with 413 before any of it is read or written to disk.

    A document form whose other fields alone pass DATA_UPLOAD_MAX_MEMORY_SIZE is refused as it is
    parsed (Django's RequestDataTooBig), by the 400 handler, with the same 413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit_bytes = body_limit_bytes(request)
        if limit_bytes is not None and _declared_length(request) > limit_bytes:
            response = request_too_large(request)
        else:
            response = self.get_response(request)
        _discard_unread_body(request)
        return response


# A body left unread up to this size is read and thrown away before the answer goes out (64 MiB:
# above the largest request the operations guide lets nginx pass, 21 MB).
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
DRAIN_CHUNK_BYTES = 64 * 1024


def _discard_unread_body(request: HttpRequest) -> None:
    """Read what the client sent and nobody read (a refused body, or one sent with a missing token).

    gunicorn closes the connection after each answer; closing it with bytes still unread makes the
    sender's next write fail, and nginx in front then gives its client a 502 in place of the clinic's
    413 or 401. A body larger than DRAIN_LIMIT_BYTES is left: it can only come from a client that
    bypassed the proxy, and reading it would cost more than the answer is worth."""
    if not 0 < _declared_length(request) <= DRAIN_LIMIT_BYTES:
        return
    stream = getattr(request, "_stream", None)
    if stream is None:
        return
    try:
        while stream.read(DRAIN_CHUNK_BYTES):
            pass
    except OSError:  # the client went away: nothing left to protect
        return


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
