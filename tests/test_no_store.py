"""Every page a signed-in user gets, refusals and errors included, says Cache-Control: no-store, so no
browser or proxy keeps a copy of patient data; static files keep their caching (the API's walk is in
clinic/api/tests/test_no_store.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from clinic.accounts.tokens import issue_token
from clinic.referrals.tests.factories import ReferralFactory
from clinic.sites.models import ClosedDate
from clinic.sites.tests.factories import ChairFactory

# chart_with_records and every_record are the route walk's fixtures, asked for by name below.
from tests.test_route_audit import all_routes, chart_with_records, every_record, url_for_name  # noqa: F401

pytestmark = pytest.mark.django_db

# Signing out ends the session the header depends on; what it answers is a redirect with no data.
ENDS_THE_SESSION = {("post", "accounts:logout")}


@pytest.fixture
def every_argument(request, main_site, nurse, director, now):
    """A record for every argument a route takes, so the walk reaches each view."""
    _, arguments = request.getfixturevalue("every_record")
    token, _ = issue_token(user=director, name="walk", now=now)
    closure = ClosedDate.objects.create(site=main_site, closed_on=dt.date(2026, 12, 25))
    referral = ReferralFactory(site=main_site, created_by=nurse)
    return {**arguments, "member_id": nurse.pk, "token_id": token.pk, "chair_id": ChairFactory(site=main_site).pk,
            "closure_id": closure.pk, "uidb64": "MQ", "token": "set-password", "section": "induction", "version": 1,
            "referral_id": referral.pk}


def has_no_store(response) -> bool:
    return "no-store" in [part.strip() for part in response.headers.get("Cache-Control", "").split(",")]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", sorted(all_routes()))
def test_every_route_answers_a_signed_in_user_with_no_store(signed_in, director, every_argument, url_name, method):
    if (method, url_name) in ENDS_THE_SESSION:
        pytest.skip("signing out")
    client = signed_in(director)
    client.raise_request_exception = False
    url = url_for_name(url_name, every_argument)

    response = getattr(client, method)(url)

    assert response.status_code < 500, response.content[:300]
    assert has_no_store(response), (url, response.status_code, response.headers.get("Cache-Control"))


@pytest.mark.parametrize(("role", "url"), [
    ("front_desk", "intake"),  # 403: the role may not see it
    ("director", "missing"),   # 404
])
def test_refusals_to_a_signed_in_user_are_no_store(request, signed_in, role, url):
    patient, _ = request.getfixturevalue("chart_with_records")
    client = signed_in(request.getfixturevalue(role))
    address = reverse("patients:intake", args=[patient.pk]) if url == "intake" else "/patients/999999/"

    response = client.get(address)

    assert (response.status_code, has_no_store(response)) == ({"intake": 403, "missing": 404}[url], True)


def test_a_server_error_to_a_signed_in_user_is_no_store(signed_in, director, monkeypatch):
    from clinic.patients import queries

    def broken(*args, **kwargs):
        raise RuntimeError("broken query")

    monkeypatch.setattr(queries, "search_patients", broken)
    client = signed_in(director)
    client.raise_request_exception = False

    response = client.get(reverse("patients:list"))

    assert (response.status_code, has_no_store(response)) == (500, True)


def test_public_pages_and_static_files_keep_their_own_caching(client, db):
    sign_in = client.get(reverse("accounts:login"))
    static = client.get("/static/web/clinic.css")
    health = client.get("/healthz")

    # Django's sign-in view forbids caching itself; the rest are left as their views send them.
    assert sign_in.headers["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert static.status_code == 200
    assert not has_no_store(static)
    assert "Cache-Control" not in health.headers
