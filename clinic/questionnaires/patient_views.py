"""The patient's own pages (design §3 "Patients' access"): sign-in from a one-time link with their date
of birth, their due questionnaires, answering one, the crisis text after an answer that raised a suicide
alert, and the thank-you page. Staff send the link from the chart.

A patient session holds the link's id (PATIENT_LINK_KEY) and no staff login: staff pages still ask for
a staff sign-in, and these pages refuse a browser holding only a staff login. Every page names the
patient as the actor of its audit event. Tablet mode (tablet_views) reuses the answering pages with the
staff member who handed the tablet over."""

import functools
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.accounts.access import get_visible_or_404
from clinic.audit.actions import record_event
from clinic.audit.models import ActorKind
from clinic.patients.models import Patient
from clinic.questionnaires import actions, link_messages, patient_forms, queries
from clinic.questionnaires.middleware import PATIENT_LINK_KEY
from clinic.questionnaires.models import Mode, PatientLink, QuestionnaireRequest, QuestionnaireResponse, ResponseStatus
from clinic.rules import scales
from clinic.rules.errors import DomainError
from clinic.rules.scales.base import Instrument, unanswered
from clinic.rules.typed_values import day_text

SAVE, SUBMIT = "save", "submit"


# Who is answering, and where: from the patient's link, or on a clinic tablet.


@dataclass(frozen=True)
class Answering:
    patient: Patient
    actor: actions.PatientActor
    mode: str
    namespace: str  # the URL namespace of the pages: "patient" or "tablet"
    link: PatientLink | None = None

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"{self.namespace}:{name}", args=args)


def record_patient_read(answering: Answering, *, action: str, data: dict[str, Any] | None = None) -> None:
    """One audit event for a page the patient saw, with the patient as its actor (and on a tablet the
    staff member who handed it over), as clinic.questionnaires.actions records the patient's writes."""
    patient = answering.patient
    data = dict(data or {})
    if answering.actor.handed_over_by is not None:
        data["tablet_handed_over_by"] = answering.actor.handed_over_by.pk
    record_event(actor=None, actor_kind=ActorKind.PATIENT, actor_label=f"patient {patient.mrn}",
                 organisation_id=patient.organisation_id, now=timezone.now(), action=action, patients=[patient],
                 site_id=patient.site_id, data=data)


@dataclass(frozen=True)
class Due:
    request: QuestionnaireRequest
    scale: Instrument
    started: bool


def due_items(patient: Patient) -> list[Due]:
    """The patient's due questionnaires they answer themselves, each with whether a draft is kept."""
    drafts = queries.drafts(patient=patient)
    return [Due(request=request, scale=scales.instrument(request.instrument), started=request.instrument in drafts)
            for request in queries.due_requests(patient=patient)
            if not actions.clinician_rated(scales.instrument(request.instrument))]


def due_scale(patient: Patient, code: str) -> Instrument:
    """The due scale of that code, or 404: a patient opens nothing else."""
    for due in due_items(patient):
        if due.scale.code == code:
            return due.scale
    raise Http404("No such questionnaire is due.")


def answer_page(request: HttpRequest, answering: Answering, code: str) -> HttpResponse:
    """One questionnaire: Save keeps a draft; Submit scores and stores it, then shows the crisis text
    when it raised a suicide alert, before anything else."""
    patient = answering.patient
    scale = due_scale(patient, code)
    if request.method == "POST":
        return _answer_post(request, answering, scale)
    draft = actions.draft_for(patient=patient, instrument=scale.code)
    answers = list(draft.answers) if draft is not None and len(draft.answers) == len(scale.items) else [None] * len(
        scale.items)
    context = dict(draft.context) if draft is not None else {}
    record_patient_read(answering, action="questionnaires.patient_form_viewed", data={"instrument": scale.code})
    return _render_answer(request, answering, scale, answers, context, {})


def _answer_post(request: HttpRequest, answering: Answering, scale: Instrument) -> HttpResponse:
    patient, now = answering.patient, timezone.now()
    answers, typed_context, errors = patient_forms.parse_answers(scale, request.POST)
    context = {key: value for key, value in typed_context.items() if value is not None}
    submitting = request.POST.get("action") == SUBMIT
    errors |= {str(number): message for number, message in actions.check_answers(scale.code, answers).items()}
    if submitting:
        errors |= {str(number): "Choose an answer." for number in unanswered(scale, answers)
                   if str(number) not in errors}
        errors |= {name: "Type a number." for _key, name, *_ in patient_forms.CONTEXT_ITEMS.get(scale.code, ())
                   if typed_context.get(_key) is None and name not in errors}
    problem = ""
    if submitting and not errors:
        try:
            response = actions.submit_response(patient=patient, instrument=scale.code, answers=answers,
                                               actor=answering.actor, now=now, mode=answering.mode, context=context,
                                               require_due=True, link=answering.link)
        except actions.NotDue as error:  # sent twice, or withdrawn meanwhile: nothing to keep as a draft
            messages.info(request, error.message)
            return HttpResponseRedirect(answering.url("home"))
        except DomainError as error:
            problem = error.message
        else:
            return _after_submit(request, answering, response)
    actions.save_answers(patient=patient, instrument=scale.code, answers=answers, actor=answering.actor, now=now,
                         mode=answering.mode, context=typed_context)
    if not errors and not problem:
        messages.success(request, f"Your answers to {scale.name} are saved. You can come back to them "
                                  "with the same link until it expires.")
        return HttpResponseRedirect(answering.url("home"))
    return _render_answer(request, answering, scale, answers, typed_context, errors, problem=problem, status=400)


