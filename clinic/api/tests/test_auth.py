"""Bearer tokens: no valid token, no answer but a 401 in the error shape."""

import datetime as dt

import pytest
from django.test import Client

from clinic.accounts.tokens import issue_token, revoke_token

pytestmark = pytest.mark.django_db

NOT_AUTHENTICATED = "NOT_AUTHENTICATED"


def bearer(raw_token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw_token}"})


def test_refuses_a_call_without_a_token_with_the_error_shape():
    response = Client().get("/api/v1/patients")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    error = response.json()["error"]
    assert error["code"] == NOT_AUTHENTICATED
    assert "Authorization: Bearer" in error["message"]
    assert error["details"] == []


def test_refuses_a_token_that_was_never_issued(nurse):
    response = bearer("ck_not-a-real-token").get("/api/v1/sites")

    assert (response.status_code, response.json()["error"]["code"]) == (401, NOT_AUTHENTICATED)


def test_refuses_a_session_cookie_without_a_token(client, nurse):
    client.force_login(nurse)

    response = client.get("/api/v1/sites")

    assert response.status_code == 401


def test_accepts_a_live_token_and_records_its_use(nurse, main_site, now):
    token, raw_token = issue_token(user=nurse, name="lab interface", now=now - dt.timedelta(days=1))

    response = bearer(raw_token).get("/api/v1/sites")

    assert response.status_code == 200
    assert [site["name"] for site in response.json()] == ["Main"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_stops_accepting_the_token_of_a_deactivated_staff_member(nurse, now):
    _, raw_token = issue_token(user=nurse, name="lab interface", now=now)
    nurse.is_active = False
    nurse.save(update_fields=["is_active"])

    response = bearer(raw_token).get("/api/v1/sites")

    assert (response.status_code, response.json()["error"]["code"]) == (401, NOT_AUTHENTICATED)


def test_stops_accepting_a_revoked_token(nurse, director, now):
    token, raw_token = issue_token(user=nurse, name="lab interface", now=now)
    revoke_token(token=token, actor=director, now=now)

    response = bearer(raw_token).get("/api/v1/sites")

    assert response.status_code == 401


def test_refuses_another_authorization_scheme(nurse, now):
    _, raw_token = issue_token(user=nurse, name="lab interface", now=now)

    response = Client(headers={"Authorization": f"Token {raw_token}"}).get("/api/v1/sites")

    assert response.status_code == 401
