"""Patient registry, chart and intake pages."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from clinic.accounts.access import clinical_staff_only, get_visible_or_404
from clinic.audit.actions import record_event
from clinic.patients import actions, forms, queries, vitals_range
from clinic.patients.models import Document, OtherDiagnosis, Patient
from clinic.patients.revisions import revision_rows
from clinic.protocols import reading
from clinic.rules import icd10, indications, plausibility, trial_fields
from clinic.rules.errors import DomainError
from clinic.sites.queries import site_today
from clinic.web.drafts import confirm_saved

PAGE_SIZE = 50
# The part of the patient list that search as one types replaces (patients/list.html).
LIST_RESULTS_ID = "patient-results"
INTAKE_TITLES = {"indication": "indication", "other_diagnosis": "other diagnosis", "medication": "medicine",
                 "allergy": "allergy", "measurement": "measurement", "treatment_trial": "prior treatment",
                 "result": "result"}


def _audit_view(request: HttpRequest, action: str, patient: Patient, **data: Any) -> None:
    record_event(actor=request.user, now=timezone.now(), action=action, patients=[patient],
                 site_id=patient.site_id, data=data)


def _add_domain_error(form: Any, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(queries.search_patients(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page"))
    patients = list(page.object_list)
    # Results typed into the search box show patients as the page does: one event for each answer.
    record_event(actor=request.user, now=timezone.now(), action="patients.list_viewed",
                 patients=patients, data={"query": query, "page": page.number})
    results_only = (request.headers.get("HX-Target") == LIST_RESULTS_ID
                    and not request.headers.get("HX-History-Restore-Request"))
    response = render(request, "patients/_list_results.html" if results_only else "patients/list.html",
                      {"page": page, "patients": patients, "query": query, "results_id": LIST_RESULTS_ID})
    # The page and its results alone share a URL: a cache must never answer one with the other.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = forms.RegisterPatientForm(request.POST or None, user=request.user, now=timezone.now())
    duplicates: list[Patient] = []
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        confirm = fields.pop("confirm_duplicate")
        site = fields.pop("site")
        try:
            patient = actions.register_patient(actor=request.user, now=timezone.now(), site=site,
                                               confirm_duplicate=confirm, **fields)
        except actions.DuplicatePatient as error:
            duplicates = actions.possible_duplicates(site=site, given_name=fields["given_name"],
                                                     family_name=fields["family_name"],
                                                     birth_date=fields["birth_date"])
            form.add_error(None, error.message)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            confirm_saved(request, "patient-new")
            messages.success(request, f"{patient.display_name} is registered as {patient.mrn}.")
            return HttpResponseRedirect(reverse("patients:chart", args=[patient.pk]))
    if duplicates:
        record_event(actor=request.user, now=timezone.now(), action="patients.duplicates_shown",
                     patients=duplicates)
    return render(request, "patients/register.html",
                  {"form": form, "duplicates": duplicates, "draft": "patient-new"})


@login_required
def chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    # Front desk gets the registry alone: clinical rows are never fetched for them, not just hidden.
    if request.user.sees_clinical_data:
        patient = queries.chart(user=request.user, patient_id=patient_id)
    else:
        patient = get_visible_or_404(Patient.objects.select_related("site", "referring_clinician"),
                                     user=request.user, pk=patient_id)
    if patient is None:
        raise Http404("No such patient.")
    _audit_view(request, "patients.chart_viewed", patient)
    clinical = {}
    if request.user.sees_clinical_data:
        latest = queries.latest_measurements(patient)
        protocol = reading.for_request(request, site=patient.site, now=timezone.now())
        clinical = {"latest": latest, "vitals": vitals_range.latest_vitals(latest, protocol=protocol.rules("vitals"))}
    return render(request, "patients/chart.html", {"patient": patient, "tab": "summary", **clinical})


@login_required
def edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)
    form = forms.PatientForm(request.POST or None, instance=patient, user=request.user, now=timezone.now())
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_patient(actor=request.user, now=timezone.now(),
                                   patient=Patient.objects.get(pk=patient.pk), **form.cleaned_data)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            confirm_saved(request, f"patient-{patient.pk}")
            messages.success(request, "Saved.")
            return HttpResponseRedirect(reverse("patients:chart", args=[patient.pk]))
    _audit_view(request, "patients.edit_form_viewed", patient)
    return render(request, "patients/edit.html", {"form": form, "patient": patient, "draft": f"patient-{patient.pk}"})


@login_required
@clinical_staff_only
def intake(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = queries.chart(user=request.user, patient_id=patient_id)
    if patient is None:
        raise Http404("No such patient.")
    lists = _intake_lists(patient)
    _audit_view(request, "patients.intake_viewed", patient)
    history = getattr(patient, "safety_history", None)
    return render(request, "patients/intake.html", {
        "patient": patient, "tab": "intake", "safety_history": history, **lists,
    })


def _intake_lists(patient: Patient) -> dict[str, Any]:
    """What the intake's lists show beyond the rows: each indication's code with the code set's words.
    Read before any audit write, as the first read in a process loads the code set (about 1.5 s)."""
    rows = list(patient.indications.all())
    for row in rows:
        try:
            row.code_description = icd10.describe(row.icd10_code)
        except icd10.UnknownDiagnosisCode:
            row.code_description = "not in the ICD-10-CM code set: check the code"
    return {"indication_rows": rows}


def _pickers(kind: str) -> dict[str, Any]:
    """What the pickers of a kind's form offer as one types: the medicine catalogue (and, for a prior
    treatment, the types of psychotherapy), or the seven indications' billable codes."""
    if kind == "medication":
        return {"medicine_catalogue": forms.medicine_catalogue()}
    if kind == "treatment_trial":
        return {"medicine_catalogue": forms.medicine_catalogue(), "therapy_types": trial_fields.THERAPY_TYPES}
    if kind == "indication":
        return {"indication_options": [(code, description, indications.LABELS[indication],
                                         indications.SEARCH_WORDS[indication], indication)
                                        for code, description, indication in indications.picker_options()]}
    return {}


