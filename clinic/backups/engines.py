"""The two databases the clinic runs on, as far as backup and restore need them: a consistent
snapshot with its row counts, a load that replaces everything, and counts to check a restore by.

Each class takes a Django database settings dict, so a restore drill can aim at a second database.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.utils import load_backend

from clinic.rules.errors import DomainError

PATIENT_TABLE = "patients_patient"


class BackupFailed(DomainError):
    code = "BACKUP_FAILED"


@dataclass(frozen=True)
class Snapshot:
    """What a dump holds, read from the same snapshot as the dump itself."""

    row_counts: dict[str, int]
    migrations: dict[str, list[str]]


def database_for(settings_dict: dict[str, Any]) -> "SqliteDatabase | PostgresDatabase":
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return SqliteDatabase(settings_dict)
    if engine == "django.db.backends.postgresql":
        return PostgresDatabase(settings_dict)
    raise BackupFailed(f"Backups cover SQLite and PostgreSQL, not {engine}. Set DATABASE_URL to one of them.")


class SqliteDatabase:
    vendor = "sqlite"
    dump_name = "database.sqlite3"

    def __init__(self, settings_dict: dict[str, Any]) -> None:
        name = str(settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupFailed("An in-memory database cannot be backed up or restored; use a database file.")
        self.path = Path(name)

    def __str__(self) -> str:
        return f"SQLite database {self.path}"

    def snapshot(self, *, into: Path) -> Snapshot:
        with closing(sqlite3.connect(self.path, timeout=20)) as source, closing(sqlite3.connect(into)) as copy:
            # The online backup API copies one consistent state while the clinic keeps writing.
            source.backup(copy)
            # One self-contained file in the archive, with no write-ahead log beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            return _read_snapshot(copy.cursor(), _sqlite_tables(copy))

    def load(self, dump: Path) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(self.path, timeout=20)) as target:
            # Page by page over whatever was there, in one transaction: no row is deleted, so the
            # audit triggers have nothing to refuse, and a failure leaves the old database whole.
            source.backup(target)

    def row_counts(self) -> dict[str, int]:
        if not self.path.exists():
            return {}
        with closing(sqlite3.connect(self.path, timeout=20)) as connection:
            return _row_counts(connection.cursor(), _sqlite_tables(connection))

    def patient_count(self) -> int:
        return self.row_counts().get(PATIENT_TABLE, 0)


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [name for (name,) in rows]


class PostgresDatabase:
    vendor = "postgresql"
    dump_name = "database.dump"

    def __init__(self, settings_dict: dict[str, Any]) -> None:
        self.settings = settings_dict

    def __str__(self) -> str:
        return f"PostgreSQL database {self.settings['NAME']}"

    def snapshot(self, *, into: Path) -> Snapshot:
        with closing(self._connect()) as connection, connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
            # pg_dump joins this transaction's snapshot: the dump and the counts see the same rows.
            self._run("pg_dump", "--format=custom", f"--snapshot={snapshot_id}", f"--file={into}")
            return _read_snapshot(cursor, self._tables(cursor))

    def load(self, dump: Path) -> None:
        # --clean drops each table before creating it again, and DROP fires no row triggers, so
        # the append-only audit tables are replaced whole. One transaction: all or nothing.
        self._run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--exit-on-error", str(dump))
        with closing(self._connect()) as connection:
            connection.autocommit = True
            connection.execute("ANALYZE")

    def row_counts(self) -> dict[str, int]:
        with closing(self._connect()) as connection, connection.cursor() as cursor:
            return _row_counts(cursor, self._tables(cursor))

    def patient_count(self) -> int:
        return self.row_counts().get(PATIENT_TABLE, 0)

    def _tables(self, cursor: Any) -> list[str]:
        cursor.execute("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                       "ORDER BY tablename")
        return [name for (name,) in cursor.fetchall()]

    def _connect(self) -> Any:
        wrapper = load_backend(self.settings["ENGINE"]).DatabaseWrapper(self.settings, alias="backup")
        try:
            return wrapper.get_new_connection(wrapper.get_connection_params())
        except wrapper.Database.Error as error:
            raise BackupFailed(f"Cannot open {self}: {str(error).strip()}. Check DATABASE_URL; a new "
                               "database must be created (createdb) before a restore.") from error

    def _run(self, program: str, *args: str) -> None:
        executable = shutil.which(program)
        if executable is None:
            raise BackupFailed(f"{program} is not installed. Install the PostgreSQL client tools of the "
                               "server's major version (Debian: apt-get install postgresql-client).")
        command = [executable, "--no-password", *self._target_args(), *args]
        # The password travels in the environment, never on a command line others can list.
        result = subprocess.run(command, env=self._environment(), capture_output=True, text=True,  # noqa: S603
                                check=False)
        if result.returncode != 0:
            raise BackupFailed(f"{program} failed on {self}: {result.stderr.strip()[-2000:]}")

    def _target_args(self) -> list[str]:
        args = [f"--dbname={self.settings['NAME']}"]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if self.settings.get(key):
                args.append(f"{option}={self.settings[key]}")
        return args

    def _environment(self) -> dict[str, str]:
        environment = dict(os.environ)
        if self.settings.get("PASSWORD"):
            environment["PGPASSWORD"] = str(self.settings["PASSWORD"])
        if sslmode := self.settings.get("OPTIONS", {}).get("sslmode"):
            environment["PGSSLMODE"] = str(sslmode)
        return environment


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")  # noqa: S608 - names from the catalogue
        (counts[table],) = cursor.fetchone()
    return counts


def _read_snapshot(cursor: Any, tables: list[str]) -> Snapshot:
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return Snapshot(row_counts=_row_counts(cursor, tables), migrations=migrations)
