"""Backup and restore on the engine the suite runs on (SQLite, or PostgreSQL by DATABASE_URL).

The restore drill (design §5, recovery) backs up real records, restores them into a second,
empty database and proves that every row and every document came back.
"""

import datetime as dt
import getpass
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import load_backend

from clinic.audit import anchors as anchor_lines
from clinic.audit.chain import chain_for, configured_key
from clinic.audit.models import AuditChainHead, AuditEvent
from clinic.audit.tasks import verify_audit_chains
from clinic.audit.tests import tamper
from clinic.audit.tests.factories import AuditEventFactory
from clinic.backups import archive
from clinic.backups.engines import BackupFailed
from clinic.patients import actions
from clinic.patients.models import Document, Patient
from clinic.sites.models import Organisation

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
KEY_TABLES = ("patients_patient", "patients_indication", "patients_medication", "patients_bodymeasurement",
              "patients_safetyhistory", "patients_document", "patients_recordrevision", "audit_auditevent",
              "audit_auditeventpatient", "audit_auditchainhead", "accounts_staffuser", "sites_site")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"
    settings.VAR_DIR = tmp_path / "var"
    settings.AUDIT_ANCHOR_FILE = tmp_path / "var" / "audit-anchors.log"
    return settings.MEDIA_ROOT


@pytest.fixture
def clinic_records(transactional_db, media_root, prescriber, now):
    """Three patients with intake, two uploaded letters, and the audit events of all of it."""
    patients = [actions.register_patient(actor=prescriber, now=now, site=prescriber.sites.get(),
                                         given_name=given, family_name="Lanternby", birth_date=born, sex="female")
                for given, born in (("Ada", dt.date(1981, 3, 2)), ("Clara", dt.date(1975, 7, 19)),
                                    ("Vera", dt.date(1990, 12, 1)))]
    for patient in patients:
        actions.add_intake_item(actor=prescriber, now=now, patient=patient, kind="indication",
                                values={"code": "TRD_UNIPOLAR", "icd10_code": "F33.1", "noted_on": now.date()})
        actions.add_intake_item(actor=prescriber, now=now, patient=patient, kind="measurement",
                                values={"measured_on": now.date(), "weight_kg": Decimal("71.5"), "systolic_mmhg": 124,
                                        "diastolic_mmhg": 78})
        actions.save_safety_history(actor=prescriber, now=now, patient=patient, answers={"psychosis_current": False})
    for patient in patients[:2]:
        actions.upload_document(actor=prescriber, now=now, patient=patient, kind="referral_letter",
                                document_date=now.date(), title="Referral letter", max_bytes=1_000_000,
                                uploaded_file=SimpleUploadedFile("letter.pdf", PDF_BYTES + patient.mrn.encode(),
                                                                 content_type="application/pdf"))
    return patients


@pytest.fixture
def second_database(transactional_db, tmp_path):
    """An empty database beside the test database: a SQLite file, or a new PostgreSQL database."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{source['NAME']}_drill"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _open(settings_dict):
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict)
    return wrapper.get_new_connection(wrapper.get_connection_params())


def _tables(cursor, vendor: str) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                   if vendor == "sqlite" else
                   "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(name for (name,) in cursor.fetchall())


def _every_row(settings_dict) -> dict[str, list[tuple]]:
    """Each table's rows in primary-key order."""
    vendor = "sqlite" if "sqlite" in settings_dict["ENGINE"] else "postgresql"
    database = _open(settings_dict)
    try:
        cursor = database.cursor()
        rows = {}
        for table in _tables(cursor, vendor):
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            rows[table] = [tuple(row) for row in cursor.fetchall()]
        return rows
    finally:
        database.close()


def _backup(tmp_path, now) -> Path:
    path = tmp_path / "clinic.tar.gz"
    archive.create_backup(settings_dict=connection.settings_dict, media_root=Path(django_settings.MEDIA_ROOT),
                          output=path, now=now)
    return path


def _rewrite_manifest(source: Path, target: Path, **changes) -> Path:
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            content = old.extractfile(member) if member.isfile() else None
            if member.name == archive.MANIFEST_NAME:
                text = json.dumps(json.load(content) | changes).encode()
                member.size, content = len(text), BytesIO(text)
            new.addfile(member, content)
    return target


