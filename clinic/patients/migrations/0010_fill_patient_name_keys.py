"""Fills the name key and the folded search text of every patient registered before names were
folded, so that the duplicate check and search treat old and new records alike.

The stored names themselves are not rewritten: a change to a patient's name belongs in the record's
revision history, made by someone. The keys are computed from the names as the actions clean them,
with the same functions, so an old record's key equals the one a new registration would get.
Backwards, the search text returns to its earlier form (lower-case "family given preferred mrn").
"""

from django.db import migrations

from clinic.patients import names

BATCH = 2000
FIELDS = ("given_name", "family_name", "preferred_name", "mrn")


def forwards(apps, schema_editor):
    patient_model = apps.get_model("patients", "Patient")
    patients = list(patient_model.objects.only("pk", *FIELDS))
    for patient in patients:
        patient.name_key = names.person_key(given_name=patient.given_name, family_name=patient.family_name)
        patient.search_text = names.search_text(given_name=patient.given_name, family_name=patient.family_name,
                                                preferred_name=patient.preferred_name, mrn=patient.mrn)
    patient_model.objects.bulk_update(patients, ["name_key", "search_text"], batch_size=BATCH)


def backwards(apps, schema_editor):
    patient_model = apps.get_model("patients", "Patient")
    patients = list(patient_model.objects.only("pk", *FIELDS))
    for patient in patients:
        parts = (patient.family_name, patient.given_name, patient.preferred_name, patient.mrn)
        patient.search_text = " ".join(part.strip().lower() for part in parts if part)
    patient_model.objects.bulk_update(patients, ["search_text"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("patients", "0009_patient_name_key")]

    operations = [migrations.RunPython(forwards, backwards)]
