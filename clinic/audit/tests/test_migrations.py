"""The upgrade to a signed chain: rows hashed before it keep their hashes, and every chain that has
rows ends in a signed event, so the whole chain verifies with the key (run on SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clinic.audit import verification
from clinic.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash

BEFORE = [("audit", "0003_guard_passes_updates_through")]
SIGNED = [("audit", "0005_sign_every_chain")]
AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def migrator(transactional_db):
    """A migration executor; whatever a test does, the database ends at the latest migrations."""
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _unsigned_chain(apps, chain: str, rows: int) -> None:
    """A chain written by the version before signing: plain SHA-256 hashes, no key id."""
    AuditEvent, AuditChainHead = apps.get_model("audit", "AuditEvent"), apps.get_model("audit", "AuditChainHead")
    prev_hash = GENESIS_HASH
    for seq in range(1, rows + 1):
        event = AuditEvent(chain=chain, seq=seq, prev_hash=prev_hash, occurred_at=AT + dt.timedelta(minutes=seq),
                           actor_kind="system", actor_id=None, actor_label="setup_clinic", role="", site_id=None,
                           action="sites.site_created", object_type="", object_id="", changed_fields=[],
                           data={"n": seq}, request_id="", ip=None)
        event.hash = event_hash(prev_hash=prev_hash, fields={name: getattr(event, name) for name in HASHED_FIELDS},
                                patient_ids=[], key=None)
        event.save()
        prev_hash = event.hash
    AuditChainHead.objects.create(chain=chain, seq=rows, last_hash=prev_hash)


@pytest.mark.slow
def test_the_upgrade_ends_every_chain_with_a_signed_event_that_covers_the_rows_before(migrator, key):
    migrator.migrate(BEFORE)
    old_apps = migrator.loader.project_state(BEFORE[0]).apps
    _unsigned_chain(old_apps, "1", rows=6)
    _unsigned_chain(old_apps, "global", rows=2)
    old_apps.get_model("audit", "AuditChainHead").objects.create(chain="2", seq=0, last_hash=GENESIS_HASH)

    migrator.loader.build_graph()
    migrator.migrate(SIGNED)

    new_apps = migrator.loader.project_state(SIGNED[0]).apps
    AuditEvent = new_apps.get_model("audit", "AuditEvent")
    signed = {event.chain: event for event in AuditEvent.objects.filter(action="audit.chain_signed")}
    assert sorted(signed) == ["1", "global"]
    assert (signed["1"].seq, signed["1"].key_id, signed["1"].actor_label) == (7, key.fingerprint, "migrate")
    assert signed["1"].data == {"unsigned_rows": 6, "key_id": key.fingerprint}
    assert list(AuditEvent.objects.filter(chain="1").order_by("seq").values_list("key_id", flat=True)) == [""] * 6 + [
        key.fingerprint]
    migrator.loader.build_graph()
    migrator.migrate(migrator.loader.graph.leaf_nodes())
    reports = {report.chain: report for report in verification.verify_all_chains(key=key)}
    assert {chain: (report.intact, report.events_checked) for chain, report in reports.items()} == {
        "1": (True, 7), "2": (True, 0), "global": (True, 3)}


@pytest.mark.slow
def test_after_the_upgrade_an_old_row_changed_is_still_caught_by_the_signed_row_after_it(migrator, key):
    migrator.migrate(BEFORE)
    _unsigned_chain(migrator.loader.project_state(BEFORE[0]).apps, "1", rows=3)
    migrator.loader.build_graph()
    migrator.migrate(migrator.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_teardown_guard (opened) VALUES (1)")
        cursor.execute("UPDATE audit_auditevent SET data = '{\"n\": 99}' WHERE chain = '1' AND seq = 3")
        cursor.execute("DELETE FROM audit_teardown_guard")

    report = verification.verify_chain("1", key=key)

    assert (report.first_break.seq, report.problem_count) == (3, 1)
    assert "do not match its hash" in report.first_break.reason


@pytest.mark.slow
def test_a_chain_rewritten_whole_without_the_key_fails_for_want_of_a_signed_last_row(migrator, key):
    migrator.migrate(BEFORE)
    _unsigned_chain(migrator.loader.project_state(BEFORE[0]).apps, "1", rows=3)
    migrator.loader.build_graph()
    migrator.migrate(migrator.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_teardown_guard (opened) VALUES (1)")
        cursor.execute("DELETE FROM audit_auditevent WHERE chain = '1' AND seq = 4")
        cursor.execute("UPDATE audit_auditchainhead SET seq = 3, last_hash = "
                       "(SELECT hash FROM audit_auditevent WHERE chain = '1' AND seq = 3) WHERE chain = '1'")
        cursor.execute("DELETE FROM audit_teardown_guard")

    report = verification.verify_chain("1", key=key)

    assert (report.first_break.seq, report.events_checked) == (3, 3)
    assert report.first_break.reason.startswith("no row of this chain is signed with an audit key, yet its last "
                                                "row must be")
