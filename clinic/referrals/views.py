"""The referral queue, a referral with its status history and next move, its letter, and its one step to
a registered patient."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.accounts.access import roles_required
from clinic.accounts.models import Role
from clinic.audit.actions import record_event
from clinic.patients import actions as patient_actions
from clinic.patients.models import Patient
from clinic.referrals import actions, forms, queries
from clinic.referrals.models import Referral
from clinic.rules.errors import DomainError
from clinic.sites.queries import site_today
from clinic.web.drafts import confirm_saved

PAGE_SIZE = 50
# Referrals are administrative: front desk works them, and every clinical role may too.
works_referrals = roles_required(Role.FRONT_DESK, Role.NURSE, Role.PRESCRIBER, Role.DIRECTOR)


def _referral_or_404(request: HttpRequest, referral_id: int) -> Referral:
    referral = queries.referral_detail(user=request.user, referral_id=referral_id)
    if referral is None:
        raise Http404("No such referral.")
    return referral


def _audit_view(request: HttpRequest, action: str, referral: Referral, *, patients: Any = (), **data: Any) -> None:
    record_event(actor=request.user, now=timezone.now(), action=action, subject=referral,
                 site_id=referral.site_id, patients=patients, data=data or None)


@login_required
@works_referrals
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", queries.OPEN)
    status = status if status in queries.FILTER_CODES else queries.OPEN
    query = request.GET.get("q", "")[:100]
    paginator = Paginator(queries.queue(user=request.user, status=status, query=query), PAGE_SIZE)
    counts = queries.queue_counts(user=request.user, query=query)
    # Counted with the tabs' counts, in the same query, so the page's queries stay flat.
    paginator.count = counts[status]
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    referrals = list(page.object_list)
    for referral in referrals:
        referral.days_waiting = (site_today(site=referral.site, now=now) - referral.received_on).days
        referral.last_change = referral.changes_newest_first[0] if referral.changes_newest_first else None
    # One event for the page, naming the referrals listed and the patients registered from them.
    record_event(actor=request.user, now=now, action="referrals.queue_viewed",
                 patients=sorted({referral.patient_id for referral in referrals if referral.patient_id}),
                 data={"status": status, "query": query, "page": page.number,
                       "referral_ids": [referral.pk for referral in referrals]})
    return render(request, "referrals/queue.html", {
        "page": page, "referrals": referrals, "status": status, "query": query, "counts": counts,
        "filters": [(code, label, counts[code]) for code, label in queries.FILTERS],
    })


@login_required
@works_referrals
def add(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    working_site = getattr(request, "working_site", None)
    initial = {"received_on": site_today(site=working_site, now=now) if working_site else None,
               "site": working_site}
    form = forms.ReferralForm(request.POST or None, request.FILES or None, user=request.user, now=now, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        letter, site = fields.pop("letter"), fields.pop("site")
        try:
            referral = actions.create_referral(actor=request.user, now=now, site=site, letter=letter,
                                               max_bytes=settings.MAX_DOCUMENT_BYTES, **fields)
        except DomainError as error:
            forms.domain_error_to_form(form, error)
        else:
            confirm_saved(request, "referral-new")
            messages.success(request, f"Entered the referral of {referral.given_name} {referral.family_name}.")
            return HttpResponseRedirect(reverse("referrals:detail", args=[referral.pk]))
    return render(request, "referrals/add.html", {"form": form, "draft": "referral-new"})


def _detail_page(request: HttpRequest, referral: Referral, form: forms.StatusChangeForm | None = None,
                 status: int = 200) -> HttpResponse:
    if form is None and referral.next_statuses:
        form = forms.StatusChangeForm(referral=referral, today=site_today(site=referral.site, now=timezone.now()))
    return render(request, "referrals/detail.html", {"referral": referral, "form": form}, status=status)


@login_required
@works_referrals
def detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral_or_404(request, referral_id)
    _audit_view(request, "referrals.viewed", referral)
    return _detail_page(request, referral)


@login_required
@works_referrals
@require_POST
def change_status(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Record the next status; refused, the referral's page again with the form as typed and what to fix."""
    referral = _referral_or_404(request, referral_id)
    now = timezone.now()
    form = forms.StatusChangeForm(request.POST, referral=referral, today=site_today(site=referral.site, now=now))
    if form.is_valid():
        try:
            change = actions.change_status(actor=request.user, now=now, referral=referral, **form.cleaned_data)
        except DomainError as error:
            forms.domain_error_to_form(form, error)
        else:
            confirm_saved(request, f"referral-{referral.pk}-status")
            messages.success(request, f"Marked {change.get_status_display().lower()}.")
            return HttpResponseRedirect(reverse("referrals:detail", args=[referral.pk]))
    # The page shown again shows the referral: it is a read, audited as one.
    _audit_view(request, "referrals.viewed", referral, refused="status change")
    return _detail_page(request, referral, form)