def _intake_section(request: HttpRequest, patient: Patient, kind: str, **context: Any) -> HttpResponse:
    """One intake section as an htmx partial: its list, and the form open in it or the confirmation of a save."""
    return render(request, "patients/_intake_section.html", {
        "patient": patient, "kind": kind, "title": INTAKE_TITLES[kind], **_intake_lists(patient), **context,
    })


def _intake_item(request: HttpRequest, patient: Patient, kind: str, item_id: int) -> Any:
    model = actions.INTAKE_MODELS[kind]
    item = model.objects.filter(patient=patient, pk=item_id).first()
    if item is None:
        raise Http404("No such entry.")
    return item


@login_required
@clinical_staff_only
def intake_item(request: HttpRequest, patient_id: int, kind: str, item_id: int | None = None) -> HttpResponse:
    """Add an intake entry, or change one when item_id is given."""
    if kind not in forms.INTAKE_FORMS:
        raise Http404("No such kind of entry.")
    patient = get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)
    item = _intake_item(request, patient, kind, item_id) if item_id else None
    # From the intake page's "Add …", the form opens inside its section and saves there (htmx).
    inline = request.headers.get("HX-Request") == "true" and item is None
    form_class = forms.INTAKE_FORMS[kind]
    today = site_today(site=patient.site, now=timezone.now())
    # Only a new entry starts on today's date (and a prior treatment as a medicine); an existing one
    # shows its own.
    initial = {"measured_on": today, "noted_on": today, "taken_on": today} if item is None else None
    if item is None and kind == "treatment_trial":
        initial["kind"] = "medication"
    # What the entry holds now, read before the form writes the typed values onto it.
    recorded = f"{item.icd10_code} {item.description}" if isinstance(item, OtherDiagnosis) else None
    form = form_class(request.POST or None, instance=item, initial=initial)
    draft = f"intake-{patient.pk}-{kind}-{item.pk if item else 'new'}"
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        confirmed = fields.pop("confirmed", [])
        try:
            if item is None:
                saved = actions.add_intake_item(actor=request.user, now=timezone.now(), patient=patient,
                                                kind=kind, values=fields, confirmed=confirmed)
            else:
                saved = actions.change_intake_item(actor=request.user, now=timezone.now(), confirmed=confirmed,
                                                   item=type(item).objects.get(pk=item.pk), **fields)
        except plausibility.ChangesToConfirm as warnings:
            form.ask_to_confirm(warnings)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            confirm_saved(request, draft)
            saved_message = f"Saved the {INTAKE_TITLES[kind]}{_described(saved)}."
            if inline:
                lists = _intake_section(request, patient, kind, saved_message=saved_message, saved_draft=draft)
                _audit_view(request, "patients.intake_viewed", patient, section=kind)
                return lists
            messages.success(request, saved_message)
            return HttpResponseRedirect(reverse("patients:intake", args=[patient.pk]) + f"#{kind}")
    pickers = _pickers(kind)
    if inline:
        section = _intake_section(request, patient, kind, form=form, draft=draft, **pickers)
        _audit_view(request, f"patients.{kind}_form_viewed", patient)
        return section
    _audit_view(request, f"patients.{kind}_form_viewed", patient)
    return render(request, "patients/intake_item.html", {
        "form": form, "patient": patient, "kind": kind, "item": item, "title": INTAKE_TITLES[kind], "draft": draft,
        "recorded": recorded, **pickers,
    })


def _described(item: Any) -> str:
    """What was saved, in a few words (": F31.81 Bipolar II disorder", ": Penicillin", ": 72.5 kg, 168 cm"),
    so the confirmation says which entry it was."""
    kind = actions.intake_kind_of(item)
    if kind == "other_diagnosis":
        return f": {item.icd10_code} {item.description}"
    if kind == "indication":
        return f": {item.icd10_code} {item.get_code_display()}"
    if kind == "measurement":
        parts = [f"{item.weight_kg} kg" if item.weight_kg is not None else "",
                 f"{item.height_cm} cm" if item.height_cm is not None else "",
                 f"{item.systolic_mmhg}/{item.diastolic_mmhg} mmHg" if item.systolic_mmhg is not None else "",
                 f"heart rate {item.heart_rate_bpm}" if item.heart_rate_bpm is not None else ""]
        return ": " + ", ".join(part for part in parts if part)
    if kind == "result":
        return f": {item.get_kind_display()}, {item.get_outcome_display().lower()}"
    return f": {item.substance if kind == 'allergy' else item.name}"


