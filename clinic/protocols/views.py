"""The clinic protocol pages: every setting the rules take, with its tag and source; the versions and
what each changed; the medical director's edit of one section at a time."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from clinic.accounts.access import clinical_staff_only, director_only
from clinic.protocols import actions, queries
from clinic.protocols.forms import SectionForm
from clinic.protocols.models import ClinicProtocol
from clinic.rules import protocols as catalogue
from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol
from clinic.sites.models import Site


@login_required
@clinical_staff_only
def current(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _site_or_404(request, site_id)
    protocol = queries.current_protocol(site=site, now=timezone.now())
    return _protocol_page(request, site, protocol, in_force=True)


@login_required
@clinical_staff_only
def version(request: HttpRequest, site_id: int, version: int) -> HttpResponse:
    site = _site_or_404(request, site_id)
    protocol = queries.protocol_version(site=site, version=version)
    if protocol is None:
        raise Http404("No such protocol version.")
    latest = queries.current_protocol(site=site, now=timezone.now())
    return _protocol_page(request, site, protocol, in_force=protocol.pk == latest.pk)


@login_required
@clinical_staff_only
def history(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _site_or_404(request, site_id)
    queries.current_protocol(site=site, now=timezone.now())
    rows = [(protocol, _section_title(protocol.changed_section)) for protocol in queries.versions(site=site)]
    return render(request, "protocols/history.html", {"site": site, "rows": rows})


@login_required
@director_only
def edit(request: HttpRequest, site_id: int, section: str) -> HttpResponse:
    site = _site_or_404(request, site_id)
    try:
        chosen = catalogue.section(section)
    except InvalidProtocol:
        raise Http404("No such protocol section.") from None
    protocol = queries.current_protocol(site=site, now=timezone.now())
    specs = catalogue.field_specs(section)
    form = SectionForm(request.POST or None, specs=specs, values=protocol.values.get(section, {}),
                       based_on=protocol.version)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.change_section(actor=request.user, now=timezone.now(), site=site, section=section,
                                           values=form.section_values(), reason=form.cleaned_data["reason"],
                                           based_on=form.cleaned_data["based_on"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Saved as {saved.label}: {chosen.title}.")
            return redirect("protocols:current", site_id=site.pk)
    return render(request, "protocols/edit.html", {
        "site": site, "protocol": protocol, "section": chosen, "form": form,
        "rows": [(spec, form[spec.name]) for spec in specs]})


def _protocol_page(request: HttpRequest, site: Site, protocol: ClinicProtocol, *, in_force: bool) -> HttpResponse:
    sections = [(section, [(spec, protocol.values.get(section.key, {}).get(spec.name, spec.default))
                           for spec in catalogue.field_specs(section.key)])
                for section in catalogue.SECTIONS]
    unset = [(section, spec) for section, rows in sections for spec, value in rows if spec.required and value is None]
    return render(request, "protocols/protocol.html", {
        "site": site, "protocol": protocol, "in_force": in_force, "sections": sections, "unset": unset,
        "may_edit": in_force and request.user.is_director})


def _site_or_404(request: HttpRequest, site_id: int) -> Site:
    site = queries.visible_sites(user=request.user).filter(pk=site_id).first()
    if site is None:
        raise Http404("No such site.")
    return site


def _section_title(key: str) -> str:
    if not key:
        return "Shipped defaults"
    try:
        return catalogue.section(key).title
    except InvalidProtocol:
        return key
