"""Reads of the patient registry shared by pages, the API and reports."""

import datetime as dt
import re
import unicodedata
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from clinic.patients import names
from clinic.patients.models import (
    BodyMeasurement,
    Document,
    Indication,
    OtherDiagnosis,
    Patient,
    RecordRevision,
    ReferringClinician,
    Result,
)
from clinic.patients.models.intake import DiagnosisStatus
from clinic.rules import icd10
from clinic.rules.eligibility import Diagnosis

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


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
    """Patients of the user's sites matching a name, an MRN or a birth date, by name.

    Each word of the query is folded as names are (clinic.patients.names), so "munoz" finds Muñoz
    and "o'brien" finds O’Brien."""
    patients = Patient.objects.visible_to(user).select_related("site")
    query = query.strip()
    if not query:
        return patients
    birth_date = parse_birth_date(unicodedata.normalize("NFKC", query))
    if birth_date is not None:
        return patients.filter(birth_date=birth_date)
    condition = Q()
    for word in names.name_key(query).split():
        condition &= Q(search_text__contains=word)
    return patients.filter(condition | Q(mrn__iexact=query))


def chart(*, user: Any, patient_id: Any) -> Patient | None:
    """One patient with everything the chart's summary and intake tabs show, in a fixed number
    of queries."""
    measurements = BodyMeasurement.objects.select_related("recorded_by")
    return (
        Patient.objects.visible_to(user)
        .select_related("site", "referring_clinician", "safety_history")
        .prefetch_related(
            "indications", "other_diagnoses", "medications", "allergies",
            Prefetch("measurements", queryset=measurements),
            "treatment_trials", Prefetch("results", queryset=Result.objects.select_related("recorded_by")),
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
        )
        .filter(pk=patient_id)
        .first()
    )


def diagnoses_for_screening(patient: Patient) -> tuple[Diagnosis, ...]:
    """The screening intake's diagnoses (clinic.rules.eligibility.Intake.diagnoses): each active
    indication's code as current, and each other diagnosis, current or past, indications first, in
    two queries. Screening reads both lists, so a bipolar or psychotic disorder recorded beside
    another indication is not missed (clinical-reference §2.1, "Codes that screening must read")."""
    indications = Indication.objects.filter(patient=patient, active=True).values_list("icd10_code", flat=True)
    others = OtherDiagnosis.objects.filter(patient=patient).values_list("icd10_code", "status")
    return (tuple(Diagnosis(icd10.normalise(code), current=True) for code in indications)
            + tuple(Diagnosis(code, current=status == DiagnosisStatus.CURRENT) for code, status in others))


def latest_measurements(patient: Patient) -> dict[str, Any]:
    """The newest weight, height and blood pressure, each with its date (from prefetched rows)."""
    latest: dict[str, Any] = {}
    for measurement in patient.measurements.all():  # newest first
        for name in ("weight_kg", "height_cm", "systolic_mmhg", "heart_rate_bpm"):
            value = getattr(measurement, name)
            if value is not None and name not in latest:
                latest[name] = (value, measurement.measured_on, measurement)
    return latest


def revisions(*, patient: Patient) -> QuerySet[RecordRevision]:
    return RecordRevision.objects.filter(patient=patient).select_related("changed_by")


def referring_clinicians(*, user: Any) -> QuerySet[ReferringClinician]:
    return ReferringClinician.objects.filter(organisation_id=user.organisation_id)
