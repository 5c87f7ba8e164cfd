import pytest

from clinic.audit.chain import AuditKey, configured_key


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    """Each test's own anchor file, so the nightly check never writes to a real one."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.log"
    return settings.AUDIT_ANCHOR_FILE


@pytest.fixture
def key() -> AuditKey:
    """The test settings' audit key."""
    return configured_key()


@pytest.fixture
def other_key() -> AuditKey:
    """Another clinic's audit key, or the one an intruder made up."""
    return AuditKey(b"another-clinics-audit-key-0123456789-abcdefghij")
