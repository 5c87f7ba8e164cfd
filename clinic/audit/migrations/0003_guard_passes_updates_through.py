"""With the teardown guard open, let an UPDATE on PostgreSQL change the row.

0002's trigger function returned OLD for every operation. For a BEFORE UPDATE row trigger that
turns the update into a silent no-op, so the tests that alter a row behind the application's back
(to prove verify_audit_chain notices) changed nothing. DELETE and TRUNCATE behave as before, and
with the guard closed every UPDATE, DELETE and TRUNCATE is still refused. SQLite is unaffected:
its triggers only refuse.
"""

from django.db import migrations

FUNCTION = """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_teardown_guard) THEN
            {passed}
        END IF;
        RAISE EXCEPTION 'audit rows are append-only: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql"""
FORWARD = FUNCTION.format(passed="IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;\n            RETURN OLD;")
REVERSE = FUNCTION.format(passed="RETURN COALESCE(OLD, NEW);")


def _on_postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(REVERSE))]
