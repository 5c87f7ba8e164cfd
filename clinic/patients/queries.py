"""Reads of the patient registry shared by pages, the API and reports."""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When

from clinic.patients import names, search_keys
from clinic.patients.models import (
    BodyMeasurement,
    Document,
    FamilyNameVariant,
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


def search_patients(*, user: Any, query: str = "") -> "PatientMatches":
    """Patients of the user's sites matching a name, an MRN, a birth date or a phone number; exact and
    partial matches by name first, then those found by forgiving one typo in a surname.

    Each word of the query is folded as names are (clinic.patients.names), so "munoz" finds Muñoz
    and "o'brien" finds O’Brien. One word of at least search_keys.TYPO_MIN_LETTERS letters may be a
    surname word with one typo ("quenbi", "qenby", "quennby", "qeunby" find Quenby) when the other
    words match. A query of digits and phone punctuation also matches the patient's own phone by its
    digits ("(555) 014-2" finds 555-0142)."""
    patients = Patient.objects.visible_to(user).select_related("site")
    query = query.strip()
    if not query:
        return PatientMatches(patients=patients, found=Q(), typo=Q())
    birth_date = parse_birth_date(unicodedata.normalize("NFKC", query))
    if birth_date is not None:
        return PatientMatches(patients=patients, found=Q(birth_date=birth_date), typo=Q())
    words = names.name_key(query).split()
    digits = search_keys.phone_query_digits(query)
    if not words and not digits:  # punctuation alone names nobody
        return PatientMatches(patients=patients.none(), found=Q(), typo=Q())
    # The MRN is among the search text's words, in small letters: an MRN is found by the same test
    # as a name, which PostgreSQL answers from the trigram index. A test on the MRN column beside it
    # would have it read every patient to try both.
    found = _all_words_in_search_text(words)
    if digits:
        found |= Q(phone_digits__contains=digits)
    typo = Q()
    for index, word in enumerate(words):
        if search_keys.typo_matchable(word):
            others = _all_words_in_search_text(words[:index] + words[index + 1:])
            typo |= others & Q(pk__in=_surnames_one_typo_from(word))
    return PatientMatches(patients=patients, found=found, typo=typo)


class PatientMatches:
    """The patients a search found, exact and partial matches by name first, then typo-only matches
    by name: counted and sliced as Django's Paginator and the API's offset and limit ask, in two
    queries (the count, then the page) whatever the number of matches.

    Ranking both kinds in one ORDER BY makes the database read and sort every match of the user's
    sites for each page. So a page with more exact and partial matches after it reads them in the
    name index's order and stops at its last row. Any other page ranks, but only the matches up to
    its end: there an index walk could not stop early, and sorting the few matches found costs less
    (a third less for an MRN on PostgreSQL); a page of typo-only matches reads those alone."""

    def __init__(self, *, patients: QuerySet[Patient], found: Q, typo: Q) -> None:
        self._patients = patients
        self._found = found
        self._typo = typo
        self._counted: tuple[int, int] | None = None

    def count(self) -> int:
        return self._counts()[0]

    def __getitem__(self, page: slice) -> list[Patient]:
        start, stop, _ = page.indices(self.count())
        found_count = self._counts()[1]
        if start >= stop:
            return []
        # The whole list (no search) matches every row and has nothing to rank.
        if stop < found_count or not self._found:
            return list(self._patients.filter(self._found)[start:stop])
        found_first = Case(When(self._found, then=Value(0)), default=Value(1))
        if start >= found_count:
            # Ranked too, though all rank alike: in plain name order PostgreSQL walks the name index
            # hoping to stop early and reads the whole table for these few, instead of starting from
            # the variant index.
            typo_only = self._patients.filter(self._typo & ~self._found).order_by(
                found_first, *Patient._meta.ordering)
            return list(typo_only[start - found_count:stop - found_count])
        ranked = self._patients.filter(self._found | self._typo).order_by(found_first, *Patient._meta.ordering)
        return list(ranked[start:stop])

    def __iter__(self) -> Iterator[Patient]:
        return iter(self[:])

    def ids(self) -> QuerySet[Patient]:
        """Every match's primary key, as a subquery for filters such as the audit trail's."""
        return self._patients.filter(self._found | self._typo).values("pk")

    def _counts(self) -> tuple[int, int]:
        """All matches, and the exact and partial ones among them."""
        if self._counted is None:
            if self._typo:
                counts = self._patients.filter(self._found | self._typo).aggregate(
                    every=Count("pk"), found=Count("pk", filter=self._found))
                self._counted = (counts["every"], counts["found"])
            else:
                found_count = self._patients.filter(self._found).count()
                self._counted = (found_count, found_count)
        return self._counted


def _all_words_in_search_text(words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return condition


def _surnames_one_typo_from(word: str) -> QuerySet[FamilyNameVariant]:
    """The ids of patients with a surname word one typo from the word: one letter replaced, added or
    left out, or two neighbours swapped (the tests are those of clinic.patients.search_keys)."""
    less_one = search_keys.one_letter_less(word)
    # A letter left out of the query: the stored word less one letter is the query.
    one_typo = Q(text=word)
    # A letter added in the query: the query less one letter is the stored word.
    one_typo |= Q(deleted_position=None, text__in=sorted({variant.text for variant in less_one}))
    for variant in less_one:
        position = variant.deleted_position
        # A letter replaced at the same place, or two neighbours swapped: the same letter left out one
        # place over.
        one_typo |= Q(text=variant.text) & (
            Q(deleted_position=position)
            | Q(deleted_position__in=(position - 1, position + 1), deleted_letter=variant.deleted_letter))
    # Every test is an equality on text: the IN lets the text index find the few candidate rows first.
    candidates = Q(text__in=sorted({word} | {variant.text for variant in less_one}))
    return FamilyNameVariant.objects.filter(candidates & one_typo).values("patient_id")


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
