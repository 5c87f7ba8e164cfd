"""Each caution decision keeps the finding's data it decided on.

The column is added empty-able and without a default, so both SQLite and PostgreSQL add it in place
(ALTER TABLE ADD COLUMN): the table is not rebuilt and its written-once triggers (0002) stay. Rows
signed before it keep NULL, and are read with the data of the run their decision reviewed.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_written_once_triggers")]

    operations = [
        migrations.AddField(model_name="cautiondecision", name="data", field=models.JSONField(blank=True, null=True)),
    ]
