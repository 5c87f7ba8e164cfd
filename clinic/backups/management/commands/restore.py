"""manage.py restore PATH [--force]: put a backup's database and documents back (docs/backup.md).

Stop the web server and the job worker first. Refuses to overwrite a database that holds patients
unless --force; with --force the database as it was is first saved as a backup of its own.
"""

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from clinic.backups import archive
from clinic.rules.errors import DomainError

# The tables a person checks first after a restore, with what their rows are.
SUMMARY_TABLES = (("patients_patient", "patients"), ("patients_document", "documents"),
                  ("audit_auditevent", "audit events"), ("accounts_staffuser", "staff accounts"))


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the database of DATABASE_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file (.tar.gz).")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database that already holds patients (it is backed up first).")

    def handle(self, *args: Any, path: Path, force: bool = False, **options: Any) -> None:
        now = timezone.now()
        started = time.monotonic()
        # Nothing of this process may hold the database open while it is replaced.
        connections.close_all()
        settings_dict = connections["default"].settings_dict
        try:
            manifest = archive.read_manifest(path)
            _refuse_newer_backup(manifest)
            if archive.check_restorable(manifest=manifest, settings_dict=settings_dict, force=force):
                self._save_current(settings_dict, now=now)
            report = archive.restore_backup(archive=path, settings_dict=settings_dict,
                                            media_root=Path(settings.MEDIA_ROOT), force=force, now=now)
        except DomainError as error:
            raise CommandError(error.message) from error
        finally:
            connections.close_all()
        self._report(report, seconds=time.monotonic() - started, verbosity=options.get("verbosity", 1))

    def _save_current(self, settings_dict: dict[str, Any], *, now: Any) -> None:
        output = archive.default_output(directory=Path(settings.VAR_DIR) / "backups", settings_dict=settings_dict,
                                        now=now)
        output = output.with_name("before-restore-" + output.name)
        archive.create_backup(settings_dict=settings_dict, media_root=Path(settings.MEDIA_ROOT), output=output,
                              now=now)
        self.stdout.write(f"Saved the database as it was before this restore to {output}")

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
        executor = MigrationExecutor(connections["default"])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("The backup is from an older version: run `manage.py migrate` before starting "
                              "the clinic.")
        self.stdout.write("Check the audit trail with `manage.py verify_audit_chain`, then start the clinic.")


def _refuse_newer_backup(manifest: archive.Manifest) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, names in manifest.migrations.items() for name in names
                     if (app, name) not in known)
    if unknown:
        raise archive.RestoreRefused(
            f"This backup was made by a newer version of the clinic software (it has migrations "
            f"{', '.join(unknown[:3])} that this version lacks). Install that version or a later one, "
            "then restore.")
