"""Database triggers that refuse UPDATE and DELETE on a course's signed phase changes, on SQLite and
PostgreSQL: a signed decision reads as it did.

Like the audit trail's (audit 0002 and 0003), they stand aside only while a row exists in
audit_teardown_guard, which nothing in the application writes; the test suite's teardown does, to
empty its test database.
"""

from django.db import migrations

TABLES = ("courses_coursephasechange",)

SQLITE_FORWARD = [
    f"""CREATE TRIGGER {table}_refuse_{op.lower()} BEFORE {op} ON {table}
    WHEN (SELECT count(*) FROM audit_teardown_guard) = 0
    BEGIN SELECT RAISE(ABORT, 'signed phase changes are written once: {op} refused'); END"""
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {table}_refuse_{op.lower()}" for table in TABLES
                  for op in ("UPDATE", "DELETE")]

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION courses_refuse_change() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_teardown_guard) THEN
            IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'signed phase changes are written once: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql""",
] + [
    sql
    for table in TABLES
    for sql in [
        f"""CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION courses_refuse_change()""",
        f"""CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION courses_refuse_change()""",
    ]
]
POSTGRES_REVERSE = [
    sql
    for table in TABLES
    for sql in [f"DROP TRIGGER IF EXISTS {table}_refuse_change ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_refuse_truncate ON {table}"]
] + ["DROP FUNCTION IF EXISTS courses_refuse_change()"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No written-once triggers for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_treatment_courses"), ("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
