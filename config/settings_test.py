"""Test overrides only."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEMO_MODE", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("AUDIT_KEY", "test-only-audit-key-not-for-any-deployment-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("HTTPS", "false")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, VAR_DIR

# Fast hashing in tests; production keeps argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-documents"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "clinic.sms.MemoryBackend"
# Tests that write anchors point this at their own folder; the rest never touch a real one.
AUDIT_ANCHOR_FILE = Path(tempfile.gettempdir()) / f"clinic-test-audit-anchors-{os.getpid()}.log"
AXES_ENABLED = True
# One test database per process, so two test runs on one machine never share one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: live-server and multi-thread tests need every connection to see it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_clinic_{os.getpid()}"}
