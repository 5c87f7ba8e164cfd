"""Arranging consents: the site's current document, and a consent signed on it through the action."""

import datetime as dt
from typing import Any

from clinic.consents import actions
from clinic.consents.models import Consent, Method

SIGNATURE = [[[10, 150], [60, 40], [110, 150]], [[30, 100], [90, 100]]]


def signed_consent(*, patient: Any, actor: Any, now: dt.datetime, **overrides: Any) -> Consent:
    """A consent the patient signed on screen on the current document, counselled ten minutes before."""
    document = actions.current_document(site=patient.site, now=now)
    arguments = {
        "document_version": document.version, "method": Method.SIGNED_ON_SCREEN,
        "counselled_at": now - dt.timedelta(minutes=10),
        "counselling_note": "Went through every section; asked about driving home, answered.",
        "signed_name": f"{patient.given_name} {patient.family_name}", "signature_strokes": SIGNATURE,
    } | overrides
    return actions.record_consent(actor=actor, now=now, patient=patient, **arguments)
