"""GET /api/v1/sites: the sites the caller works at, with their chairs."""

from django.http import HttpRequest
from ninja import Router

from clinic.api.v1.errors import responses
from clinic.api.v1.schemas import Out
from clinic.sites.models import Site

router = Router(tags=["sites"])


class ChairOut(Out):
    id: str
    name: str
    active: bool


class SiteOut(Out):
    id: str
    name: str
    time_zone: str
    chairs: list[ChairOut]


@router.get("/sites", response={200: list[SiteOut], **responses(400, 401)}, operation_id="list_sites")
def list_sites(request: HttpRequest) -> list[Site]:
    """The caller's sites, by name, each with its chairs. No patient data, so no audit event."""
    return list(Site.objects.filter(pk__in=request.auth.site_ids()).prefetch_related("chairs"))
