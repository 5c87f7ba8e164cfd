"""manage.py restore PATH [--force]: put a backup's database and documents back (docs/backup.md).

Stop the web server and the job worker first. Refuses to overwrite a database that holds patients
unless --force; with --force the database as it was is first saved as a backup of its own.

A restore winds every audit chain back to the backup's head, so it accounts for itself: each
chain's head before it is appended to the anchor file (AUDIT_ANCHOR_FILE), then the heads it
brought back, and every organisation's chain in the restored database gets a signed
`backups.restored` event (and the safety copy's export event). `verify_audit_chain --anchors`
then tells the anchors this restore wound back from a chain cut short by someone else.
"""

import datetime as dt
import getpass
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from clinic.audit import anchors as anchor_lines
from clinic.audit import verification
from clinic.audit.chain import GENESIS_HASH, configured_key
from clinic.backups import actions, archive
from clinic.rules.errors import DomainError

# The tables a person checks first after a restore, with what their rows are.
SUMMARY_TABLES = (("patients_patient", "patients"), ("patients_document", "documents"),
                  ("audit_auditevent", "audit events"), ("accounts_staffuser", "staff accounts"))
HEAD_TABLE = "audit_auditchainhead"


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the database of DATABASE_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file (.tar.gz).")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database that already holds patients (it is backed up first).")

    def handle(self, *args: Any, path: Path, force: bool = False, **options: Any) -> None:
        now = timezone.now()
        started = time.monotonic()
        anchor_file = Path(settings.AUDIT_ANCHOR_FILE)
        settings_dict = connections["default"].settings_dict
        safety_copy = None
        try:
            manifest = archive.read_manifest(path)
            _refuse_newer_backup(manifest)
            patients = archive.check_restorable(manifest=manifest, settings_dict=settings_dict, force=force)
            heads_before = _heads()
            _anchor(anchor_file, heads_before, kind=anchor_lines.Kind.BEFORE_RESTORE, at=now, file=path.name)
            # Nothing of this process may hold the database open while it is replaced.
            connections.close_all()
            if patients:
                safety_copy = self._save_current(settings_dict, now=now)
            report = archive.restore_backup(archive=path, settings_dict=settings_dict,
                                            media_root=Path(settings.MEDIA_ROOT), force=force, now=now)
        except DomainError as error:
            raise CommandError(error.message) from error
        finally:
            connections.close_all()
        self._report(report, seconds=time.monotonic() - started, verbosity=options.get("verbosity", 1))
        self._account_for(report, archive_name=path.name, heads_before=heads_before, safety_copy=safety_copy,
                          anchor_file=anchor_file)

    def _account_for(self, report: archive.RestoreReport, *, archive_name: str,
                     heads_before: dict[str, tuple[int, str]], safety_copy: actions.SafetyCopy | None,
                     anchor_file: Path) -> None:
        """Anchor the heads the restore brought back, then note it in every organisation's chain."""
        restored_at = timezone.now()
        heads_restored = _heads()
        _anchor(anchor_file, {chain: heads_restored.get(chain, (0, GENESIS_HASH))
                              for chain in sorted(set(heads_before) | set(heads_restored))},
                kind=anchor_lines.Kind.RESTORE, at=restored_at, file=archive_name,
                backup_created_at=report.manifest.created_at)
        if self._migrate_an_older_backup():
            self.stdout.write("The backup was from an older version: it was migrated to this one.")
        chains = actions.record_restore(now=restored_at, os_user=_os_user(), backup_file=archive_name,
                                        backup_created_at=report.manifest.created_at, row_counts=report.row_counts,
                                        heads_before=heads_before, heads_restored=heads_restored,
                                        safety_copy=safety_copy)
        self.stdout.write(f"Recorded the restore in {chains} organisation audit chain{'s' if chains != 1 else ''}; "
                          f"the heads before and after it are anchored in {anchor_file}.")
        self.stdout.write(f"Check the audit trail with `manage.py verify_audit_chain --anchors {anchor_file}`, "
                          "then start the clinic.")

    def _save_current(self, settings_dict: dict[str, Any], *, now: Any) -> actions.SafetyCopy:
        output = archive.default_output(directory=Path(settings.VAR_DIR) / "backups", settings_dict=settings_dict,
                                        now=now)
        output = output.with_name("before-restore-" + output.name)
        manifest = archive.create_backup(settings_dict=settings_dict, media_root=Path(settings.MEDIA_ROOT),
                                         output=output, now=now)
        self.stdout.write(f"Saved the database as it was before this restore to {output}")
        return actions.SafetyCopy(file_name=output.name, row_counts=manifest.row_counts)

    def _migrate_an_older_backup(self) -> bool:
        """Bring a backup made by an older version up to this one, so that the restore can write its
        audit events (older audit tables lack the columns of signed rows)."""
        executor = MigrationExecutor(connections["default"])
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return False
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except DatabaseError as error:
            raise CommandError(
                f"The backup was restored, but migrating it to this version failed: {error}. Run `manage.py "
                "migrate` as the database's owner; the restore is in the anchor file but not yet in the "
                "audit trail.") from error
        return True

    def _report(self, report: archive.RestoreReport, *, seconds: float, verbosity: int) -> None:
        manifest = report.manifest
        counts = ", ".join(f"{report.row_counts.get(table, 0):,} {label}" for table, label in SUMMARY_TABLES)
        self.stdout.write(f"Restored the backup made {manifest.created_at} into {report.target} in {seconds:.1f} s: "
                          f"{counts}.")
        self.stdout.write(f"Every one of {len(manifest.row_counts)} tables has the backup's row count "
                          f"({sum(manifest.row_counts.values()):,} rows); document files restored to "
                          f"{settings.MEDIA_ROOT}: {report.documents_restored}.")
        if report.patients_before:
            self.stdout.write(f"It replaced a database of {report.patients_before} patients.")
        if report.documents_moved_to:
            self.stdout.write(f"Documents that were there before are kept in {report.documents_moved_to}.")
        if report.tables_not_in_backup:
            self.stdout.write("Tables not in the backup were left as they were: "
                              + ", ".join(report.tables_not_in_backup))
        if verbosity > 1:
            for table, rows in sorted(report.row_counts.items()):
                self.stdout.write(f"  {table:<40} {rows:>8,}")


