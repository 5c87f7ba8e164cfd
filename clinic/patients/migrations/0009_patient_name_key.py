"""Adds each patient's name key (family and given names folded for comparison) and room in the
search text for folded names. The next migration fills both for existing patients."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("patients", "0008_drug_classes_of_recorded_medicines")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=402),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="patient",
            name="search_text",
            field=models.CharField(db_index=True, editable=False, max_length=640),
        ),
    ]