def _after_submit(request: HttpRequest, answering: Answering, response: QuestionnaireResponse) -> HttpResponse:
    suicide, _high = queries.raises_suicide_alert(response)
    if suicide:
        return HttpResponseRedirect(answering.url("crisis", response.pk))
    messages.success(request, f"Thank you: your answers to {scales.instrument(response.instrument).name} "
                              "were sent to the clinic.")
    return HttpResponseRedirect(_next_after_answer(answering))


def _next_after_answer(answering: Answering) -> str:
    """The patient's page, or the thank-you page once the last answer used the link up."""
    if answering.link is not None and PatientLink.objects.filter(pk=answering.link.pk, used_at__isnull=False).exists():
        return reverse("patient:done")
    return answering.url("home")


def _render_answer(request: HttpRequest, answering: Answering, scale: Instrument, answers: list[Any],
                   context: dict[str, Any], errors: dict[str, str], *, problem: str = "",
                   status: int = 200) -> HttpResponse:
    rows = patient_forms.item_rows(scale, answers, context, errors)
    return render(request, "questionnaires/patient/answer.html", {
        "answering": answering, "patient": answering.patient, "scale": scale, "rows": rows,
        "errors": [row for row in rows if row.error], "problem": problem,
        "action_url": answering.url("answer", scale.code), "home_url": answering.url("home"),
    }, status=status)


def crisis_page(request: HttpRequest, answering: Answering, response_id: int) -> HttpResponse:
    """The site's crisis text after an answer that raised a suicide alert (and for high risk, the high-
    risk text first), shown before anything else."""
    response = QuestionnaireResponse.objects.filter(pk=response_id, patient=answering.patient,
                                                    status=ResponseStatus.SUBMITTED).first()
    if response is None:
        raise Http404("No such answer.")
    suicide, high = queries.raises_suicide_alert(response)
    if not suicide:
        return HttpResponseRedirect(answering.url("home"))
    site = answering.patient.site
    record_patient_read(answering, action="questionnaires.crisis_text_shown",
                        data={"response": response.pk, "high": high})
    return render(request, "questionnaires/patient/crisis.html", {
        "answering": answering, "patient": answering.patient, "high": high,
        "crisis_text_high": queries.crisis_text(site=site, high=True) if high else "",
        "crisis_text": queries.crisis_text(site=site, high=False),
        "continue_url": _next_after_answer(answering),
    })


# The patient's link


def signed_in_patient(view: Callable[..., HttpResponse], *, used_link_too: bool = False) -> Callable[..., HttpResponse]:
    """Only a browser signed in with a patient's link, still open, gets in; a staff login alone does not.
    `used_link_too` lets the same browser finish reading what followed its last answer (the crisis text)
    once that answer used the link up."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        link = _session_link(request)
        if link is None:
            return render(request, "questionnaires/patient/not_signed_in.html", status=403)
        refused = actions.refusal(link, now=timezone.now())
        if refused is not None and not (used_link_too and refused.reason == "used"):
            request.session.flush()
            return _refused_page(request, link=None, refused=refused)
        answering = Answering(patient=link.patient, actor=actions.PatientActor(link.patient), mode=Mode.REMOTE,
                              namespace="patient", link=link)
        return view(request, answering, *args, **kwargs)

    return wrapper


def _session_link(request: HttpRequest) -> PatientLink | None:
    link_id = request.session.get(PATIENT_LINK_KEY)
    if link_id is None:
        return None
    return (PatientLink.objects.select_related("patient", "patient__site", "patient__organisation")
            .filter(pk=link_id, signed_in_at__isnull=False).first())


def link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the message: the date of birth form, or why the link no longer opens."""
    found = actions.link_for_token(token)
    if found is None:
        return render(request, "questionnaires/patient/unknown_link.html", status=404)
    if (refused := actions.refusal(found, now=timezone.now())) is not None:
        return _refused_page(request, link=found, refused=refused, token=token)
    form = patient_forms.BirthDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signed = actions.sign_in_with_link(link=found, birth_date=form.cleaned_data["birth_date"],
                                               now=timezone.now())
        except actions.LinkRefused as error:
            return _refused_page(request, link=found, refused=error, token=token)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            # A fresh session: nothing of whoever used this browser before (a staff login) comes along.
            request.session.flush()
            request.session[PATIENT_LINK_KEY] = signed.pk
            return HttpResponseRedirect(reverse("patient:home"))
    return render(request, "questionnaires/patient/sign_in.html", {"form": form, "site": found.patient.site},
                  status=400 if form.errors else 200)