@login_required
@clinical_staff_only
@require_POST
def intake_item_remove(request: HttpRequest, patient_id: int, kind: str, item_id: int) -> HttpResponse:
    if kind not in forms.INTAKE_FORMS:
        raise Http404("No such kind of entry.")
    patient = get_visible_or_404(Patient.objects, user=request.user, pk=patient_id)
    item = _intake_item(request, patient, kind, item_id)
    actions.remove_intake_item(actor=request.user, now=timezone.now(), item=item)
    messages.success(request, f"Removed the {INTAKE_TITLES[kind]}; it stays in the record's history.")
    return HttpResponseRedirect(reverse("patients:intake", args=[patient.pk]) + f"#{kind}")


@login_required
@clinical_staff_only
def safety_history(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_visible_or_404(Patient.objects.select_related("safety_history"), user=request.user,
                                 pk=patient_id)
    history = getattr(patient, "safety_history", None)
    before = history.answers() if history else {}
    initial = forms.SafetyHistoryForm.initial_from(before, history.notes) if history else {}
    form = forms.SafetyHistoryForm(request.POST or None, initial=initial, before=before)
    if request.method == "POST" and form.is_valid():
        actions.save_safety_history(actor=request.user, now=timezone.now(), patient=patient,
                                    answers=form.answers(), notes=form.cleaned_data["notes"])
        confirm_saved(request, f"safety-{patient.pk}")
        messages.success(request, "Saved the safety history.")
        return HttpResponseRedirect(reverse("patients:intake", args=[patient.pk]) + "#safety")
    _audit_view(request, "patients.safety_history_form_viewed", patient)
    return render(request, "patients/safety_history.html",
                  {"form": form, "patient": patient, "draft": f"safety-{patient.pk}"})


@login_required
@clinical_staff_only
def document_upload(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.upload_document(actor=request.user, now=timezone.now(), patient=patient,
                                    kind=data["kind"], document_date=data["document_date"],
                                    title=data["title"], uploaded_file=data["file"],
                                    max_bytes=settings.MAX_DOCUMENT_BYTES)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, "Uploaded.")
            return HttpResponseRedirect(reverse("patients:intake", args=[patient.pk]) + "#documents")
    _audit_view(request, "patients.document_form_viewed", patient)
    return render(request, "patients/document_upload.html", {"form": form, "patient": patient})


@login_required
@clinical_staff_only
def document_download(request: HttpRequest, patient_id: int, document_id: int) -> HttpResponse:
    patient = get_visible_or_404(Patient.objects, user=request.user, pk=patient_id)
    document = Document.objects.filter(patient=patient, pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    record_event(actor=request.user, now=timezone.now(), action="patients.document_viewed",
                 subject=document, site_id=patient.site_id)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type,
                            filename=document.original_name)
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@clinical_staff_only
def history(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)
    page = Paginator(queries.revisions(patient=patient), 100).get_page(request.GET.get("page"))
    _audit_view(request, "patients.history_viewed", patient)
    return render(request, "patients/history.html", {"patient": patient, "page": page, "tab": "history",
                                                     "rows": revision_rows(page.object_list)})


@login_required
def referrer_list(request: HttpRequest) -> HttpResponse:
    referrers = queries.referring_clinicians(user=request.user)
    return render(request, "patients/referrers.html", {"referrers": referrers})


@login_required
def referrer_edit(request: HttpRequest, referrer_id: int | None = None) -> HttpResponse:
    referrer = None
    if referrer_id is not None:
        referrer = queries.referring_clinicians(user=request.user).filter(pk=referrer_id).first()
        if referrer is None:
            raise Http404("No such referring clinician.")
    form = forms.ReferringClinicianForm(request.POST or None, instance=referrer)
    if request.method == "POST" and form.is_valid():
        actions.save_referring_clinician(actor=request.user, now=timezone.now(), referrer=referrer,
                                         **form.cleaned_data)
        confirm_saved(request, f"referrer-{referrer_id or 'new'}")
        messages.success(request, "Saved the referring clinician.")
        return HttpResponseRedirect(reverse("patients:referrers"))
    return render(request, "patients/referrer_edit.html",
                  {"form": form, "referrer": referrer, "draft": f"referrer-{referrer_id or 'new'}"})


@login_required
@clinical_staff_only
@require_POST
def record_nkda(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record "no known drug allergies" as the patient's answer, from the intake's allergy section."""
    patient = get_visible_or_404(Patient.objects, user=request.user, pk=patient_id)
    try:
        actions.record_no_known_drug_allergies(actor=request.user, now=timezone.now(), patient=patient)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Recorded: no known drug allergies.")
    return HttpResponseRedirect(reverse("patients:intake", args=[patient.pk]) + "#allergy")
