"""Tablet mode (issue 13): a clinician hands the clinic tablet to the patient from the chart. The
browser then shows only the patient's due questionnaires, answered by the patient (mode "tablet", the
staff member named as who handed it over); every other address leads back here
(middleware.TabletModeMiddleware). Giving the tablet back, or finishing, ends tablet mode and signs staff
out, so the tablet locks back to staff: they sign in again and land on the patient's chart."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.accounts import actions as account_actions
from clinic.accounts.access import clinical_staff_only, get_visible_or_404
from clinic.patients.models import Patient
from clinic.questionnaires import actions
from clinic.questionnaires.middleware import TABLET_SESSION_KEY
from clinic.questionnaires.models import Mode, TabletSession
from clinic.questionnaires.patient_views import (
    Answering,
    answer_page,
    crisis_page,
    due_items,
    record_patient_read,
)


@login_required
@clinical_staff_only
@require_POST
def start(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Hand the tablet to the patient: only when something is due for them to answer."""
    if request.session.get(TABLET_SESSION_KEY) is not None:
        # The patient holds this browser: they may not hand it to anyone else.
        return HttpResponseRedirect(reverse("tablet:home"))
    patient = get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)
    if not due_items(patient):
        messages.error(request, "Nothing is due for this patient to answer. Ask for a questionnaire first, then hand "
                                "the tablet over.")
        return HttpResponseRedirect(reverse("patients:chart", args=[patient.pk]))
    session = actions.start_tablet(patient=patient, actor=request.user, now=timezone.now())
    request.session[TABLET_SESSION_KEY] = session.pk
    return HttpResponseRedirect(reverse("tablet:home"))


def on_tablet(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The tablet session this browser holds, still open, started by the staff member still signed in here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session_id = request.session.get(TABLET_SESSION_KEY)
        if session_id is None:
            # No tablet mode in this browser: a staff member's own browser goes to their patients.
            if request.user.is_authenticated:
                return HttpResponseRedirect(reverse("patients:list"))
            return HttpResponseRedirect(reverse("accounts:login"))
        tablet = (TabletSession.objects.select_related("patient", "patient__site", "patient__organisation",
                                                       "started_by")
                  .filter(pk=session_id).first())
        if (tablet is None or tablet.ended_at is not None or not request.user.is_authenticated
                or tablet.started_by_id != request.user.pk):
            return _tablet_mode_over(request, tablet)
        answering = Answering(patient=tablet.patient, mode=Mode.TABLET, namespace="tablet",
                              actor=actions.PatientActor(tablet.patient, handed_over_by=tablet.started_by))
        return view(request, tablet, answering, *args, **kwargs)

    return wrapper


def _tablet_mode_over(request: HttpRequest, tablet: TabletSession | None) -> HttpResponse:
    """This browser was handed to a patient, and that tablet mode is over (handed over again elsewhere, or
    by someone else): whoever holds the tablet gets the staff login, never the staff member's pages."""
    now = timezone.now()
    if tablet is not None:
        actions.end_tablet(session=tablet, now=now)
    request.session.pop(TABLET_SESSION_KEY, None)
    if request.user.is_authenticated:
        account_actions.record_logout(user=request.user, now=now, reason="tablet mode ended")
    logout(request)
    return HttpResponseRedirect(_sign_in_to_chart(tablet.patient_id) if tablet is not None
                                else reverse("accounts:login"))


def end_tablet_mode_on_sign_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Tablet mode ends with the staff login it rides on: a browser handed to a patient and signed out
    another way (the idle timeout among them) leaves no tablet session open. Connected in apps.ready."""
    session_id = request.session.get(TABLET_SESSION_KEY) if request is not None else None
    tablet = (TabletSession.objects.filter(pk=session_id, ended_at__isnull=True).first()
              if session_id is not None else None)
    if tablet is not None:
        actions.end_tablet(session=tablet, now=timezone.now())


def _sign_in_to_chart(patient_id: int) -> str:
    chart = reverse("patients:chart", args=[patient_id])
    return reverse("accounts:login") + "?" + urlencode({"next": chart})


@on_tablet
def home(request: HttpRequest, tablet: TabletSession, answering: Answering) -> HttpResponse:
    """The patient's due questionnaires; once none is left, the tablet goes back to staff."""
    due = due_items(answering.patient)
    if not due:
        return _give_back(request, tablet, finished=True)
    record_patient_read(answering, action="questionnaires.tablet_home_viewed",
                        data={"due": [item.scale.code for item in due]})
    return render(request, "questionnaires/patient/home.html", {
        "answering": answering, "patient": answering.patient, "due": due, "tablet": tablet})


@on_tablet
def answer(request: HttpRequest, tablet: TabletSession, answering: Answering, instrument: str) -> HttpResponse:
    return answer_page(request, answering, instrument)


@on_tablet
def crisis(request: HttpRequest, tablet: TabletSession, answering: Answering, response_id: int) -> HttpResponse:
    return crisis_page(request, answering, response_id)


@on_tablet
@require_POST
def give_back(request: HttpRequest, tablet: TabletSession, answering: Answering) -> HttpResponse:
    return _give_back(request, tablet, finished=False)


def _give_back(request: HttpRequest, tablet: TabletSession, *, finished: bool) -> HttpResponse:
    """End tablet mode and sign staff out: the next person to use the tablet signs in as staff, and
    lands back on the patient's chart."""
    now = timezone.now()
    actions.end_tablet(session=tablet, now=now)
    request.session.pop(TABLET_SESSION_KEY, None)
    account_actions.record_logout(user=request.user, now=now, reason="tablet handed back")
    logout(request)
    return render(request, "questionnaires/tablet/given_back.html", {
        "finished": finished, "sign_in": _sign_in_to_chart(tablet.patient_id)})
