"""The patient's Screening tab: the latest run's findings grouped, the eligibility state, the decision in
force, earlier runs and decisions; an old run read as it was; "Screen again"; signing a decision on the
latest run; addenda. Clinical staff only; prescribers and the medical director sign."""

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
from clinic.rules.errors import DomainError
from clinic.screening import actions, forms, queries
from clinic.screening.models import EligibilityDecision, ScreeningRun, Trigger
from clinic.sites.queries import site_today


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    return get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)


def _tab_url(patient: Patient, anchor: str = "") -> str:
    return reverse("screening:tab", args=[patient.pk]) + (f"#{anchor}" if anchor else "")


def _audit_view(request: HttpRequest, action: str, patient: Patient, **data: Any) -> None:
    record_view(actor=request.user, now=timezone.now(), action=action, patients=[patient], site_id=patient.site_id,
                data=data)


@login_required
@clinical_staff_only
def tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    now = timezone.now()
    runs = list(queries.runs(patient=patient))
    decisions = list(queries.decisions(patient=patient))
    latest = queries.latest_run(patient=patient) if runs else None
    _audit_view(request, "screening.tab_viewed", patient, run=latest.number if latest else None)
    return render(request, "screening/tab.html", {
        "patient": patient, "tab": "screening", "latest": latest, "runs": runs[1:], "decisions": decisions,
        "in_force": decisions[0] if decisions else None,
        "state": queries.eligibility_state(patient=patient, on=site_today(site=patient.site, now=now), now=now),
        "may_sign": request.user.role in PRESCRIBING_ROLES,
        "signed_latest": bool(latest and decisions and decisions[0].screening_run_id == latest.pk),
    })


@login_required
@clinical_staff_only
def run_detail(request: HttpRequest, patient_id: int, number: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    run = (ScreeningRun.objects.filter(patient=patient, number=number).select_related("protocol", "run_by")
           .prefetch_related("decisions__signed_by").first())
    if run is None:
        raise Http404
    _audit_view(request, "screening.run_viewed", patient, run=run.number)
    return render(request, "screening/run.html", {"patient": patient, "tab": "screening", "run": run,
                                                  "decisions": list(run.decisions.all())})


@login_required
@clinical_staff_only
@require_POST
def screen_again(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    run = actions.screen_patient(patient=patient, actor=request.user, now=timezone.now(), trigger=Trigger.MANUAL)
    messages.success(request, f"Screened again: run {run.number}, {len(run.hard_stops)} hard stop"
                              f"{'s' if len(run.hard_stops) != 1 else ''}, {len(run.cautions)} caution"
                              f"{'s' if len(run.cautions) != 1 else ''}.")
    return HttpResponseRedirect(_tab_url(patient, "latest"))


@login_required
@roles_required(*PRESCRIBING_ROLES)
def sign(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    latest = queries.latest_run(patient=patient)
    if latest is None:
        messages.error(request, "Screen the patient first: a decision is signed on a screening run.")
        return HttpResponseRedirect(_tab_url(patient))
    form = forms.DecisionForm(request.POST or None, run=latest)
    status = 200
    if request.method == "POST" and form.is_valid():
        reviewed = ScreeningRun.objects.filter(patient=patient, pk=form.cleaned_data["run"]).first()
        try:
            if reviewed is None:
                raise actions.ScreeningChanged("The screening run this form was opened on is not one of this "
                                               "patient's, so nothing was signed. Review run "
                                               f"{latest.number} and sign your decision on it.", field="run")
            decision = actions.sign_decision(
                actor=request.user, now=timezone.now(), patient=patient, screening_run=reviewed,
                outcome=form.cleaned_data["outcome"], summary=form.cleaned_data["summary"],
                conditions=form.cleaned_data["conditions"], caution_decisions=form.caution_decisions())
        except actions.ScreeningChanged as error:
            # The form shows the run to review now, keeping what was typed.
            latest = queries.latest_run(patient=patient)
            typed = request.POST.copy()
            typed["run"] = str(latest.pk)
            form = forms.DecisionForm(typed, run=latest)
            form.is_valid()
            form.add_error(None, error.message)
            status = 409
        except actions.AlreadySigned as error:
            form.add_error(None, error.message)
            status = 409
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            status = 422 if isinstance(error, actions.HardStopUnresolved) else 400
        else:
            messages.success(request, f"Signed: {decision.get_outcome_display().lower()}.")
            return HttpResponseRedirect(_tab_url(patient, "in-force"))
    _audit_view(request, "screening.decision_form_viewed", patient, run=latest.number)
    return render(request, "screening/sign.html", {"patient": patient, "tab": "screening", "run": latest,
                                                   "form": form}, status=status)


@login_required
@roles_required(*PRESCRIBING_ROLES)
def addendum(request: HttpRequest, patient_id: int, decision_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    decision = (EligibilityDecision.objects.filter(patient=patient, pk=decision_id)
                .select_related("signed_by", "screening_run").first())
    if decision is None:
        raise Http404
    form = forms.AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_addendum(actor=request.user, now=timezone.now(), decision=decision,
                                 text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, "Added the addendum.")
            return HttpResponseRedirect(_tab_url(patient, "in-force"))
    _audit_view(request, "screening.decision_viewed", patient, decision=decision.pk)
    return render(request, "screening/addendum.html", {"patient": patient, "tab": "screening", "decision": decision,
                                                       "form": form})
