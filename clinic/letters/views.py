"""The chart's Letters tab: every letter written for the patient or their referring clinician, to download,
open for printing or send by email. Clinical staff only; another site's patient is not found."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from clinic.accounts.access import clinical_staff_only, get_visible_or_404
from clinic.audit.actions import record_view
from clinic.letters import actions, queries
from clinic.letters.models import Letter
from clinic.patients.models import Patient
from clinic.rules.errors import DomainError


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    return get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)


def _letter(request: HttpRequest, patient: Patient, letter_id: int) -> Letter:
    return get_visible_or_404(Letter.objects.filter(patient=patient).select_related("document", "referrer"),
                              user=request.user, pk=letter_id)


def _tab_url(patient: Patient, letter: Letter | None = None) -> str:
    return reverse("letters:tab", args=[patient.pk]) + (f"#letter-{letter.pk}" if letter else "")


@login_required
@clinical_staff_only
@require_GET
def tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    letters = list(queries.letters_of(patient=patient))
    record_view(actor=request.user, now=timezone.now(), action="letters.tab_viewed", patients=[patient],
                site_id=patient.site_id, data={"letters": len(letters)})
    return render(request, "letters/tab.html", {"patient": patient, "tab": "letters", "letters": letters})


@login_required
@clinical_staff_only
@require_GET
def print_letter(request: HttpRequest, patient_id: int, letter_id: int) -> HttpResponse:
    """The letter's PDF shown in the browser to print, the printing recorded."""
    patient = _patient(request, patient_id)
    letter = _letter(request, patient, letter_id)
    actions.record_printed(actor=request.user, now=timezone.now(), letter=letter)
    response = FileResponse(letter.document.file.open("rb"), content_type="application/pdf",
                            filename=letter.document.original_name, as_attachment=False)
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@clinical_staff_only
@require_POST
def send(request: HttpRequest, patient_id: int, letter_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    letter = _letter(request, patient, letter_id)
    try:
        actions.send_letter(actor=request.user, now=timezone.now(), letter=letter)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Sent the letter to {letter.addressee} at {letter.email_address}.")
    return HttpResponseRedirect(_tab_url(patient, letter))
