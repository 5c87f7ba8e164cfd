"""On PostgreSQL, trigram indexes let patient search find a word inside the folded names and the
phone's digits (LIKE '%word%') without reading every patient of the site. SQLite has no such index
and needs none at a single clinic's size; this step does nothing there.

pg_trgm ships with PostgreSQL (contrib) and is a trusted extension from PostgreSQL 13, so the
database owner may create it."""

from django.db import migrations

INDEXES = (
    ("patient_search_text_trgm", "search_text"),
    ("patient_phone_digits_trgm", "phone_digits"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON patients_patient USING gin ({column} gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("patients", "0014_fill_search_keys"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
