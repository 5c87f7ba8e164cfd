"""Indexes the name key once it is filled: the duplicate check looks patients up by it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("patients", "0010_fill_patient_name_keys")]

    operations = [
        migrations.AlterField(
            model_name="patient",
            name="name_key",
            field=models.CharField(db_index=True, editable=False, max_length=402),
        ),
    ]