def _heads() -> dict[str, tuple[int, str]]:
    """Each audit chain's head in the database as it is; none in a database not yet migrated."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return verification.heads() if HEAD_TABLE in tables else {}


def _anchor(path: Path, heads: dict[str, tuple[int, str]], *, kind: anchor_lines.Kind, at: dt.datetime, file: str,
            backup_created_at: str | None = None) -> None:
    key = configured_key()
    created = dt.datetime.fromisoformat(backup_created_at) if backup_created_at else None
    try:
        anchor_lines.append(path, [
            anchor_lines.line(kind=kind, chain=chain, seq=seq, hash=last_hash, at=at, key=key, file=file,
                              backup_created_at=created)
            for chain, (seq, last_hash) in sorted(heads.items())])
    except OSError as error:
        done = ("The database was restored, but its new heads are not anchored"
                if kind == anchor_lines.Kind.RESTORE else "Nothing was restored")
        raise CommandError(f"Cannot write the anchor file {path} ({error}). {done}: let this user write "
                           "it (AUDIT_ANCHOR_FILE), then run the restore again.") from error


def _os_user() -> str:
    """Who ran the restore: the system account, as the audit trail names it."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}"


def _refuse_newer_backup(manifest: archive.Manifest) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, names in manifest.migrations.items() for name in names
                     if (app, name) not in known)
    if unknown:
        raise archive.RestoreRefused(
            f"This backup was made by a newer version of the clinic software (it has migrations "
            f"{', '.join(unknown[:3])} that this version lacks). Install that version or a later one, "
            "then restore.")
