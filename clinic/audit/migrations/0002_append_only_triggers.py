"""Database triggers that refuse UPDATE and DELETE on audit rows, on SQLite and PostgreSQL.

The triggers stand aside only while a row exists in audit_teardown_guard. Nothing in the
application writes that table; the test suite's teardown does, to empty its test database.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_auditeventpatient")

SQLITE_FORWARD = ["CREATE TABLE IF NOT EXISTS audit_teardown_guard (opened integer NOT NULL)"] + [
    sql
    for table in TABLES
    for op in ("UPDATE", "DELETE")
    for sql in [
        f"""CREATE TRIGGER {table}_refuse_{op.lower()} BEFORE {op} ON {table}
        WHEN (SELECT count(*) FROM audit_teardown_guard) = 0
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: {op} refused'); END"""
    ]
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {table}_refuse_{op.lower()}" for table in TABLES for op in ("UPDATE", "DELETE")
] + ["DROP TABLE IF EXISTS audit_teardown_guard"]

POSTGRES_FORWARD = [
    "CREATE TABLE IF NOT EXISTS audit_teardown_guard (opened integer NOT NULL)",
    """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_teardown_guard) THEN
            RETURN COALESCE(OLD, NEW);
        END IF;
        RAISE EXCEPTION 'audit rows are append-only: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql""",
] + [
    sql
    for table in TABLES
    for sql in [
        f"""CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
        f"""CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
    ]
]
POSTGRES_REVERSE = [
    sql
    for table in TABLES
    for sql in [f"DROP TRIGGER IF EXISTS {table}_refuse_change ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_refuse_truncate ON {table}"]
] + ["DROP FUNCTION IF EXISTS audit_refuse_change()", "DROP TABLE IF EXISTS audit_teardown_guard"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No append-only triggers for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
