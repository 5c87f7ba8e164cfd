"""Recorded medicines and prior treatments move into the drug classes the TRD count reads
(clinical-reference §2.2: augmentation with lithium, an atypical antipsychotic or T3 counts)."""

import importlib

import pytest
from django.apps import apps

from clinic.patients.models import Medication, TreatmentTrial
from clinic.patients.tests.factories import PatientFactory

migration = importlib.import_module("clinic.patients.migrations.0008_drug_classes_of_recorded_medicines")

pytestmark = pytest.mark.django_db

# (name, class before, class after)
ROWS = [
    ("Lithium carbonate", "mood_stabiliser", "lithium"),
    ("Lamotrigine", "mood_stabiliser", "mood_stabiliser"),
    ("Aripiprazole (augmentation)", "antipsychotic", "antipsychotic_atypical"),
    ("Quetiapine XR", "antipsychotic", "antipsychotic_atypical"),
    ("Haloperidol", "antipsychotic", "antipsychotic"),
    ("Liothyronine", "other", "thyroid_t3"),
    ("T3 25 mcg", "other", "thyroid_t3"),
    ("Levothyroxine", "other", "other"),
    ("Lithium carbonate", "other", "other"),  # only moved from the class it was recorded in before
]


@pytest.mark.parametrize("model", [Medication, TreatmentTrial])
def test_rows_move_by_name_from_their_old_class_and_back(main_site, model):
    """clinical-reference §2.2: lithium, atypical antipsychotic and T3 trials count towards TRD, so rows
    recorded before those classes existed are moved to them; unmatched rows stay for review."""
    patient = PatientFactory(site=main_site)
    extra = {"kind": "medication", "outcome": "no_response"} if model is TreatmentTrial else {}
    rows = [model.objects.create(patient=patient, name=name, drug_class=before, **extra)
            for name, before, _ in ROWS]

    migration.forwards(apps, None)

    assert [model.objects.get(pk=row.pk).drug_class for row in rows] == [after for _, _, after in ROWS]

    migration.backwards(apps, None)

    assert [model.objects.get(pk=row.pk).drug_class for row in rows] == [before for _, before, _ in ROWS]
