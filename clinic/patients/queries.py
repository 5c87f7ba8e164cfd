"""Reads of the patient registry shared by pages, the API and reports."""

import datetime as dt
import re
from typing import Any

from django.db.models import Q, QuerySet

from clinic.patients.models import Patient

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def search_text_for(*, given_name: str, family_name: str, preferred_name: str, mrn: str) -> str:
    return " ".join(part.strip().lower() for part in (family_name, given_name, preferred_name, mrn) if part)


def parse_birth_date(text: str) -> dt.date | None:
    """An ISO date (1980-04-09) or a US date (4/9/1980); None when the text is not a date."""
    text = text.strip()
    try:
        if ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
        if match := US_DATE.match(text):
            month, day, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def search_patients(*, user: Any, query: str = "") -> QuerySet[Patient]:
    """Patients of the user's sites matching a name, an MRN or a birth date, by name."""
    patients = Patient.objects.visible_to(user).select_related("site")
    query = query.strip()
    if not query:
        return patients
    birth_date = parse_birth_date(query)
    if birth_date is not None:
        return patients.filter(birth_date=birth_date)
    condition = Q()
    for word in query.lower().replace(",", " ").split():
        condition &= Q(search_text__contains=word)
    return patients.filter(condition | Q(mrn__iexact=query))
