"""Uploaded documents and the SQLite database are readable by the service's user only, whatever the
umask the service was started with."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic.patients import actions
from clinic.patients.tests.factories import PatientFactory
from config.private_files import prepare_sqlite_file

ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


@pytest.fixture
def usual_umask():
    """The umask most machines start services with, which leaves new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.django_db
def test_an_uploaded_document_and_its_folders_are_owner_only(usual_umask, settings, tmp_path, nurse, main_site,
                                                            now):
    settings.MEDIA_ROOT = tmp_path / "documents"
    patient = PatientFactory(site=main_site)

    document = actions.upload_document(
        actor=nurse, now=now, patient=patient, kind="referral_letter", document_date=now.date(), title="Referral",
        uploaded_file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter", content_type="application/pdf"),
        max_bytes=1_000_000)

    path = Path(document.file.path)
    assert [mode(path), mode(path.parent), mode(path.parent.parent), mode(settings.MEDIA_ROOT)] == [
        "0o600", "0o700", "0o700", "0o700"]


def test_the_sqlite_file_is_created_owner_only(usual_umask, tmp_path):
    database = tmp_path / "var" / "clinic.sqlite3"

    prepare_sqlite_file(str(database))

    assert (mode(database), database.stat().st_size) == ("0o600", 0)


def test_a_sqlite_file_made_readable_by_others_earlier_is_made_owner_only(usual_umask, tmp_path):
    database = tmp_path / "clinic.sqlite3"
    for path in (database, tmp_path / "clinic.sqlite3-wal", tmp_path / "clinic.sqlite3-shm"):
        path.write_bytes(b"")
        path.chmod(0o644)

    prepare_sqlite_file(str(database))

    assert [mode(path) for path in sorted(tmp_path.iterdir())] == ["0o600", "0o600", "0o600"]


@pytest.mark.parametrize("name", [":memory:", "file:memdb?mode=memory&cache=shared"])
def test_an_in_memory_database_has_no_file_to_make(usual_umask, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)

    prepare_sqlite_file(name)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_clinic_creates_its_sqlite_database_and_write_ahead_log_owner_only(tmp_path):
    """Start-up as `make serve` does it, under umask 022: the settings make the file before SQLite does."""
    database = tmp_path / "var" / "clinic.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"sqlite:///{database}",
           "VAR_DIR": str(tmp_path / "var")}
    # The write-ahead log goes when the last connection closes: read the modes while it is open.
    script = ("import os, stat; os.umask(0o022); import django; django.setup(); from django.db import connection; "
              "cursor = connection.cursor(); cursor.execute('CREATE TABLE visit (id integer)'); "
              "cursor.execute('INSERT INTO visit VALUES (1)'); "
              "folder = os.path.dirname(connection.settings_dict['NAME']); "
              "print([(name, oct(stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode))) "
              "for name in sorted(os.listdir(folder)) if name.startswith('clinic.sqlite3')])")

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str([
        ("clinic.sqlite3", "0o600"), ("clinic.sqlite3-shm", "0o600"), ("clinic.sqlite3-wal", "0o600")])
