"""Response headers shared by every page."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict

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
