"""Fills the phone digits and the surname variants of every patient registered before search
forgave a typo or read phone numbers, so that search treats old and new records alike.

The keys are computed with the functions the actions use (clinic.patients.search_keys), so an old
record's rows equal those a new registration would get. Backwards, the variant rows are removed and
the phone digits emptied; the previous migration's reverse then drops both.
"""

from django.db import migrations

from clinic.patients import search_keys

BATCH = 2000


def forwards(apps, schema_editor):
    patient_model = apps.get_model("patients", "Patient")
    variant_model = apps.get_model("patients", "FamilyNameVariant")
    patients = list(patient_model.objects.only("pk", "family_name", "phone"))
    for patient in patients:
        patient.phone_digits = search_keys.phone_digits(patient.phone)
    patient_model.objects.bulk_update(patients, ["phone_digits"], batch_size=BATCH)
    # Every patient's rows are written below, so whatever is there goes first: a second run leaves one set.
    variant_model.objects.all().delete()
    for start in range(0, len(patients), BATCH):
        variant_model.objects.bulk_create(
            variant_model(patient_id=patient.pk, text=variant.text, deleted_position=variant.deleted_position,
                          deleted_letter=variant.deleted_letter)
            for patient in patients[start:start + BATCH]
            for variant in search_keys.surname_variants(patient.family_name))


def backwards(apps, schema_editor):
    apps.get_model("patients", "FamilyNameVariant").objects.all().delete()
    apps.get_model("patients", "Patient").objects.exclude(phone_digits="").update(phone_digits="")


class Migration(migrations.Migration):
    dependencies = [("patients", "0013_search_by_phone_digits_and_surname_typos")]

    operations = [migrations.RunPython(forwards, backwards)]
