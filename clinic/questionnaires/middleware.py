"""Tablet mode locks the browser to the patient's questionnaires (issue 13): while a clinic tablet is
handed to a patient, every other address in that browser session, staff pages and patients' link pages
alike, leads back to the tablet's page. Only handing the tablet back ends it, and that signs staff out."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# The session key holding the TabletSession's id while tablet mode is on.
TABLET_SESSION_KEY = "questionnaires_tablet_session_id"
# The session key holding the patient's sign-in link once they have signed in with it: a patient
# session, which is no staff login.
PATIENT_LINK_KEY = "questionnaires_patient_link_id"
TABLET_PREFIX = "/tablet/"
ALWAYS_OPEN = ("/static/", "/healthz")


class TabletModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.session.get(TABLET_SESSION_KEY) is not None
                and not request.path.startswith((TABLET_PREFIX, *ALWAYS_OPEN))):
            return tablet_page(request)
        return self.get_response(request)


def tablet_page(request: HttpRequest) -> HttpResponse:
    home = reverse("tablet:home")
    if request.headers.get("HX-Request"):
        # htmx follows HX-Redirect with a full page load, whatever part of the page asked.
        response = HttpResponse(status=403)
        response.headers["HX-Redirect"] = home
        return response
    return HttpResponseRedirect(home)
