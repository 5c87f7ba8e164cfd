"""How stored questionnaire responses read on a page: the scale's name, the band's label, a total as
the scale gives it, who entered it and how."""

from decimal import Decimal
from typing import Any

from django import template

from clinic.questionnaires.models import EnteredBy, QuestionnaireResponse
from clinic.rules import scales
from clinic.rules.scales.base import exact

register = template.Library()

MODES = {"tablet": "Clinic tablet", "paper": "Paper form", "remote": "Patient's link", "interview": "Clinician rating"}


@register.filter
def scale_name(code: str) -> str:
    instrument = scales.INSTRUMENTS.get(code)
    return instrument.name if instrument is not None else code


@register.filter
def severity_label(response: QuestionnaireResponse) -> str:
    """The band's label as the rules name it ("Moderately severe"), or "" for a scale without bands."""
    instrument = scales.INSTRUMENTS.get(response.instrument)
    bands = instrument.bands if instrument is not None else ()
    return next((band.label for band in bands if band.code == response.severity), response.severity)


@register.filter
def score_number(value: Any) -> str:
    """12.00 as 12 and 17.50 as 17.5: the total as the scale gives it."""
    if value is None:
        return "—"
    return str(exact(value)) if isinstance(value, Decimal) else str(value)


@register.filter
def mode_label(mode: str) -> str:
    return MODES.get(mode, mode)


@register.filter
def entered_by(response: QuestionnaireResponse) -> str:
    """The patient (with who handed them the tablet), or the staff member who entered it."""
    if response.entered_by == EnteredBy.PATIENT:
        return f"The patient (tablet from {response.staff})" if response.staff_id else "The patient"
    return str(response.staff) if response.staff_id else "Staff"