@login_required
@works_referrals
def letter(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral_or_404(request, referral_id)
    if not referral.letter_storage_key:
        raise Http404("This referral has no letter.")
    _audit_view(request, "referrals.letter_viewed", referral)
    response = FileResponse(referral.letter.open("rb"), content_type=referral.letter_content_type,
                            filename=referral.letter_original_name)
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@works_referrals
def register(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Register the referred person as a patient in one step, or link the referral to the patient they
    already are; answered with the chart."""
    referral = _referral_or_404(request, referral_id)
    if referral.patient_id is not None:
        messages.info(request, f"This referral is already linked to {referral.patient.mrn}.")
        return HttpResponseRedirect(reverse("referrals:detail", args=[referral.pk]))
    now = timezone.now()
    form = forms.RegisterForm(request.POST or None, referral=referral, now=now)
    duplicates: list[Patient] = []
    if request.method == "POST" and request.POST.get("link_patient"):
        return _link(request, referral)
    if request.method == "POST" and form.is_valid():
        try:
            patient = actions.register_as_patient(actor=request.user, now=now, referral=referral,
                                                  confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                                                  **form.patient_fields())
        except patient_actions.DuplicatePatient as error:
            duplicates = patient_actions.possible_duplicates(
                site=referral.site, given_name=form.cleaned_data["given_name"],
                family_name=form.cleaned_data["family_name"], birth_date=form.cleaned_data["birth_date"])
            form.add_error(None, f"{error.message} Or link this referral to the patient already registered.")
        except DomainError as error:
            forms.domain_error_to_form(form, error)
        else:
            confirm_saved(request, f"referral-{referral.pk}-register")
            messages.success(request, f"{patient.display_name} is registered as {patient.mrn} from the referral.")
            return HttpResponseRedirect(reverse("patients:chart", args=[patient.pk]))
    # One event for the page: the referral, and the patients it offers to link to.
    _audit_view(request, "referrals.register_form_viewed", referral, patients=duplicates)
    return render(request, "referrals/register.html", {"referral": referral, "form": form, "duplicates": duplicates})


def _link(request: HttpRequest, referral: Referral) -> HttpResponse:
    typed = request.POST["link_patient"][:20]
    patient = Patient.objects.visible_to(request.user).filter(pk=typed).first() if typed.isdigit() else None
    if patient is None:
        raise Http404("No such patient.")
    try:
        actions.link_to_patient(actor=request.user, now=timezone.now(), referral=referral, patient=patient)
    except DomainError as error:
        form = forms.RegisterForm(referral=referral, now=timezone.now())
        form.add_error(None, error.message)
        _audit_view(request, "referrals.register_form_viewed", referral)
        return render(request, "referrals/register.html", {"referral": referral, "form": form, "duplicates": []})
    messages.success(request, f"Linked the referral to {patient.display_name} ({patient.mrn}).")
    return HttpResponseRedirect(reverse("patients:chart", args=[patient.pk]))
