"""The patient's Consent tab: whether consent is current, the current document, counselling and signing on
screen (a clinic tablet: the clinician records the counselling, then hands it to the patient to read and
sign), a signed paper copy uploaded, earlier consents exactly as signed, and withdrawal. Clinical staff
only; front desk gets 403."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.accounts.access import clinical_staff_only, get_visible_or_404
from clinic.audit.actions import record_view
from clinic.consents import actions, forms, queries
from clinic.consents.models import Consent, Method
from clinic.patients.models import Patient
from clinic.rules.errors import DomainError

FORM_FIELDS = {"document_version", "counselled_at", "counselling_note", "signed_name", "signature_strokes", "file",
               "document_date"}


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    return get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)


def _consent(patient: Patient, consent_id: int) -> Consent:
    consent = queries.consents(patient=patient).filter(pk=consent_id).first()
    if consent is None:
        raise Http404("No such consent.")
    return consent


def _audit_view(request: HttpRequest, action: str, patient: Patient, **data: Any) -> None:
    record_view(actor=request.user, now=timezone.now(), action=action, patients=[patient], site_id=patient.site_id,
                data=data)


def _tab_url(patient: Patient) -> str:
    return reverse("consents:tab", args=[patient.pk])


def _refused(form: Any, error: DomainError) -> None:
    field = {"signature": "signature_strokes", "scan": "file"}.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


@login_required
@clinical_staff_only
def tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    now = timezone.now()
    state = queries.consent_state(patient=patient, now=now)
    document = actions.current_document(site=patient.site, now=now)
    history = list(queries.consents(patient=patient))
    _audit_view(request, "consents.tab_viewed", patient, state=state.code, consents=[row.pk for row in history])
    return render(request, "consents/tab.html", {
        "patient": patient, "tab": "consent", "state": state, "document": document, "consents": history,
        "withdraw_form": forms.WithdrawForm(),
    })


@login_required
@clinical_staff_only
def sign(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Counsel and sign on screen: the document, the clinician's counselling, the patient's name and signature."""
    patient = _patient(request, patient_id)
    now = timezone.now()
    document = actions.current_document(site=patient.site, now=now)
    form = forms.SignOnScreenForm(request.POST or None, patient=patient, now=now,
                                  initial={"document_version": document.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_consent(actor=request.user, now=now, patient=patient, method=Method.SIGNED_ON_SCREEN,
                                   **_consent_fields(form))
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Consent recorded on document {document.label}: it is current.")
            return HttpResponseRedirect(_tab_url(patient))
    if request.method == "GET":
        _audit_view(request, "consents.sign_form_viewed", patient, document_version=document.version)
    return render(request, "consents/sign.html", {
        "patient": patient, "tab": "consent", "document": document, "form": form,
        "shown_version": form["document_version"].value(),
    }, status=400 if form.errors else 200)


def _consent_fields(form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    fields = {"document_version": data["document_version"], "counselled_at": data["counselled_at"],
              "counselling_note": data["counselling_note"], "signed_name": data.get("signed_name", "")}
    if "signature_strokes" in data:
        fields["signature_strokes"] = data["signature_strokes"]
    return fields


@login_required
@clinical_staff_only
def paper(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Upload the scan of a consent the patient signed on the printed current document."""
    patient = _patient(request, patient_id)
    now = timezone.now()
    document = actions.current_document(site=patient.site, now=now)
    form = forms.PaperForm(request.POST or None, request.FILES or None, patient=patient, now=now,
                           initial={"document_version": document.version})
    if request.method == "POST" and form.is_valid():
        try:
            _record_paper(request, patient, form, now)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Paper consent on document {document.label} recorded with its scan: it is "
                                      "current.")
            return HttpResponseRedirect(_tab_url(patient))
    if request.method == "GET":
        _audit_view(request, "consents.paper_form_viewed", patient, document_version=document.version)
    return render(request, "consents/paper.html", {"patient": patient, "tab": "consent", "document": document,
                                                   "form": form}, status=400 if form.errors else 200)


def _record_paper(request: HttpRequest, patient: Patient, form: Any, now: Any) -> None:
    fields = _consent_fields(form)
    actions.record_paper_consent(actor=request.user, now=now, patient=patient,
                                 document_date=form.cleaned_data["document_date"],
                                 uploaded_file=form.cleaned_data["file"], max_bytes=settings.MAX_DOCUMENT_BYTES,
                                 **fields)


@login_required
@clinical_staff_only
def detail(request: HttpRequest, patient_id: int, consent_id: int) -> HttpResponse:
    """One consent exactly as signed: the document's words then, the counselling and the signature."""
    patient = _patient(request, patient_id)
    consent = _consent(patient, consent_id)
    _audit_view(request, "consents.viewed", patient, consent=consent.pk)
    return _render_detail(request, patient, consent, forms.WithdrawForm())


def _render_detail(request: HttpRequest, patient: Patient, consent: Consent, withdraw_form: Any,
                   status: int = 200) -> HttpResponse:
    """The consent as signed; the withdrawal form only on the consent in force, else what replaced it."""
    latest = queries.latest_consent(patient=patient)
    superseded = (actions.superseded_message(consent, latest)
                  if latest is not None and latest.pk != consent.pk and not consent.withdrawn else "")
    return render(request, "consents/detail.html", {
        "patient": patient, "tab": "consent", "consent": consent, "withdraw_form": withdraw_form,
        "superseded": superseded, "in_force": latest}, status=status)


@login_required
@clinical_staff_only
@require_POST
def withdraw(request: HttpRequest, patient_id: int, consent_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    consent = _consent(patient, consent_id)
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            actions.withdraw_consent(actor=request.user, now=timezone.now(), consent=consent,
                                     reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, "Withdrawal recorded. Consent is no longer current, and an open course "
                                      "stopped with it.")
            return HttpResponseRedirect(_tab_url(patient))
    _audit_view(request, "consents.viewed", patient, consent=consent.pk)
    return _render_detail(request, patient, consent, form, status=400)
