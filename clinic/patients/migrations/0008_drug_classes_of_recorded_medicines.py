"""Moves recorded medicines and prior treatments into the drug classes the TRD count reads
(clinical-reference §2.2: augmentation with lithium, an atypical antipsychotic or T3 counts).

Rows are matched by name, only from the class they were in before those classes existed: lithium
from "mood_stabiliser", the atypical antipsychotics from "antipsychotic", liothyronine from
"other". A row whose name matches none stays as it was, for the prescriber to reclassify.
"""

from django.db import migrations

# (new class, old class, lower-case name fragments)
MOVES = (
    ("lithium", "mood_stabiliser", ("lithium",)),
    ("antipsychotic_atypical", "antipsychotic", (
        "aripiprazole", "brexpiprazole", "cariprazine", "quetiapine", "lurasidone", "olanzapine",
        "risperidone", "paliperidone", "ziprasidone", "asenapine", "iloperidone", "lumateperone", "clozapine")),
    ("thyroid_t3", "other", ("liothyronine", "cytomel", "t3 ")),
)


def _names_match(name, fragments):
    name = f"{name.lower()} "
    return any(fragment in name for fragment in fragments)


def forwards(apps, schema_editor):
    for model_name in ("Medication", "TreatmentTrial"):
        model = apps.get_model("patients", model_name)
        for new_class, old_class, fragments in MOVES:
            ids = [row.pk for row in model.objects.filter(drug_class=old_class).only("pk", "name")
                   if _names_match(row.name, fragments)]
            model.objects.filter(pk__in=ids).update(drug_class=new_class)


def backwards(apps, schema_editor):
    for model_name in ("Medication", "TreatmentTrial"):
        model = apps.get_model("patients", model_name)
        for new_class, old_class, _ in MOVES:
            model.objects.filter(drug_class=new_class).update(drug_class=old_class)


class Migration(migrations.Migration):
    dependencies = [("patients", "0007_other_diagnoses")]

    operations = [migrations.RunPython(forwards, backwards)]