@pytest.mark.slow
def test_restore_drill_brings_every_row_and_document_back(clinic_records, second_database, tmp_path, now):
    path = _backup(tmp_path, now)
    restored_media = tmp_path / "restored-documents"

    report = archive.restore_backup(archive=path, settings_dict=second_database, media_root=restored_media,
                                    force=False, now=now)

    source_rows, restored_rows = _every_row(connection.settings_dict), _every_row(second_database)
    assert {table: len(rows) for table, rows in restored_rows.items()} == {
        table: len(rows) for table, rows in source_rows.items()}
    assert [table for table in KEY_TABLES if restored_rows[table] != source_rows[table]] == []
    assert restored_rows == source_rows
    assert (len(restored_rows["patients_patient"]), len(restored_rows["patients_document"])) == (3, 2)
    assert report.documents_restored == 2
    assert report.patients_before == 0
    for document in Document.objects.all():
        assert (restored_media / document.file.name).read_bytes() == Path(document.file.path).read_bytes()


@pytest.mark.slow
def test_restore_gives_documents_of_an_older_installation_owner_only_modes(clinic_records, second_database,
                                                                          tmp_path, now):
    """Files an older installation wrote 0644 in 0755 folders come back 0600 in 0700 folders."""
    media = Path(django_settings.MEDIA_ROOT)
    for path in media.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    path = _backup(tmp_path, now)
    restored_media = tmp_path / "restored-documents"

    archive.restore_backup(archive=path, settings_dict=second_database, media_root=restored_media,
                           force=False, now=now)

    restored = sorted(restored_media.rglob("*"))
    assert sum(1 for item in restored if item.is_file()) == 2
    assert {oct(item.stat().st_mode & 0o777) for item in restored if item.is_file()} == {"0o600"}
    assert {oct(item.stat().st_mode & 0o777) for item in [restored_media, *restored] if item.is_dir()} == {"0o700"}


@pytest.mark.slow
def test_restored_database_passes_verify_audit_chain(clinic_records, second_database, tmp_path, now):
    path = _backup(tmp_path, now)
    archive.restore_backup(archive=path, settings_dict=second_database, media_root=tmp_path / "restored",
                           force=False, now=now)
    environment = os.environ | {"DATABASE_URL": _url(second_database), "DJANGO_SETTINGS_MODULE": "config.settings_test"}

    result = subprocess.run([sys.executable, "manage.py", "verify_audit_chain"], cwd=django_settings.BASE_DIR,
                            env=environment, capture_output=True, text=True, check=False)

    events = AuditEvent.objects.count()
    assert result.returncode == 0, result.stderr
    assert f"All 1 audit chains intact: {events:,} events" in result.stdout


def _file_count(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def _url(settings_dict) -> str:
    if "sqlite" in settings_dict["ENGINE"]:
        return f"sqlite:///{settings_dict['NAME']}"
    credentials = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    return f"postgres://{credentials}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"


def test_backup_command_writes_an_owner_only_archive_with_a_manifest(clinic_records, tmp_path):
    path = tmp_path / "out" / "clinic.tar.gz"
    output = StringIO()

    call_command("backup", output=path, stdout=output)

    manifest = archive.read_manifest(path)
    assert output.getvalue().splitlines()[-1] == str(path)
    assert f"Backed up the {connection.vendor} database (3 patients" in output.getvalue()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert (manifest.engine, manifest.document_count) == (connection.vendor, 2)
    assert manifest.row_counts["patients_patient"] == 3
    assert "0001_initial" in manifest.migrations["patients"]
    # The export itself is audited, after the copy was taken.
    backup_events = list(AuditEvent.objects.filter(action="exports.database_backup"))
    assert manifest.row_counts["audit_auditevent"] == AuditEvent.objects.count() - len(backup_events)
    assert {(event.actor_kind, event.data["file"], event.data["patients"]) for event in backup_events} == {
        ("system", "clinic.tar.gz", 3)}
    assert len(backup_events) == Organisation.objects.count()


def test_backup_command_names_the_file_by_engine_and_time_under_var(clinic_records, settings):
    output = StringIO()

    call_command("backup", stdout=output)

    path = Path(output.getvalue().splitlines()[-1])
    assert path.parent == settings.VAR_DIR / "backups"
    assert path.name.startswith(f"clinic-{connection.vendor}-") and path.name.endswith("Z.tar.gz")


def test_backup_never_overwrites_a_file(clinic_records, tmp_path):
    path = tmp_path / "clinic.tar.gz"
    path.write_bytes(b"an older backup")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=path, stdout=StringIO())

    assert path.read_bytes() == b"an older backup"


