"""Which fields of a prior treatment apply to each kind of treatment (clinical-reference §2.2 intake
history): a medicine has a dose, unit and route; a psychotherapy has its type, sessions and weeks;
TMS and ECT have sessions and weeks; ketamine has its route, sessions and whether it was non-medical.

A field that makes no sense for the kind is refused rather than stored, so a dose can never be read
as belonging to a psychotherapy. The record keeps one set of columns for every kind: a
psychotherapy's weeks are stored as `weeks_at_adequate_dose` and its type as `name`, each shown
under its own label.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from clinic.rules.errors import DomainError

SOURCE = "clinical-reference §2.2 intake history; the grouping by kind and the therapy types are a product choice"

# Fields every kind of prior treatment has.
COMMON_FIELDS = ("kind", "name", "started_on", "stopped_on", "outcome", "reason_stopped", "current_episode",
                 "source")
FIELDS_BY_KIND: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "medication": ("drug_class", "max_daily_dose", "dose_unit", "route", "weeks_at_adequate_dose", "adherence",
                   "adequate_dose"),
    "psychotherapy": ("sessions_count", "weeks_at_adequate_dose"),
    "tms": ("sessions_count", "weeks_at_adequate_dose"),
    "ect": ("sessions_count", "weeks_at_adequate_dose", "cognitive_effects"),
    "ketamine": ("route", "sessions_count", "non_medical", "cognitive_effects"),
})
KIND_LABELS = MappingProxyType({"medication": "a medicine", "psychotherapy": "a psychotherapy", "tms": "TMS",
                                "ect": "ECT", "ketamine": "ketamine"})
# How each kind-specific field is named to a clinician, where the form's label would mislead.
FIELD_LABELS = MappingProxyType({
    "drug_class": "Drug class", "max_daily_dose": "Dose", "dose_unit": "Dose unit", "route": "Route",
    "weeks_at_adequate_dose": "Weeks", "adherence": "Adherence", "adequate_dose": "Adequate dose",
    "sessions_count": "Sessions", "non_medical": "Non-medical use", "cognitive_effects": "Cognitive effects",
})
# The label of `name` and of `weeks_at_adequate_dose` for each kind.
NAME_LABELS = MappingProxyType({"medication": "Medicine", "psychotherapy": "Type of therapy",
                                "tms": "TMS protocol", "ect": "ECT protocol", "ketamine": "Ketamine treatment"})
WEEKS_LABELS = MappingProxyType({"medication": "Weeks at adequate dose", "psychotherapy": "Weeks",
                                 "tms": "Weeks", "ect": "Weeks"})
# Product choice: the psychotherapies a clinic most often sees before ketamine; any other is typed in.
THERAPY_TYPES = ("Cognitive behavioural therapy (CBT)", "Dialectical behaviour therapy (DBT)",
                 "Interpersonal therapy (IPT)", "EMDR", "Psychodynamic therapy", "Behavioural activation",
                 "Exposure and response prevention (ERP)", "Other")
# Which kind to choose for a field, when the field is typed under another kind.
KIND_OF_FIELD = MappingProxyType({"drug_class": "medication", "max_daily_dose": "medication",
                                  "dose_unit": "medication", "adherence": "medication",
                                  "adequate_dose": "medication", "non_medical": "ketamine",
                                  "cognitive_effects": "ECT or ketamine", "route": "medicine or ketamine",
                                  "sessions_count": "psychotherapy, TMS, ECT or ketamine",
                                  "weeks_at_adequate_dose": "medicine, psychotherapy, TMS or ECT"})
KIND_WORDS = MappingProxyType({"medication": "the medicine kind", "ketamine": "the ketamine kind"})


class FieldNotForKind(DomainError):
    code = "FIELD_NOT_FOR_KIND"


def applies(kind: str, name: str) -> bool:
    return name in COMMON_FIELDS or name in FIELDS_BY_KIND.get(kind, ())


def _is_empty(value: Any) -> bool:
    # False is the unticked state of a yes/no field, so it says nothing about the kind.
    return value is None or value == "" or value is False


def check_fields_for_kind(*, kind: str, fields: Mapping[str, Any]) -> None:
    """Refuse the first field filled in that does not apply to the kind, naming it and the kinds it
    belongs to."""
    for name, value in fields.items():
        if name in FIELD_LABELS and not applies(kind, name) and not _is_empty(value):
            other = KIND_OF_FIELD[name]
            raise FieldNotForKind(
                f"{FIELD_LABELS[name]} does not apply to {KIND_LABELS[kind]}: clear it or choose "
                f"{KIND_WORDS.get(other, 'the ' + other + ' kind')}.", field=name)
