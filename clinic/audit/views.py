"""The medical director's read-only view of the audit trail."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.accounts.access import director_only
from clinic.audit import queries


@login_required
@director_only
def search(request: HttpRequest) -> HttpResponse:
    events = queries.events_for_organisation(user=request.user,
                                             action=request.GET.get("action", "")[:80])
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/search.html", {"page": page, "events": page.object_list})