def _refused_page(request: HttpRequest, *, link: PatientLink | None, refused: actions.LinkRefused,
                  token: str = "", sent: str = "", problem: str = "", status: int = 410) -> HttpResponse:
    return render(request, "questionnaires/patient/refused.html", {
        "reason": refused.reason, "message": refused.message, "token": token if link is not None else "",
        "sent": sent, "problem": problem}, status=status)


@require_POST
def new_link(request: HttpRequest, token: str) -> HttpResponse:
    """Send a new link to the contact on file, from a link that no longer opens."""
    found = actions.link_for_token(token)
    if found is None:
        return render(request, "questionnaires/patient/unknown_link.html", status=404)
    now = timezone.now()
    refused = actions.refusal(found, now=now)
    if refused is None:
        return HttpResponseRedirect(reverse("patient:link", args=[token]))
    try:
        _new, contact = link_messages.send_new_link(
            old=found, now=now, url_for=lambda raw: request.build_absolute_uri(reverse("patient:link", args=[raw])))
    except DomainError as error:
        return _refused_page(request, link=found, refused=refused, token=token, problem=error.message, status=429
                             if isinstance(error, link_messages.NewLinkTooSoon) else 410)
    return _refused_page(request, link=found, refused=refused, token=token,
                         sent=f"A new link is on its way by {contact.channel_text} to {contact.shown}.")


@signed_in_patient
def home(request: HttpRequest, answering: Answering) -> HttpResponse:
    """The patient's due questionnaires and a link to their signed consent; once no questionnaire is left, the
    link is used and the patient thanked, unless they have a signed consent to read first."""
    due = due_items(answering.patient)
    signed = answering.patient.consents.exists()
    if not due:
        actions.finish_link_if_done(link=answering.link, now=timezone.now())
        if not signed:
            return HttpResponseRedirect(reverse("patient:done"))
    record_patient_read(answering, action="questionnaires.patient_home_viewed",
                        data={"due": [item.scale.code for item in due]})
    return render(request, "questionnaires/patient/home.html", {
        "answering": answering, "patient": answering.patient, "due": due, "signed_consent": signed})


@signed_in_patient
def answer(request: HttpRequest, answering: Answering, instrument: str) -> HttpResponse:
    return answer_page(request, answering, instrument)


@functools.partial(signed_in_patient, used_link_too=True)
def crisis(request: HttpRequest, answering: Answering, response_id: int) -> HttpResponse:
    return crisis_page(request, answering, response_id)


def done(request: HttpRequest) -> HttpResponse:
    """Thank you: the link is used, and the patient session ends here."""
    link_id = request.session.get(PATIENT_LINK_KEY)
    if link_id is not None and not PatientLink.objects.filter(pk=link_id, used_at__isnull=False).exists():
        return HttpResponseRedirect(reverse("patient:home"))
    request.session.flush()
    return render(request, "questionnaires/patient/done.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return render(request, "questionnaires/patient/signed_out.html")


# Staff: send the patient their link


@login_required
@require_POST
def send_link(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Send the patient a sign-in link by their preferred channel; any staff role may (front desk sends
    questionnaires)."""
    patient = get_visible_or_404(Patient.objects.select_related("site", "organisation"), user=request.user,
                                 pk=patient_id)
    now = timezone.now()
    try:
        link_sent, contact = link_messages.send_link(
            patient=patient, actor=request.user, now=now,
            url_for=lambda raw: request.build_absolute_uri(reverse("patient:link", args=[raw])))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        expires = link_sent.expires_at.astimezone(zoneinfo.ZoneInfo(patient.site.time_zone))
        messages.success(request, f"Sign-in link sent by {contact.channel_text} to {contact.address}. It works until "
                                  f"{day_text(expires.date())} at {expires:%H:%M}, or until the patient has sent "
                                  "every questionnaire due.")
    return HttpResponseRedirect(_back_to_chart(request, patient))


def _back_to_chart(request: HttpRequest, patient: Patient) -> str:
    back = request.POST.get("next", "")
    if back.startswith("/patients/") and "//" not in back:
        return back
    return reverse("patients:chart", args=[patient.pk])
