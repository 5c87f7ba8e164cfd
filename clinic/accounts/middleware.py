"""Idle timeout and second-factor enforcement for staff web sessions."""

import datetime as dt
import time
import zoneinfo
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from clinic.accounts import actions

LAST_ACTIVITY_KEY = "last_activity_epoch_s"
# Requests from a live page's timer carry this header (clinic.js adds it to every request htmx
# makes without a user's own click, key or submit); they must not keep a login alive.
POLL_HEADER = "X-Clinic-Poll"
# The activity time is saved at most this often, so clicking around does not write the session on
# every request; the timeout is accurate to within this.
ACTIVITY_RESOLUTION_S = 30
OPEN_PREFIXES = ("/healthz", "/static/", "/api/", "/fhir/")


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            now_s = time.time()
            last_s = request.session.get(LAST_ACTIVITY_KEY)
            if last_s is not None and now_s - last_s > settings.IDLE_TIMEOUT_MINUTES * 60:
                return _time_out(request, now_s=now_s)
            # A login starts its clock on its first request, poll or not.
            is_poll = bool(request.headers.get(POLL_HEADER))
            if last_s is None or (not is_poll and now_s - last_s >= ACTIVITY_RESOLUTION_S):
                request.session[LAST_ACTIVITY_KEY] = now_s
        return self.get_response(request)


def _time_out(request: HttpRequest, *, now_s: float) -> HttpResponse:
    actions.record_logout(user=request.user, now=dt.datetime.fromtimestamp(now_s, tz=dt.UTC),
                          reason="idle")
    next_url = _page_the_user_was_on(request)
    logout(request)
    query = urlencode({"next": next_url, "reason": "idle"})
    login_url = reverse("accounts:login") + "?" + query
    if request.headers.get("HX-Request"):
        # htmx follows HX-Redirect with a full page load, whatever part of the page asked.
        response = HttpResponse(status=401)
        response.headers["HX-Redirect"] = login_url
        return response
    return HttpResponseRedirect(login_url)


def _page_the_user_was_on(request: HttpRequest) -> str:
    """Where to come back to after signing in again: the page itself, not the htmx fragment or
    the POST-only address a form was sent to."""
    if request.method == "GET" and not request.headers.get("HX-Request"):
        return request.get_full_path()
    page = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if page and url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}):
        parts = urlsplit(page)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path() if request.method == "GET" else "/"


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


WORKING_SITE_KEY = "working_site_id"


class WorkingSiteMiddleware:
    """Pages show times in the zone of the site the user is working at (design §5: every time in the
    site's zone, never the server's). The site is the one chosen this session, else the user's
    first site; `request.working_site` holds it (None when signed out or of no site)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.working_site = None
        if not request.path.startswith(OPEN_PREFIXES) and request.user.is_authenticated:
            request.working_site = request.user.working_site(request.session.get(WORKING_SITE_KEY))
        if request.working_site is None:
            return self.get_response(request)
        timezone.activate(zoneinfo.ZoneInfo(request.working_site.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
