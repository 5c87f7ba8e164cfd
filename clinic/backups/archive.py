"""One backup file: a .tar.gz holding manifest.json, the database dump and the documents folder.

The manifest names the engine, when the backup was made, the migrations applied and the rows in
every table, so a restore can prove it brought every record back.
"""

import datetime as dt
import json
import os
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from clinic.backups.engines import BackupFailed, database_for
from clinic.rules.errors import DomainError

# As the settings' FILE_UPLOAD_PERMISSIONS and FILE_UPLOAD_DIRECTORY_PERMISSIONS give new uploads.
PRIVATE_FILE_MODE, PRIVATE_DIRECTORY_MODE = 0o600, 0o700

FORMAT = "clinic-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DOCUMENTS_DIR = "documents"


class RestoreRefused(DomainError):
    code = "RESTORE_REFUSED"


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    database_file: str
    migrations: dict[str, list[str]]
    row_counts: dict[str, int]
    document_count: int
    document_bytes: int
    format: str = FORMAT
    format_version: int = FORMAT_VERSION


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    target: str
    patients_before: int
    row_counts: dict[str, int]
    documents_restored: int
    documents_moved_to: Path | None
    tables_not_in_backup: list[str]


def default_output(*, directory: Path, settings_dict: dict[str, Any], now: dt.datetime) -> Path:
    vendor = database_for(settings_dict).vendor
    return directory / f"clinic-{vendor}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.tar.gz"


def create_backup(*, settings_dict: dict[str, Any], media_root: Path, output: Path, now: dt.datetime) -> Manifest:
    """Write the database and the documents into `output`, readable by its owner only."""
    if output.exists():
        raise BackupFailed(f"{output} already exists. Choose another --output; a backup never overwrites one.")
    database = database_for(settings_dict)
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    # The dump is staged beside the output, on the disk chosen for backups, not in a small /tmp.
    with tempfile.TemporaryDirectory(prefix=".clinic-backup-", dir=output.parent) as work:
        dump = Path(work) / database.dump_name
        # The database first, then the documents: every document row in the dump then has its file.
        snapshot = database.snapshot(into=dump)
        files = _document_files(media_root)
        manifest = Manifest(engine=database.vendor, created_at=now.isoformat(), database_file=database.dump_name,
                            migrations=snapshot.migrations, row_counts=snapshot.row_counts,
                            document_count=len(files), document_bytes=sum(path.stat().st_size for path in files))
        try:
            _write_archive(partial, manifest=manifest, dump=dump, media_root=media_root)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    # Renamed only when complete, so a half-written file never looks like a backup.
    partial.rename(output)
    return manifest


def _document_files(media_root: Path) -> list[Path]:
    return sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.is_dir() else []


def _write_archive(path: Path, *, manifest: Manifest, dump: Path, media_root: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
        text = json.dumps(asdict(manifest), indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mode = len(text), 0o600
        info.mtime = int(dt.datetime.fromisoformat(manifest.created_at).timestamp())
        tar.addfile(info, BytesIO(text))
        tar.add(dump, arcname=manifest.database_file)
        if media_root.is_dir():
            tar.add(media_root, arcname=DOCUMENTS_DIR)


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST_NAME)
            fields = json.loads(member.read()) if member else {}
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise RestoreRefused(f"{archive} is not a readable clinic backup ({error}). "
                             "Check the path, or copy the file again from where backups are kept.") from error
    if fields.get("format") != FORMAT or fields.get("format_version") != FORMAT_VERSION:
        raise RestoreRefused(f"{archive} is not a clinic backup of format {FORMAT_VERSION}.")
    return Manifest(**fields)


def restore_backup(*, archive: Path, settings_dict: dict[str, Any], media_root: Path, force: bool,
                   now: dt.datetime) -> RestoreReport:
    """Replace the database and the documents with the backup's, then check every table's rows."""
    manifest = read_manifest(archive)
    database = database_for(settings_dict)
    patients_before = check_restorable(manifest=manifest, settings_dict=settings_dict, force=force)
    with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory(prefix="clinic-restore-") as work:
        tar.extract(manifest.database_file, work, filter="data")
        database.load(Path(work) / manifest.database_file)
        moved_to = _move_aside(media_root, now=now)
        restored = _extract_documents(tar, media_root)
    row_counts = database.row_counts()
    _check_counts(manifest, row_counts, target=str(database))
    return RestoreReport(manifest=manifest, target=str(database), patients_before=patients_before,
                         row_counts=row_counts, documents_restored=restored, documents_moved_to=moved_to,
                         tables_not_in_backup=sorted(set(row_counts) - set(manifest.row_counts)))


def check_restorable(*, manifest: Manifest, settings_dict: dict[str, Any], force: bool) -> int:
    """Refuse a backup of the other engine, or a database holding patients without `force`;
    return how many patients the database holds."""
    database = database_for(settings_dict)
    if manifest.engine != database.vendor:
        raise RestoreRefused(f"This backup is of a {manifest.engine} database; the clinic is set to "
                             f"{database.vendor}. Set DATABASE_URL to a {manifest.engine} database to restore it.")
    patients = database.patient_count()
    if patients and not force:
        raise RestoreRefused(f"{database} already holds {patients} patients. Restore into an empty "
                             "database, or add --force to replace everything in it with the backup.")
    return patients


def _move_aside(media_root: Path, *, now: dt.datetime) -> Path | None:
    """Keep documents already there beside the restored ones, never mixed in or deleted."""
    if not _document_files(media_root):
        return None
    aside = media_root.with_name(f"{media_root.name}-before-restore-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}")
    media_root.rename(aside)
    return aside


def _extract_documents(tar: tarfile.TarFile, media_root: Path) -> int:
    prefix = DOCUMENTS_DIR + "/"
    members = [member for member in tar.getmembers() if member.name.startswith(prefix)]
    media_root.mkdir(mode=PRIVATE_DIRECTORY_MODE, parents=True, exist_ok=True)

    def into_media_root(member: tarfile.TarInfo, destination: str) -> tarfile.TarInfo | None:
        # The data filter refuses absolute paths, links out of the folder and device files. Documents
        # come back readable by the service's user only, whatever mode an older installation gave them.
        kept = tarfile.data_filter(member.replace(name=member.name.removeprefix(prefix), deep=False), destination)
        if kept is None or not (kept.isfile() or kept.isdir()):
            return kept
        return kept.replace(mode=PRIVATE_DIRECTORY_MODE if kept.isdir() else PRIVATE_FILE_MODE, deep=False)

    tar.extractall(media_root, members=members, filter=into_media_root)  # noqa: S202 - filtered above
    return sum(1 for member in members if member.isfile())


def _check_counts(manifest: Manifest, row_counts: dict[str, int], *, target: str) -> None:
    differences = [f"{table}: {row_counts.get(table, 'missing')} rows, the backup has {expected}"
                   for table, expected in manifest.row_counts.items() if row_counts.get(table) != expected]
    if differences:
        raise BackupFailed(f"The restore into {target} did not bring every row back ("
                           + "; ".join(differences[:5]) + "). Keep the backup file and restore it again.")
