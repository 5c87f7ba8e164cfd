"""Reading a site's clinic protocol: the version in force, an earlier version, the list of versions."""

from datetime import datetime

from django.db.models import QuerySet

from clinic.protocols.models import ClinicProtocol
from clinic.rules import protocols as catalogue
from clinic.sites.models import Site


def current_protocol(*, site: Site, now: datetime) -> ClinicProtocol:
    """The version in force at the site. A site that has none yet starts on the shipped defaults as
    version 1, written once whoever asks first."""
    latest = ClinicProtocol.objects.filter(site=site).order_by("-version").first()
    if latest is not None:
        return latest
    first, _ = ClinicProtocol.objects.get_or_create(
        site=site, version=1,
        defaults={"values": catalogue.defaults(), "rules_version": catalogue.RULES_VERSION, "created_at": now})
    return first


def protocol_version(*, site: Site, version: int) -> ClinicProtocol | None:
    return ClinicProtocol.objects.filter(site=site, version=version).select_related("created_by").first()


def versions(*, site: Site) -> QuerySet[ClinicProtocol]:
    return ClinicProtocol.objects.filter(site=site).select_related("created_by").order_by("-version")


def visible_sites(*, user) -> QuerySet[Site]:
    """The sites whose protocol the user may read: a director's whole organisation, others their own sites."""
    if user.is_director:
        return Site.objects.filter(organisation_id=user.organisation_id)
    return Site.objects.filter(organisation_id=user.organisation_id, staff=user)
