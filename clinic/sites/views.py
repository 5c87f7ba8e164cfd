"""The medical director's pages for sites, opening hours, closed dates and chairs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.accounts.access import director_only
from clinic.rules.errors import DomainError
from clinic.sites import actions, queries
from clinic.sites.forms import ChairForm, ClosedDateForm, OpeningHoursForm, SiteForm, time_zone_names
from clinic.sites.models import Site
from clinic.web.drafts import confirm_saved


@login_required
@director_only
def site_list(request: HttpRequest) -> HttpResponse:
    sites = list(queries.managed_sites(user=request.user))
    return render(request, "sites/list.html",
                  {"sites": [(site, queries.week_hours(site)) for site in sites]})


@login_required
@director_only
def site_create(request: HttpRequest) -> HttpResponse:
    form = SiteForm(request.POST or None, initial={"time_zone": timezone.get_default_timezone_name()})
    if request.method == "POST" and form.is_valid():
        try:
            site = actions.create_site(actor=request.user, now=timezone.now(), **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            confirm_saved(request, "site-new")
            messages.success(request, f"{site.name} is added. Set its opening hours and chairs next.")
            return redirect("sites:detail", site_id=site.pk)
    return _site_form_page(request, form, site=None)


@login_required
@director_only
def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _managed_site_or_404(request, site_id)
    form = SiteForm(request.POST or None, initial=SiteForm.initial_for(site))
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.change_site(site=site, actor=request.user, now=timezone.now(),
                                          **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            confirm_saved(request, f"site-{site.pk}")
            messages.success(request, _saved_message(changed))
            return redirect("sites:detail", site_id=site.pk)
    return _site_form_page(request, form, site=site)


def _saved_message(changed: list[str]) -> str:
    if not changed:
        return "Nothing was changed."
    return "Saved: " + ", ".join(field.replace("_", " ") for field in changed) + "."


def _site_form_page(request: HttpRequest, form: SiteForm, *, site: Site | None) -> HttpResponse:
    return render(request, "sites/form.html",
                  {"form": form, "site": site, "time_zones": time_zone_names(),
                   "draft": f"site-{site.pk}" if site else "site-new"})


@login_required
@director_only
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    return _detail_page(request, site_id)


def _detail_page(request: HttpRequest, site_id: int, *, closed_form: ClosedDateForm | None = None,
                 chair_form: ChairForm | None = None) -> HttpResponse:
    page = queries.site_page(site_id=site_id, user=request.user, now=timezone.now())
    if page is None:
        raise Http404("No such site.")
    return render(request, "sites/detail.html",
                  {"page": page, "site": page.site, "closed_form": closed_form or ClosedDateForm(),
                   "chair_form": chair_form or ChairForm()})


@login_required
@director_only
def opening_hours(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _managed_site_or_404(request, site_id)
    form = OpeningHoursForm(request.POST or None,
                            initial=OpeningHoursForm.initial_for(queries.week_hours(site)))
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_opening_hours(site=site, actor=request.user, now=timezone.now(), hours=form.hours())
        except DomainError as error:
            form.add_error(f"{error.field}_closes" if error.field else None, error.message)
        else:
            confirm_saved(request, f"hours-{site.pk}")
            messages.success(request, f"Opening hours of {site.name} are saved.")
            return redirect("sites:detail", site_id=site.pk)
    return render(request, "sites/hours.html", {"site": site, "form": form, "draft": f"hours-{site.pk}"})


@login_required
@director_only
@require_POST
def closed_date_add(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _managed_site_or_404(request, site_id)
    form = ClosedDateForm(request.POST)
    if form.is_valid():
        try:
            closure = actions.add_closed_date(site=site, actor=request.user, now=timezone.now(),
                                              **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"{site.name} is closed on {closure.closed_on:%Y-%m-%d}.")
            return redirect("sites:detail", site_id=site.pk)
    return _detail_page(request, site.pk, closed_form=form)


@login_required
@director_only
@require_POST
def closed_date_remove(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = get_object_or_404(queries.managed_closed_dates(user=request.user), pk=closure_id)
    try:
        actions.remove_closed_date(closure=closure, actor=request.user, now=timezone.now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{closure.site.name} is open again on {closure.closed_on:%Y-%m-%d} "
                                  "(if that weekday has opening hours).")
    return redirect("sites:detail", site_id=closure.site_id)


@login_required
@director_only
@require_POST
def chair_add(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _managed_site_or_404(request, site_id)
    form = ChairForm(request.POST)
    if form.is_valid():
        try:
            chair = actions.add_chair(site=site, actor=request.user, now=timezone.now(), **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"{chair.name} is added to {site.name}.")
            return redirect("sites:detail", site_id=site.pk)
    return _detail_page(request, site.pk, chair_form=form)


@login_required
@director_only
def chair_rename(request: HttpRequest, chair_id: int) -> HttpResponse:
    chair = get_object_or_404(queries.managed_chairs(user=request.user), pk=chair_id)
    form = ChairForm(request.POST or None, initial={"name": chair.name})
    if request.method == "POST" and form.is_valid():
        try:
            chair = actions.rename_chair(chair=chair, actor=request.user, now=timezone.now(),
                                         **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"The chair is now called {chair.name}.")
            return redirect("sites:detail", site_id=chair.site_id)
    return render(request, "sites/chair_rename.html", {"chair": chair, "form": form})


@login_required
@director_only
@require_POST
def chair_deactivate(request: HttpRequest, chair_id: int) -> HttpResponse:
    chair = get_object_or_404(queries.managed_chairs(user=request.user), pk=chair_id)
    actions.deactivate_chair(chair=chair, actor=request.user, now=timezone.now())
    messages.success(request, f"{chair.name} is out of use: nothing new can be booked on it.")
    return redirect("sites:detail", site_id=chair.site_id)


@login_required
@director_only
@require_POST
def chair_reactivate(request: HttpRequest, chair_id: int) -> HttpResponse:
    chair = get_object_or_404(queries.managed_chairs(user=request.user), pk=chair_id)
    actions.reactivate_chair(chair=chair, actor=request.user, now=timezone.now())
    messages.success(request, f"{chair.name} is back in use.")
    return redirect("sites:detail", site_id=chair.site_id)


def _managed_site_or_404(request: HttpRequest, site_id: int) -> Site:
    # Another organisation's site answers 404, the same as no site at all.
    return get_object_or_404(queries.managed_sites(user=request.user), pk=site_id)
