"""Patient registry pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.audit.actions import record_event
from clinic.patients import queries

PAGE_SIZE = 50


@login_required
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(queries.search_patients(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page"))
    patients = list(page.object_list)
    record_event(actor=request.user, now=timezone.now(), action="patients.list_viewed",
                 patients=patients, data={"query": query, "page": page.number})
    return render(request, "patients/list.html",
                  {"page": page, "patients": patients, "query": query})
