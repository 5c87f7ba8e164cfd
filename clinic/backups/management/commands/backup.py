"""manage.py backup [--output PATH]: the database and the uploaded documents in one .tar.gz file.

Safe while the clinic runs: SQLite is copied through its online backup API, PostgreSQL dumped
with pg_dump from one snapshot. See docs/backup.md.
"""

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from clinic.backups import actions, archive
from clinic.rules.errors import DomainError


class Command(BaseCommand):
    help = "Back up the database and the uploaded documents into one .tar.gz file (safe while the clinic runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path,
                            help="File to write (default: var/backups/clinic-ENGINE-TIME.tar.gz).")

    def handle(self, *args: Any, output: Path | None = None, **options: Any) -> None:
        now = timezone.now()
        settings_dict = connections["default"].settings_dict
        started = time.monotonic()
        try:
            output = output or archive.default_output(directory=Path(settings.VAR_DIR) / "backups",
                                                      settings_dict=settings_dict, now=now)
            manifest = archive.create_backup(settings_dict=settings_dict, media_root=Path(settings.MEDIA_ROOT),
                                             output=output, now=now)
        except DomainError as error:
            raise CommandError(error.message) from error
        seconds = time.monotonic() - started
        actions.record_database_copy(now=now, action="exports.database_backup", file_name=output.name,
                                     row_counts=manifest.row_counts)
        rows = sum(manifest.row_counts.values())
        self.stdout.write(
            f"Backed up the {manifest.engine} database ({manifest.row_counts.get('patients_patient', 0)} patients, "
            f"{rows:,} rows in {len(manifest.row_counts)} tables) and {manifest.document_count} documents "
            f"({manifest.document_bytes / 1e6:.1f} MB) in {seconds:.1f} s; the file is "
            f"{output.stat().st_size / 1e6:.1f} MB. Copy it off this machine (docs/backup.md).")
        self.stdout.write(str(output))
