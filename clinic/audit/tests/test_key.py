"""The audit key: required outside demo mode, made once in demo mode, never stored in the database,
and named on each row by its fingerprint."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from clinic.audit import verification
from clinic.audit.chain import AuditKey
from clinic.audit.models import AuditEvent
from clinic.audit.tests.factories import AuditEventFactory

SETTINGS_VARIABLES = {"SECRET_KEY", "AUDIT_KEY", "AUDIT_KEY_FILE", "ALLOWED_HOSTS", "DEMO_MODE", "DEBUG", "HTTPS",
                      "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "VAR_DIR"}
FINGERPRINT = "from clinic.audit.chain import configured_key; print(configured_key().fingerprint)"


def _manage(tmp_path, *args: str, **environment: str) -> subprocess.CompletedProcess:
    base = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
        env=base | {"SECRET_KEY": "a-secret-only-for-this-test-0123456789-abcdefghijklmnop",
                    "ALLOWED_HOSTS": "clinic.example.org", "VAR_DIR": str(tmp_path),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.sqlite3'}"} | environment)


@pytest.mark.slow
@pytest.mark.parametrize(("environment", "says"), [
    ({}, "AUDIT_KEY is not set. Set AUDIT_KEY (or AUDIT_KEY_FILE) to a long random value"),
    ({"AUDIT_KEY": "too-short"}, "AUDIT_KEY is 9 characters long; it must be at least 32."),
])
def test_without_a_good_key_outside_demo_mode_verify_audit_chain_exits_2_saying_how_to_make_one(
        tmp_path, environment, says):
    result = _manage(tmp_path, "verify_audit_chain", DEMO_MODE="false", **environment)

    assert result.returncode == 2
    assert result.stderr.startswith(f"Refusing to start: {says}")
    assert "Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'" in result.stderr
    assert not (tmp_path / "audit_key.txt").exists()


@pytest.mark.slow
def test_the_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "audit_key"
    key_file.write_text("an-audit-key-read-from-a-file-0123456789abcdef\n")

    result = _manage(tmp_path, "shell", "--no-imports", "-c", FINGERPRINT, DEMO_MODE="false",
                     AUDIT_KEY_FILE=str(key_file))

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == AuditKey(b"an-audit-key-read-from-a-file-0123456789abcdef").fingerprint + "\n"


@pytest.mark.slow
def test_demo_mode_makes_a_key_once_owner_only_and_keeps_it(tmp_path):
    script = "from django.conf import settings; print(settings.AUDIT_KEY)"

    first, second = (_manage(tmp_path, "shell", "--no-imports", "-c", script, DEMO_MODE="true") for _ in range(2))

    stored = tmp_path / "audit_key.txt"
    assert (first.returncode, second.returncode) == (0, 0), first.stderr
    assert first.stdout == second.stdout == stored.read_text().strip() + "\n"
    assert len(first.stdout.strip()) >= 32
    assert oct(stored.stat().st_mode & 0o777) == "0o600"


def test_each_row_names_its_key_by_fingerprint_and_never_holds_the_key(nurse, now, key):
    event = AuditEventFactory(actor=nurse, now=now)

    stored = AuditEvent.objects.filter(pk=event.pk).values()[0]
    assert stored["key_id"] == key.fingerprint
    assert len(key.fingerprint) == 16
    assert all(settings.AUDIT_KEY not in str(value) for value in stored.values())


def test_a_row_verifies_only_with_the_key_that_signed_it(nurse, now, key, other_key):
    AuditEventFactory(actor=nurse, now=now)

    mine = verification.verify_chain(str(nurse.organisation_id), key=key)
    theirs = verification.verify_chain(str(nurse.organisation_id), key=other_key)

    assert (mine.intact, mine.signed_rows, mine.wrong_key) == (True, 1, False)
    assert (theirs.intact, theirs.signed_rows, theirs.wrong_key) == (False, 0, True)
    assert theirs.first_break.reason == (f"signed with another audit key (fingerprint {key.fingerprint}), not the "
                                         f"key given (fingerprint {other_key.fingerprint})")


def test_the_fingerprint_differs_between_keys_and_hides_the_key():
    one, two = AuditKey(b"x" * 32), AuditKey(b"y" * 32)

    assert one.fingerprint != two.fingerprint
    assert "x" not in repr(one)
