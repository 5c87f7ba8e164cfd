"""The health check hides the database's error from the caller and logs it, in one line, for the operator."""

import logging

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper


@pytest.mark.django_db
def test_a_database_failure_is_503_to_the_caller_and_one_error_line_in_the_log(client, caplog, monkeypatch):
    def refuse(self, sql, params=None):
        raise OperationalError('connection to server at "db.internal" failed:\nConnection refused')

    monkeypatch.setattr(CursorWrapper, "execute", refuse)

    with caplog.at_level(logging.ERROR):
        response = client.get("/healthz")

    assert (response.status_code, response.json()) == (503, {"status": "error", "database": "unreachable"})
    records = [record for record in caplog.records if record.name == "clinic.web.health"]
    assert [(record.levelname, record.getMessage(), record.exc_info) for record in records] == [
        ("ERROR", 'Health check failed: the database did not answer: OperationalError: connection to server at '
                  '"db.internal" failed: Connection refused', None)]


@pytest.mark.django_db
def test_a_healthy_database_logs_nothing(client, caplog):
    with caplog.at_level(logging.DEBUG, logger="clinic.web.health"):
        response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": "ok"}
    assert [record for record in caplog.records if record.name == "clinic.web.health"] == []
