"""A refusal by role is logged in one line naming the user, the path and the reason, never with a
traceback, and only once, for pages and API calls alike."""

import logging

import pytest
from django.urls import reverse

from clinic.accounts.tokens import issue_token
from clinic.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

REASON = "Your role may not do this. Ask the medical director if you need it."


def logged(caplog) -> list[tuple[str, str, str, object]]:
    """Every record of the request and security loggers: logger, level, message, traceback."""
    return [(record.name, record.levelname, record.getMessage(), record.exc_info) for record in caplog.records
            if record.name.startswith(("django.request", "django.security"))]


@pytest.mark.parametrize(("url_name", "role"), [
    ("patients:intake", "front_desk"),
    ("patients:history", "front_desk"),
])
def test_a_page_refused_to_a_role_logs_one_line(request, signed_in, main_site, caplog, url_name, role):
    user = request.getfixturevalue(role)
    patient = PatientFactory(site=main_site)
    url = reverse(url_name, args=[patient.pk])
    client = signed_in(user)

    with caplog.at_level(logging.INFO):
        response = client.get(url)

    assert response.status_code == 403
    assert "Your role may not open this page" in response.content.decode()
    assert logged(caplog) == [("django.security.PermissionDenied", "WARNING",
                               f"Forbidden: user {user.pk} GET {url}: {REASON}", None)]


def test_a_director_page_refused_to_a_nurse_logs_one_line(signed_in, nurse, caplog):
    url = reverse("accounts:staff_list")
    client = signed_in(nurse)

    with caplog.at_level(logging.INFO):
        response = client.get(url)

    assert response.status_code == 403
    assert logged(caplog) == [("django.security.PermissionDenied", "WARNING",
                               f"Forbidden: user {nurse.pk} GET {url}: {REASON}", None)]


def test_an_api_call_refused_to_a_role_logs_one_line(front_desk, main_site, now, caplog):
    from django.test import Client

    patient = PatientFactory(site=main_site)
    _, token = issue_token(user=front_desk, name="tests", now=now)
    url = f"/api/v1/patients/{patient.pk}/intake"

    with caplog.at_level(logging.INFO):
        response = Client(headers={"Authorization": f"Bearer {token}"}).get(url)

    assert response.status_code == 403
    assert response.json()["error"] == {"code": "FORBIDDEN", "message": REASON, "details": []}
    assert logged(caplog) == [("django.security.PermissionDenied", "WARNING",
                               f"Forbidden: user {front_desk.pk} GET {url}: {REASON}", None)]


def test_the_log_line_names_its_logger_and_level(settings):
    formatter = logging.Formatter(settings.LOGGING["formatters"]["line"]["format"])
    record = logging.LogRecord("django.security.PermissionDenied", logging.WARNING, __file__, 1,
                               "Forbidden: user %s GET %s: %s", (7, "/staff/", REASON), None)

    line = formatter.format(record)

    assert line.endswith(f" WARNING django.security.PermissionDenied Forbidden: user 7 GET /staff/: {REASON}")
    assert "\n" not in line
