"""The medical director's read-only view of the audit trail. Reading it is itself audited."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.accounts.access import director_only, get_visible_or_404
from clinic.audit import actions, forms, queries
from clinic.patients.models import Patient

PAGE_SIZE = 50


@login_required
@director_only
def search(request: HttpRequest) -> HttpResponse:
    form = forms.AuditSearchForm(request.GET)
    events = []
    if form.is_valid():
        # The page runs in the zone of the site the director is working at: the dates are its days.
        filters = form.filters(zone=timezone.get_current_timezone())
        events = queries.search_events(user=request.user, filters=filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.event_rows(user=request.user, events=page.object_list)
    actions.record_view(actor=request.user, now=timezone.now(), action="audit.searched",
                        patients=queries.patients_shown(rows),
                        data={"filters": form.given(), "zone": timezone.get_current_timezone_name(),
                              "page": page.number})
    return render(request, "audit/search.html", {"form": form, "page": page, "rows": rows})


@login_required
@director_only
def patient_trail(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)
    # Pages count rows, so a day's run of list views never splits across two pages.
    runs = queries.patient_trail_runs(user=request.user, patient=patient, zone=timezone.get_current_timezone())
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.trail_rows(user=request.user, runs=page.object_list)
    actions.record_view(actor=request.user, now=timezone.now(), action="audit.patient_trail_viewed",
                        patients=[patient], site_id=patient.site_id, data={"page": page.number})
    return render(request, "audit/patient.html", {"patient": patient, "page": page, "rows": rows,
                                                  "event_count": sum(len(run) for run in runs)})
