"""The migration operation that makes tables written once: database triggers that refuse UPDATE and
DELETE (and TRUNCATE on PostgreSQL), on SQLite and PostgreSQL, so a signed or versioned record reads as
it did whatever path tries to change it.

Like the audit trail's own (audit 0002 and 0003), the triggers stand aside only while a row exists in
audit_teardown_guard, which nothing in the application writes; the test suite's teardown does, to
empty its test database (design §4.5).
"""

from django.db import migrations

OPERATIONS = ("UPDATE", "DELETE")


def written_once(*, prefix: str, tables: tuple[str, ...], records: str) -> migrations.RunPython:
    """The operation for `tables`; `prefix` names the PostgreSQL function, `records` the refusal
    ("screening records are written once: UPDATE refused")."""
    sqlite_forward = [
        f"""CREATE TRIGGER {table}_refuse_{op.lower()} BEFORE {op} ON {table}
    WHEN (SELECT count(*) FROM audit_teardown_guard) = 0
    BEGIN SELECT RAISE(ABORT, '{records} are written once: {op} refused'); END"""  # noqa: S608 - our own names
        for table in tables for op in OPERATIONS]
    sqlite_reverse = [f"DROP TRIGGER IF EXISTS {table}_refuse_{op.lower()}" for table in tables for op in OPERATIONS]
    function = f"{prefix}_refuse_change"
    postgres_forward = [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_teardown_guard) THEN
            IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{records} are written once: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql""",  # noqa: S608 - the migrations' own names, never input
    ] + [
        sql
        for table in tables
        for sql in [
            f"""CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {function}()""",
            f"""CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        ]
    ]
    postgres_reverse = [
        sql
        for table in tables
        for sql in [f"DROP TRIGGER IF EXISTS {table}_refuse_change ON {table}",
                    f"DROP TRIGGER IF EXISTS {table}_refuse_truncate ON {table}"]
    ] + [f"DROP FUNCTION IF EXISTS {function}()"]
    return migrations.RunPython(_run({"sqlite": sqlite_forward, "postgresql": postgres_forward}),
                                _run({"sqlite": sqlite_reverse, "postgresql": postgres_reverse}))


def _run(statements_by_vendor: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No written-once triggers for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run
