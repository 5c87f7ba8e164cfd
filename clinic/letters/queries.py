"""Reads of letters shared by the pages."""

from django.db.models import Prefetch, QuerySet

from clinic.letters.models import Letter, LetterDispatch
from clinic.patients.models import Patient


def letters_of(*, patient: Patient) -> QuerySet[Letter]:
    """The patient's letters, newest first, each with its document, addressee, signer and sendings."""
    dispatches = LetterDispatch.objects.select_related("by").order_by("-at", "-id")
    return (Letter.objects.filter(patient=patient)
            .select_related("patient", "document", "referrer", "signed_by")
            .prefetch_related(Prefetch("dispatches", queryset=dispatches)))
