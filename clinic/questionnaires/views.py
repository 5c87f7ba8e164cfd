"""The patient's Questionnaires tab: questionnaires due, each scale's history, a paper form or a clinician's
rating entered item by item, and the suicide risk assessments. Front desk asks for and withdraws the
patient's own questionnaires here, and sees no score, answer, alert or assessment."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.accounts.access import clinical_staff_only, get_visible_or_404, roles_required
from clinic.accounts.models import PRESCRIBING_ROLES
from clinic.audit.actions import record_view
from clinic.patients.models import Patient
from clinic.questionnaires import actions, forms, queries
from clinic.questionnaires.models import QuestionnaireRequest, QuestionnaireResponse
from clinic.rules import scales
from clinic.rules.errors import DomainError
from clinic.rules.scales.base import Instrument


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    return get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)


def _audit_view(request: HttpRequest, action: str, patient: Patient, **data: Any) -> None:
    record_view(actor=request.user, now=timezone.now(), action=action, patients=[patient], site_id=patient.site_id,
                data=data)


def _tab_url(patient: Patient, anchor: str = "") -> str:
    return reverse("questionnaires:tab", args=[patient.pk]) + (f"#{anchor}" if anchor else "")


@login_required
def tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    context: dict[str, Any] = {
        "patient": patient, "tab": "questionnaires", "request_form": forms.RequestForm(),
        "due": list(queries.due_requests(patient=patient).select_related("requested_by")),
    }
    # Front desk gets the questionnaires due alone: scores, answers and assessments are never read for them.
    if request.user.sees_clinical_data:
        context |= _clinical_tab(request, patient)
    _audit_view(request, "questionnaires.tab_viewed", patient, scores=request.user.sees_clinical_data)
    return render(request, "questionnaires/tab.html", context)


def _clinical_tab(request: HttpRequest, patient: Patient) -> dict[str, Any]:
    may_assess = request.user.role in PRESCRIBING_ROLES
    instruments = list(scales.INSTRUMENTS.values())
    return {
        "history": queries.history_by_scale(patient=patient),
        "drafts": queries.drafts(patient=patient),
        "assessments": list(queries.risk_assessments(patient=patient)),
        "paper_scales": [instrument for instrument in instruments if instrument.completed_by == "patient"],
        "rated_scales": [instrument for instrument in instruments if instrument.completed_by != "patient"],
        "may_assess": may_assess,
        "assessment_form": forms.RiskAssessmentForm(patient=patient, now=timezone.now()) if may_assess else None,
    }


@login_required
@require_POST
def request_questionnaires(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    form = forms.RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["instruments"]))
        return HttpResponseRedirect(_tab_url(patient, "due"))
    try:
        created = actions.request_questionnaires(patient=patient, instruments=form.cleaned_data["instruments"],
                                                 actor=request.user, now=timezone.now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        asked = [scales.instrument(code).name for code in form.cleaned_data["instruments"]]
        new = [scales.instrument(row.instrument).name for row in created]
        already = [name for name in asked if name not in new]
        if new:
            messages.success(request, f"Asked for {', '.join(new)}.")
        if already:
            messages.info(request, f"{', '.join(already)} {'was' if len(already) == 1 else 'were'} already due.")
    return HttpResponseRedirect(_tab_url(patient, "due"))


@login_required
@require_POST
def withdraw(request: HttpRequest, patient_id: int, request_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    due = QuestionnaireRequest.objects.filter(patient=patient, pk=request_id).first()
    if due is None:
        raise Http404("No such questionnaire request.")
    actions.withdraw_request(request=due, actor=request.user, now=timezone.now())
    messages.success(request, f"Withdrew {scales.instrument(due.instrument).name}: it is no longer due.")
    return HttpResponseRedirect(_tab_url(patient, "due"))


def _scale(code: str) -> Instrument:
    if code not in scales.INSTRUMENTS:
        raise Http404("No such questionnaire.")
    return scales.instrument(code)


@login_required
@clinical_staff_only
def entry(request: HttpRequest, patient_id: int, instrument: str) -> HttpResponse:
    """Enter a paper form or rate a clinician scale: save a draft to finish later, or submit it scored."""
    scale = _scale(instrument)
    patient = _patient(request, patient_id)
    mode = forms.entry_mode(scale)
    # A save that kept some answers has its own event (questionnaires.answers_saved): the page shown
    # again after it is part of that act, not a second one.
    saved = False
    if request.method == "POST":
        form = forms.EntryForm(request.POST, instrument=scale, patient=patient)
        form.is_valid()
        if "submit" in request.POST:
            done = _submit(request, form, patient=patient, scale=scale, mode=mode)
        else:
            done = saved = _save(request, form, patient=patient, scale=scale, mode=mode) is not None
            done = done and not form.errors
        if done:
            return HttpResponseRedirect(_tab_url(patient, f"scale-{scale.code}"))
        draft = actions.draft_for(patient=patient, instrument=scale.code)
    else:
        draft = actions.draft_for(patient=patient, instrument=scale.code)
        initial = forms.EntryForm.initial_from(draft.answers, draft.context, scale) if draft else None
        form = forms.EntryForm(initial=initial, instrument=scale, patient=patient)
    if not saved:
        _audit_view(request, "questionnaires.entry_viewed", patient, instrument=scale.code)
    return render(request, "questionnaires/entry.html", {
        "patient": patient, "tab": "questionnaires", "scale": scale, "form": form, "draft": draft, "mode": mode,
        "rows": [(item, form[forms.item_field(item)]) for item in scale.items],
        "context_fields": [form[name] for name in form.fields if not name.startswith("item_")],
    })


def _submit(request: HttpRequest, form: forms.EntryForm, *, patient: Patient, scale: Instrument, mode: str) -> bool:
    if form.errors:
        form.add_error(None, "Nothing was submitted: fix the marked answers, then submit again.")
        return False
    try:
        response = actions.submit_response(patient=patient, instrument=scale.code, answers=form.answers(),
                                           context=form.context(), actor=request.user, now=timezone.now(), mode=mode)
    except DomainError as error:
        form.mark_refused(error)
        return False
    _confirm(request, response, scale)
    return True


def _confirm(request: HttpRequest, response: QuestionnaireResponse, scale: Instrument) -> None:
    """Say what was stored: the total and its band, the risk, and every alert it raised."""
    details = []
    if response.total is not None:
        details.append(f"total {scales.base.exact(response.total)}")
    if band := next((band.label for band in scale.bands if band.code == response.severity), ""):
        details.append(f"severity {band}")
    if response.risk:
        details.append(f"{response.risk} risk")
    messages.success(request, f"{scale.name} submitted: {', '.join(details) or 'stored'}.")
    for alert in response.alerts:
        messages.warning(request, f"Alert opened ({alert['code']}): {alert['message']}")


def _save(request: HttpRequest, form: forms.EntryForm, *, patient: Patient, scale: Instrument,
          mode: str) -> QuestionnaireResponse | None:
    """The draft saved (its refused answers marked on the form), or None when nothing was saved."""
    try:
        draft, refused = actions.save_answers(patient=patient, instrument=scale.code, answers=form.answers(),
                                              context=form.context(), actor=request.user, now=timezone.now(),
                                              mode=mode)
    except DomainError as error:
        form.mark_refused(error)
        return None
    for number, message in refused.items():
        form.add_error(f"item_{number}", message)
    answered = sum(answer is not None for answer in draft.answers)
    if form.errors:
        form.add_error(None, f"Saved the {answered} answer{'s' if answered != 1 else ''} that could be kept; the "
                             "marked ones were not saved. Correct them, then save or submit.")
        return draft
    messages.success(request, f"Saved {scale.name} to finish later: {answered} of {len(scale.items)} items "
                              "answered. It is not scored until it is submitted.")
    return draft


@login_required
@roles_required(*PRESCRIBING_ROLES)
def risk_assessment(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a suicide risk assessment: what lifts HS_SUICIDE_HIGH for screening when it decides to proceed."""
    patient = _patient(request, patient_id)
    now = timezone.now()
    form = forms.RiskAssessmentForm(request.POST or None, patient=patient, now=now)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = actions.record_risk_assessment(patient=patient, actor=request.user, now=now,
                                                        **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Recorded the suicide risk assessment: {assessment.get_risk_level_display()} "
                                      f"risk, {assessment.get_outcome_display().lower()}.")
            return HttpResponseRedirect(_tab_url(patient, "risk-assessments"))
    _audit_view(request, "questionnaires.risk_assessment_form_viewed", patient)
    return render(request, "questionnaires/risk_assessment.html",
                  {"patient": patient, "tab": "questionnaires", "form": form})
