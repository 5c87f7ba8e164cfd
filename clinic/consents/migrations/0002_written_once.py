"""Consent documents and signed consents are written once, at the database too, on SQLite and PostgreSQL.

A document refuses every UPDATE and DELETE (the shared written-once operation). A consent refuses
DELETE, and every UPDATE but one: setting who withdrew it, when and why, once, on a consent not yet
withdrawn, with nothing else changed. Like every written-once table, the triggers stand aside only while
a row exists in audit_teardown_guard, which only the test suite's teardown writes (design §4.5). A
patient who has signed a consent can no longer be deleted with it.
"""

import django.db.models.deletion
from django.db import migrations, models

from clinic.audit.written_once import written_once

TABLE = "consents_consent"
# Every column a withdrawal leaves as it was.
SIGNED = ("id", "patient_id", "document_id", "protocol_id", "rules_version", "counselled_by_id", "counselled_at",
          "counselling_note", "method", "signed_name", "signature_strokes", "scan_id", "signed_at")
SQLITE_WITHDRAWAL = " AND ".join(
    ["OLD.withdrawn_at IS NULL", "NEW.withdrawn_at IS NOT NULL", "NEW.withdrawn_by_id IS NOT NULL",
     "NEW.withdrawal_reason <> ''"] + [f"NEW.{column} IS OLD.{column}" for column in SIGNED])
POSTGRES_WITHDRAWAL = " AND ".join(
    ["OLD.withdrawn_at IS NULL", "NEW.withdrawn_at IS NOT NULL", "NEW.withdrawn_by_id IS NOT NULL",
     "NEW.withdrawal_reason <> ''"] + [f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}" for column in SIGNED])

SQLITE_FORWARD = [
    f"""CREATE TRIGGER {TABLE}_refuse_delete BEFORE DELETE ON {TABLE}
    WHEN (SELECT count(*) FROM audit_teardown_guard) = 0
    BEGIN SELECT RAISE(ABORT, 'signed consents are written once: DELETE refused'); END""",
    f"""CREATE TRIGGER {TABLE}_refuse_update BEFORE UPDATE ON {TABLE}
    WHEN (SELECT count(*) FROM audit_teardown_guard) = 0 AND NOT ({SQLITE_WITHDRAWAL})
    BEGIN SELECT RAISE(ABORT, 'signed consents are written once: UPDATE refused but for one withdrawal'); END""",
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {TABLE}_refuse_delete", f"DROP TRIGGER IF EXISTS {TABLE}_refuse_update"]

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION consents_consent_refuse_change() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_teardown_guard) THEN
            IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
            RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' AND {POSTGRES_WITHDRAWAL} THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'signed consents are written once: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER {TABLE}_refuse_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION consents_consent_refuse_change()""",
    f"""CREATE TRIGGER {TABLE}_refuse_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION consents_consent_refuse_change()""",
]
POSTGRES_REVERSE = [f"DROP TRIGGER IF EXISTS {TABLE}_refuse_change ON {TABLE}",
                    f"DROP TRIGGER IF EXISTS {TABLE}_refuse_truncate ON {TABLE}",
                    "DROP FUNCTION IF EXISTS consents_consent_refuse_change()"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No written-once triggers for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("consents", "0001_consent_documents_and_consents"), ("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AlterField(
            model_name="consent", name="patient",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="consents",
                                    to="patients.patient"),
        ),
        written_once(prefix="consents_document", records="consent documents", tables=("consents_consentdocument",)),
        migrations.RunPython(_run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
                             _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE})),
    ]
