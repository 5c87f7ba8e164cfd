"""`{% patient_banner patient %}`: the patient banner every patient page carries (patients/_header.html)."""

from typing import Any

from django import template
from django.utils import timezone

from clinic.patients import banner
from clinic.patients.models import Patient
from clinic.protocols import reading

register = template.Library()


@register.inclusion_tag("patients/_banner.html", takes_context=True)
def patient_banner(context: template.Context, patient: Patient, oob: bool = False) -> dict[str, Any]:
    """`oob` marks the banner for htmx to swap in out of band, beside a partial that changed what it shows."""
    user = context["user"]
    # The page's edge reads the clock, as its view does: the banner is part of every patient page,
    # whichever view renders it.
    now = timezone.now()  # noqa: TID251
    request = context.get("request")
    protocol = reading.for_request(request, site=patient.site, now=now) if request is not None else None
    return {"banner": banner.banner_for(patient=patient, user=user, now=now, protocol=protocol), "patient": patient,
            "user": user, "oob": oob}
