"""Named people and a fixed `now` for every test (style §6)."""

import datetime as dt
import os
import shutil
import zoneinfo
from collections.abc import Iterator

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CLINIC_ZONE = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=CLINIC_ZONE)


def _open_audit_guard() -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_teardown_guard (opened) VALUES (1)")


def _close_audit_guard() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_teardown_guard")


_original_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown_with_guard(self: TransactionTestCase) -> None:
    """Let the test database be emptied between transactional tests: the append-only triggers
    stand aside only here (design §4.5)."""
    _open_audit_guard()
    try:
        _original_fixture_teardown(self)
    finally:
        _close_audit_guard()


TransactionTestCase._fixture_teardown = _fixture_teardown_with_guard


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, headless: the browsers Playwright downloads itself cannot be fetched here."""
    return {
        **browser_type_launch_args,
        "headless": True,
        "executable_path": os.environ.get("CHROMIUM") or shutil.which("chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


# Playwright's sync API runs this thread's code in another context while it is started, and Django
# keeps connections per context: close them on each side of that switch, or one stays open and
# PostgreSQL refuses to drop the test database at the end of the run.
@pytest.fixture(scope="session", autouse=True)
def _close_connections_before_playwright_starts():
    connections.close_all()


@pytest.fixture(scope="session")
def playwright(playwright):
    yield playwright
    connections.close_all()


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture
def organisation(db):
    from clinic.sites.tests.factories import OrganisationFactory

    return OrganisationFactory()


@pytest.fixture
def main_site(organisation):
    from clinic.sites.tests.factories import SiteFactory

    return SiteFactory(organisation=organisation, name="Main", code="MAIN")


@pytest.fixture
def other_site(organisation):
    from clinic.sites.tests.factories import SiteFactory

    return SiteFactory(organisation=organisation, name="North", code="NORTH")


def _staff(role: str, username: str, site) -> object:
    from clinic.accounts.tests.factories import StaffUserFactory

    return StaffUserFactory(username=username, role=role, organisation=site.organisation, sites=[site])


@pytest.fixture
def director(main_site):
    return _staff("director", "director", main_site)


@pytest.fixture
def prescriber(main_site):
    return _staff("prescriber", "prescriber", main_site)


@pytest.fixture
def nurse(main_site):
    return _staff("nurse", "nurse", main_site)


@pytest.fixture
def front_desk(main_site):
    return _staff("front_desk", "frontdesk", main_site)


@pytest.fixture
def outsider(other_site):
    """A nurse of the other site: sees none of the main site's patients."""
    return _staff("nurse", "outsider", other_site)


@pytest.fixture
def signed_in(client) -> Iterator:
    """Sign a staff member in (second factor satisfied) and return the client."""

    def sign_in(user):
        from django_otp.plugins.otp_static.models import StaticDevice

        client.force_login(user)
        device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return sign_in


@pytest.fixture
def clock(monkeypatch) -> Iterator:
    """Set the instant the views, API and commands read as now: `clock(datetime)`."""
    from django.utils import timezone

    def set_now(instant: dt.datetime) -> dt.datetime:
        monkeypatch.setattr(timezone, "now", lambda: instant)
        return instant

    return set_now
