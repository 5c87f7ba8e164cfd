"""Idle timeout and second-factor enforcement for staff web sessions."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

LAST_ACTIVITY_KEY = "last_activity_epoch_s"
# Requests from a live page's timer carry this header; they must not keep a login alive.
POLL_HEADER = "X-Clinic-Poll"
OPEN_PREFIXES = ("/healthz", "/static/", "/api/", "/fhir/")


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            now_s = time.time()
            last_s = request.session.get(LAST_ACTIVITY_KEY, now_s)
            if now_s - last_s > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                return _to_login(request, reason="idle")
            if not request.headers.get(POLL_HEADER):
                request.session[LAST_ACTIVITY_KEY] = now_s
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Staff who signed in with a password alone may only finish the second step."""

    ALLOWED_URL_NAMES = ("accounts:login", "accounts:verify", "accounts:enrol", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REQUIRE_SECOND_FACTOR
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
            and request.path not in {reverse(name) for name in self.ALLOWED_URL_NAMES}
        ):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(reverse("accounts:verify") + "?" + query)
        return self.get_response(request)


def _to_login(request: HttpRequest, *, reason: str) -> HttpResponse:
    query = urlencode({"next": request.get_full_path(), "reason": reason})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=401)
        response.headers["HX-Redirect"] = reverse("accounts:login") + "?" + query
        return response
    return HttpResponseRedirect(reverse("accounts:login") + "?" + query)
