"""The revision history in words a clinician reads: record kinds and field names as labels, stored
values as the forms show them, staff by name and role.

A RecordRevision keeps each change as {field: [before, after]} in the JSON form the actions wrote
(clinic.patients.actions._plain): related rows by id, dates and decimals as text. This module turns
one page of them back into labels and values, fetching every named row in one query per kind of row.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

from clinic.accounts.models import Role, StaffUser
from clinic.patients.models import RecordRevision
from clinic.rules import plausibility

ROLE_LABELS = dict(Role.choices)
# The record kinds of the intake and registry, as a clinician names them (RecordRevision.record_type
# is the model's name).
RECORD_NOUNS = {
    "patient": "Registration details",
    "indication": "Indication",
    "otherdiagnosis": "Other diagnosis",
    "medication": "Medicine",
    "allergy": "Allergy",
    "bodymeasurement": "Body measurement",
    "treatmenttrial": "Prior treatment",
    "result": "Result",
    "safetyhistory": "Safety history",
    "document": "Document",
}
CHANGE_WORDS = {"create": "added", "update": "changed", "delete": "removed"}
# Where the plain words differ: a first registration is "registered", a first safety history is
# "recorded" (its questions were unanswered before, not absent).
TITLES = {("patient", "create"): "Patient registered", ("safetyhistory", "create"): "Safety history recorded"}
# A measurement saved although far from the last one keeps the confirmed warnings' codes in its
# revision (clinic.patients.actions, "confirmed"); each in words.
CONFIRMED = "confirmed"
CONFIRMED_WORDS = {plausibility.WEIGHT_CHANGE: "weight change from the last weight",
                   plausibility.HEIGHT_CHANGE: "height change from the last height"}
# Labels for fields whose names carry a unit or a code rather than words; every other field is
# labelled by its verbose name (a safety history question's verbose name is its question).
FIELD_LABELS = {
    "weight_kg": "Weight", "height_cm": "Height", "systolic_mmhg": "Systolic blood pressure",
    "diastolic_mmhg": "Diastolic blood pressure", "heart_rate_bpm": "Heart rate",
    "lorazepam_equivalent_mg_per_day": "Lorazepam equivalent", "drug_class": "Class",
    "birth_date": "Date of birth", "code": "Indication", "max_daily_dose": "Highest daily dose",
    "is_primary": "Primary indication", "nkda_recorded_at": "No known drug allergies recorded",
    "nkda_recorded_by": "No known drug allergies recorded by", CONFIRMED: "Confirmed as right",
}
# The unit each measure is stored in, shown after its value.
FIELD_UNITS = {"weight_kg": "kg", "height_cm": "cm", "systolic_mmhg": "mmHg", "diastolic_mmhg": "mmHg",
               "heart_rate_bpm": "/min", "lorazepam_equivalent_mg_per_day": "mg a day"}
NOT_ASKED = "not asked"
EMPTY = "—"


@dataclass(frozen=True)
class ValueShown:
    """One value as the page shows it: text, or an instant the page writes in the site's zone."""

    text: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class ChangeShown:
    label: str
    before: ValueShown
    after: ValueShown


@dataclass(frozen=True)
class RevisionRow:
    revision: RecordRevision
    title: str  # "Body measurement added"
    staff: str  # "Priya Raman, NP · Prescriber"
    changes: list[ChangeShown]


def staff_shown(user: Any, *, role: str = "") -> str:
    """A staff member as colleagues know them: "Priya Raman, NP · Prescriber", with the role held
    at the time when it is given."""
    role = role or user.role
    return f"{user} · {ROLE_LABELS.get(role, role)}"


