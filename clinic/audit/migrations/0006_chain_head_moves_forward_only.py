"""Database triggers on the chain heads: a head is never deleted, and an UPDATE may only move it
forward (a higher seq, in the same chain), on SQLite and PostgreSQL.

Winding a head back, with the newest rows removed, would make a truncated chain look whole. Like
the triggers of 0002 they stand aside while audit_teardown_guard has a row (the test suite's
teardown).
"""

from django.db import migrations

REFUSED = "audit chain heads only move forward"
# An UPDATE that keeps every column is harmless; any other must raise seq in the same chain.
MOVES_BACK = ("NEW.chain <> OLD.chain OR NEW.seq < OLD.seq "
              "OR (NEW.seq = OLD.seq AND NEW.last_hash <> OLD.last_hash)")

SQLITE_FORWARD = [
    f"""CREATE TRIGGER audit_auditchainhead_refuse_delete BEFORE DELETE ON audit_auditchainhead
    WHEN (SELECT count(*) FROM audit_teardown_guard) = 0
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE refused'); END""",
    f"""CREATE TRIGGER audit_auditchainhead_refuse_rewind BEFORE UPDATE ON audit_auditchainhead
    WHEN (SELECT count(*) FROM audit_teardown_guard) = 0 AND ({MOVES_BACK})
    BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE refused'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_auditchainhead_refuse_delete",
                  "DROP TRIGGER IF EXISTS audit_auditchainhead_refuse_rewind"]

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION audit_head_refuse_rewind() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_teardown_guard) THEN
            IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
            RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' AND NOT ({MOVES_BACK}) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{REFUSED}: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_auditchainhead_refuse_rewind BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_refuse_rewind()""",
    """CREATE TRIGGER audit_auditchainhead_refuse_truncate BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_refuse_rewind()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditchainhead_refuse_rewind ON audit_auditchainhead",
    "DROP TRIGGER IF EXISTS audit_auditchainhead_refuse_truncate ON audit_auditchainhead",
    "DROP FUNCTION IF EXISTS audit_head_refuse_rewind()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No chain-head triggers for {schema_editor.connection.vendor}.")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_sign_every_chain")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
