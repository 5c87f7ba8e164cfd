"""Reading the site's protocol where the rules take it: once per request, and scale by scale.

A patient page reads the protocol in several places (the banner's screening flags and under-18 flag,
the chart's vitals limits); each asks `for_request`, so the page reads it once and every part shows
the same version. Scoring a questionnaire passes each scale its own section (`scale_rules`).
"""

from datetime import datetime
from typing import Any

from clinic.protocols.models import ClinicProtocol
from clinic.protocols.queries import current_protocol
from clinic.rules import protocols as catalogue
from clinic.rules import scales
from clinic.sites.models import Site

REQUEST_ATTRIBUTE = "_protocols_in_force"
# The scales whose scoring settings are a section of the protocol (PHQ-9's alert, AUDIT-C's cut-offs, …).
SCALE_SECTIONS = tuple(item.key for item in catalogue.SECTIONS if item.key in scales.INSTRUMENTS)


def for_request(request: Any, *, site: Site, now: datetime) -> ClinicProtocol:
    """The version in force at `site`, kept on the request (by site) for the rest of it."""
    read = request.__dict__.setdefault(REQUEST_ATTRIBUTE, {})
    if site.pk not in read:
        read[site.pk] = current_protocol(site=site, now=now)
    return read[site.pk]


def scale_rules(protocol: ClinicProtocol) -> dict[str, Any]:
    """Each scale's scoring settings as this version sets them, by scale code."""
    return {code: protocol.rules(code) for code in SCALE_SECTIONS}


def scoring_context(protocol: ClinicProtocol, *, instrument: str, context: dict[str, Any]) -> dict[str, Any]:
    """The context a scale scores with: the given one, plus the scale's settings when the protocol has them."""
    if instrument in SCALE_SECTIONS:
        return {**context, "protocol": protocol.rules(instrument)}
    return dict(context)
