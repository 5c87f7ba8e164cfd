"""Each audit row names the key that signed it (its fingerprint, never the key itself).

The column is added with plain SQL: Django would rebuild the table on SQLite to add a column with a
default, and a rebuilt table loses the append-only triggers of 0002. Rows already there keep an
empty key id: they were hashed before the chain was signed.
"""

from django.db import migrations, models

ADD_COLUMN = "ALTER TABLE audit_auditevent ADD COLUMN key_id varchar(16) NOT NULL DEFAULT ''"
DROP_COLUMN = "ALTER TABLE audit_auditevent DROP COLUMN key_id"


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_guard_passes_updates_through")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_COLUMN, DROP_COLUMN)],
            state_operations=[
                migrations.AddField(
                    model_name="auditevent",
                    name="key_id",
                    field=models.CharField(blank=True, default="", max_length=16),
                ),
            ],
        ),
    ]
