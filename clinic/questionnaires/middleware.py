"""Tablet mode locks the browser to the patient's questionnaires (issue 13): while a clinic tablet is
handed to a patient, only the tablet's own pages for the patient open; every other address in that browser
session, staff pages, patients' link pages and handing the tablet to someone else alike, leads back to the
tablet's page. Only handing the tablet back ends it, and that signs staff out."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

# The session key holding the TabletSession's id while tablet mode is on.
TABLET_SESSION_KEY = "questionnaires_tablet_session_id"
# The session key holding the patient's sign-in link once they have signed in with it: a patient
# session, which is no staff login.
PATIENT_LINK_KEY = "questionnaires_patient_link_id"
# What the patient holding the tablet may open: their due questionnaires, the crisis text, giving it back.
TABLET_PAGES = frozenset({"tablet:home", "tablet:answer", "tablet:crisis", "tablet:give_back"})
ALWAYS_OPEN = ("/static/", "/healthz")


class TabletModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.session.get(TABLET_SESSION_KEY) is not None and not request.path.startswith(ALWAYS_OPEN)
                and not _is_tablet_page(request)):
            return tablet_page(request)
        return self.get_response(request)


def _is_tablet_page(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).view_name in TABLET_PAGES
    except Resolver404:
        return False


def tablet_page(request: HttpRequest) -> HttpResponse:
    home = reverse("tablet:home")
    if request.headers.get("HX-Request"):
        # htmx follows HX-Redirect with a full page load, whatever part of the page asked.
        response = HttpResponse(status=403)
        response.headers["HX-Redirect"] = home
        return response
    return HttpResponseRedirect(home)
