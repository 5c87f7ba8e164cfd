"""Choose the site one works at today: pages then show times in that site's zone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clinic.accounts.middleware import WORKING_SITE_KEY


@login_required
@require_POST
def choose(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("site", "")
    site = next((row for row in request.user.site_rows() if str(row.id) == chosen), None)
    if site is None:
        messages.error(request, "Choose one of the sites you work at.")
    else:
        request.session[WORKING_SITE_KEY] = site.id
        messages.success(request, f"Working at {site.name}: times are shown in its zone ({site.time_zone}).")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("patients:list")
    return HttpResponseRedirect(next_url)