def record_model(record_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model("patients", record_type)
    except LookupError:
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A field's label: the words above, else its verbose name; a field no longer on the model by
    its name in words."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    field = _field(model, name)
    return capfirst(str(field.verbose_name)) if field is not None else capfirst(name.replace("_", " "))


def revision_title(revision: RecordRevision) -> str:
    """"Body measurement added", "Allergy changed", "Prior treatment removed"."""
    key = (revision.record_type, revision.change)
    if key in TITLES:
        return TITLES[key]
    model = record_model(revision.record_type)
    noun = RECORD_NOUNS.get(revision.record_type) or (
        capfirst(str(model._meta.verbose_name)) if model else revision.record_type)
    return f"{noun} {CHANGE_WORDS.get(revision.change, revision.change)}"


def revision_rows(revisions: Iterable[RecordRevision]) -> list[RevisionRow]:
    """Rows for one page of revisions (each with changed_by fetched), with every site, referring
    clinician and staff member their values name fetched in one query per kind."""
    revisions = list(revisions)
    named = _named_rows(revisions)
    return [RevisionRow(revision=revision, title=revision_title(revision), staff=staff_shown(revision.changed_by),
                        changes=_changes(revision, named))
            for revision in revisions]


def _changes(revision: RecordRevision, named: dict[type[models.Model], dict[int, Any]]) -> list[ChangeShown]:
    model = record_model(revision.record_type)
    shown = []
    for name, (before, after) in _in_field_order(model, revision.changes):
        field = _field(model, name)
        # An added record shows what it holds, a removed one what it held: empty fields are noise there.
        if revision.change != "update" and _is_empty(after if revision.change == "create" else before):
            continue
        shown.append(ChangeShown(label=field_label(model, name), before=_value(field, name, before, named),
                                 after=_value(field, name, after, named)))
    return shown


def _in_field_order(model: type[models.Model] | None, changes: dict[str, Any]) -> list[tuple[str, Any]]:
    """The changes in the order of the record's fields, the others (a confirmation) after them: a
    JSON column on PostgreSQL keeps its keys in an order of its own, not the order they were written."""
    order = {field.name: index for index, field in enumerate(model._meta.get_fields())} if model else {}
    return sorted(changes.items(), key=lambda item: order.get(item[0], len(order)))


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _value(field: models.Field | None, name: str, stored: Any,
           named: dict[type[models.Model], dict[int, Any]]) -> ValueShown:
    if stored is None:
        # An unanswered yes / no question was not asked; any other empty value is a dash.
        return ValueShown(NOT_ASKED if isinstance(field, models.BooleanField) else EMPTY)
    if name == CONFIRMED and isinstance(stored, list):
        return ValueShown(", ".join(CONFIRMED_WORDS.get(code, code) for code in stored))
    if field is None:
        return ValueShown(str(stored))
    if field.is_relation:
        return ValueShown(_related_text(field, stored, named))
    if field.choices:
        return ValueShown(str(dict(field.flatchoices).get(stored, stored)))
    if isinstance(field, models.BooleanField):
        return ValueShown("Yes" if stored else "No")
    if isinstance(field, models.DateTimeField):
        return _instant(stored)
    if isinstance(field, models.DateField):
        return ValueShown(_day(stored))
    text = str(stored)
    if text == "":
        return ValueShown(EMPTY)
    return ValueShown(f"{text} {FIELD_UNITS[name]}" if name in FIELD_UNITS else text)


def _related_text(field: models.Field, stored: Any, named: dict[type[models.Model], dict[int, Any]]) -> str:
    row = named.get(field.related_model, {}).get(stored)
    if row is None:
        return f"no longer on record (#{stored})"
    return staff_shown(row) if isinstance(row, StaffUser) else str(row)


def _instant(stored: str) -> ValueShown:
    try:
        return ValueShown(at=dt.datetime.fromisoformat(stored))
    except (TypeError, ValueError):
        return ValueShown(str(stored))


def _day(stored: str) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(stored)), "j M Y")
    except ValueError:
        return str(stored)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _named_rows(revisions: Sequence[RecordRevision]) -> dict[type[models.Model], dict[int, Any]]:
    """Every related row the page's values name by id, one query per related model."""
    wanted: dict[type[models.Model], set[int]] = {}
    for revision in revisions:
        model = record_model(revision.record_type)
        for name, values in revision.changes.items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.many_to_one:
                wanted.setdefault(field.related_model, set()).update(
                    value for value in values if isinstance(value, int))
    return {related: related._default_manager.in_bulk(ids) for related, ids in wanted.items() if ids}