def _register_one_more(prescriber, now) -> None:
    actions.register_patient(actor=prescriber, now=now, site=prescriber.sites.get(), given_name="Nora",
                             family_name="Quillbury", birth_date=dt.date(1988, 2, 14), sex="female")


def test_restore_refuses_a_database_that_holds_patients_without_force(clinic_records, prescriber, tmp_path, now):
    path = _backup(tmp_path, now)
    _register_one_more(prescriber, now)

    with pytest.raises(CommandError, match=r"already holds 4 patients.*--force"):
        call_command("restore", path, stdout=StringIO())

    assert Patient.objects.count() == 4


@pytest.mark.slow
def test_restore_with_force_replaces_the_database_keeps_a_copy_and_the_chain_verifies(
        clinic_records, prescriber, tmp_path, now, settings):
    path = _backup(tmp_path, now)
    _register_one_more(prescriber, now)
    output = StringIO()

    call_command("restore", path, force=True, stdout=output)

    assert sorted(Patient.objects.values_list("given_name", flat=True)) == ["Ada", "Clara", "Vera"]
    assert "3 patients, 2 documents" in output.getvalue()
    assert "It replaced a database of 4 patients." in output.getvalue()
    saved = list((settings.VAR_DIR / "backups").glob("before-restore-clinic-*.tar.gz"))
    assert [archive.read_manifest(copy).row_counts["patients_patient"] for copy in saved] == [4]
    assert [_file_count(folder) for folder in sorted(settings.MEDIA_ROOT.parent.glob("documents*"))] == [2, 2]
    assert "Documents that were there before are kept in " in output.getvalue()
    verified = StringIO()
    call_command("verify_audit_chain", stdout=verified)
    assert "All 1 audit chains intact" in verified.getvalue()


def test_restore_refuses_a_backup_of_the_other_engine(clinic_records, tmp_path, now):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    path = _rewrite_manifest(_backup(tmp_path, now), tmp_path / "other.tar.gz", engine=other)

    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", path, force=True, stdout=StringIO())

    assert Patient.objects.count() == 3


def test_restore_refuses_a_backup_from_a_newer_version(clinic_records, tmp_path, now):
    path = _backup(tmp_path, now)
    manifest = archive.read_manifest(path)
    newer = {**manifest.migrations, "patients": [*manifest.migrations["patients"], "0099_from_the_future"]}
    path = _rewrite_manifest(path, tmp_path / "newer.tar.gz", migrations=newer)

    with pytest.raises(CommandError, match=r"newer version .*patients\.0099_from_the_future"):
        call_command("restore", path, force=True, stdout=StringIO())

    assert Patient.objects.count() == 3


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(b"not a tar file")

    with pytest.raises(CommandError, match="is not a readable clinic backup"):
        call_command("restore", path, stdout=StringIO())


def test_restore_checks_every_table_against_the_manifest(clinic_records, second_database, tmp_path, now):
    path = _backup(tmp_path, now)
    counts = archive.read_manifest(path).row_counts
    path = _rewrite_manifest(path, tmp_path / "short.tar.gz", row_counts=counts | {"patients_patient": 5})

    with pytest.raises(BackupFailed, match="patients_patient: 3 rows, the backup has 5"):
        archive.restore_backup(archive=path, settings_dict=second_database, media_root=tmp_path / "restored",
                               force=False, now=now)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's online backup beside an open writer")
def test_sqlite_backup_beside_an_open_write_copies_the_committed_rows(clinic_records, tmp_path, now):
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE patients_patient SET given_name = 'Uncommitted'")
    try:
        path = _backup(tmp_path, now)
    finally:
        writer.rollback()
        writer.close()

    with tarfile.open(path) as tar:
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(tar.extractfile("database.sqlite3").read())
    names = [name for (name,) in sqlite3.connect(copy).execute("SELECT given_name FROM patients_patient")]
    assert sorted(names) == ["Ada", "Clara", "Vera"]


# --- A restore accounts for itself in the audit trail ------------------------------------------


def _verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit_chain", *args, stdout=out)
    except CommandError as error:
        return error.returncode, f"{out.getvalue()}{error}"
    return 0, out.getvalue()


def _head(chain: str) -> dict[str, object]:
    head = AuditChainHead.objects.get(chain=chain)
    return {"seq": head.seq, "hash": head.last_hash}


@pytest.mark.slow
def test_restore_records_itself_keeps_the_old_head_as_an_anchor_and_accounts_for_the_wind_back(
        clinic_records, prescriber, tmp_path, now, settings):
    key = configured_key()
    chain = chain_for(prescriber.organisation_id)
    path = _backup(tmp_path, now)
    restored_head = _head(chain)
    _register_one_more(prescriber, now)
    verify_audit_chains.call()
    head_before = _head(chain)
    output = StringIO()

    call_command("restore", path, force=True, stdout=output)

    user = getpass.getuser()
    [safety_copy] = AuditEvent.objects.filter(action="exports.database_backup")
    [restored] = AuditEvent.objects.filter(action="backups.restored")
    assert (restored.chain, restored.seq, restored.actor_label) == (
        chain, restored_head["seq"] + 2, f"{user} (manage.py restore)")
    assert restored.data == {"file": "clinic.tar.gz", "backup_created_at": now.isoformat(), "os_user": user,
                             "patients": 3, "rows": sum(archive.read_manifest(path).row_counts.values()),
                             "head_before": head_before, "head_restored": restored_head}
    assert safety_copy.data["file"].startswith("before-restore-clinic-")
    assert (safety_copy.data["patients"], safety_copy.data["before_restore"], safety_copy.seq) == (
        4, True, restored_head["seq"] + 1)
    anchors = anchor_lines.read(settings.AUDIT_ANCHOR_FILE, key=key)
    assert [(anchor.kind, anchor.seq, anchor.hash) for anchor in anchors] == [
        ("nightly", head_before["seq"] - 1, anchors[0].hash),
        ("before_restore", head_before["seq"], head_before["hash"]),
        ("restore", restored_head["seq"], restored_head["hash"])]
    assert (anchors[2].file, anchors[2].backup_created_at) == ("clinic.tar.gz", now)
    assert f"Recorded the restore in 1 organisation audit chain; the heads before and after it are anchored in " \
           f"{settings.AUDIT_ANCHOR_FILE}." in output.getvalue()
    exit_code, out = _verify("--anchors", str(settings.AUDIT_ANCHOR_FILE))
    assert exit_code == 0, out
    assert (f"chain {chain}: 1 anchor held; 2 wound back by the restore of clinic.tar.gz at "
            f"{anchors[2].at.isoformat()}") in out


@pytest.mark.slow
def test_after_a_restore_a_tail_cut_off_later_is_still_a_break(clinic_records, prescriber, tmp_path, now, settings):
    chain = chain_for(prescriber.organisation_id)
    path = _backup(tmp_path, now)
    call_command("restore", path, force=True, stdout=StringIO())
    _register_one_more(prescriber, now)
    verify_audit_chains.call()
    kept = _head(chain)
    AuditEventFactory(actor=prescriber, now=now)
    verify_audit_chains.call()
    with tamper.triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditeventpatient WHERE event_id IN "
                       "(SELECT id FROM audit_auditevent WHERE chain = %s AND seq > %s)", [chain, kept["seq"]])
        cursor.execute("DELETE FROM audit_auditevent WHERE chain = %s AND seq > %s", [chain, kept["seq"]])
        cursor.execute("UPDATE audit_auditchainhead SET seq = %s, last_hash = %s WHERE chain = %s",
                       [kept["seq"], kept["hash"], chain])

    exit_code, out = _verify("--anchors", str(settings.AUDIT_ANCHOR_FILE))

    assert exit_code == 1
    assert f"BROKEN at seq {kept['seq'] + 1}: rows after seq {kept['seq']} were removed and the head wound back" in out


def test_restore_refuses_to_start_when_it_cannot_anchor_the_heads_it_would_replace(clinic_records, prescriber,
                                                                                    tmp_path, now, settings):
    path = _backup(tmp_path, now)
    _register_one_more(prescriber, now)
    settings.AUDIT_ANCHOR_FILE = tmp_path / "not-a-folder" / "audit-anchors.log"
    (tmp_path / "not-a-folder").write_text("a file where the folder should be")

    with pytest.raises(CommandError, match=r"Cannot write the anchor file .*Nothing was restored"):
        call_command("restore", path, force=True, stdout=StringIO())

    assert Patient.objects.count() == 4
