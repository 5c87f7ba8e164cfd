import time

from django.urls import reverse

from clinic.accounts.middleware import LAST_ACTIVITY_KEY
from clinic.accounts.tests.factories import PASSWORD, AuthenticatorFactory
from clinic.accounts.tests.otp import code_now
from clinic.audit.models import AuditEvent

MINUTE_S = 60


def _last_active(client, *, minutes_ago):
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - minutes_ago * MINUTE_S
    session.save()
    return session[LAST_ACTIVITY_KEY]


def test_fifteen_idle_minutes_sign_the_user_out(signed_in, nurse):
    client = signed_in(nurse)
    _last_active(client, minutes_ago=15.1)

    response = client.get(reverse("accounts:tokens"))

    assert response.url == "/login/?next=%2Faccount%2Fapi-tokens%2F&reason=idle"
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.logout")
    assert (event.actor, event.data) == (nurse, {"reason": "idle"})


def test_fourteen_idle_minutes_keep_the_login(signed_in, nurse):
    client = signed_in(nurse)
    _last_active(client, minutes_ago=14)

    response = client.get(reverse("accounts:tokens"))

    assert response.status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] > time.time() - MINUTE_S


def test_a_poll_does_not_extend_the_login(signed_in, nurse):
    client = signed_in(nurse)
    before = _last_active(client, minutes_ago=14)

    response = client.get(reverse("accounts:tokens"), headers={"X-Clinic-Poll": "1"})

    assert response.status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == before


def test_polls_alone_end_in_a_timeout(signed_in, nurse):
    client = signed_in(nurse)
    _last_active(client, minutes_ago=10)
    client.get(reverse("accounts:tokens"), headers={"X-Clinic-Poll": "1"})
    session = client.session
    session[LAST_ACTIVITY_KEY] -= 6 * MINUTE_S
    session.save()

    response = client.get(reverse("accounts:tokens"), headers={"X-Clinic-Poll": "1"})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_login_with_no_activity_yet_starts_its_clock_on_a_poll(signed_in, nurse):
    client = signed_in(nurse)

    client.get(reverse("accounts:tokens"), headers={"X-Clinic-Poll": "1"})

    assert client.session[LAST_ACTIVITY_KEY] > time.time() - MINUTE_S


def test_htmx_request_after_timeout_sends_the_whole_page_to_sign_in(signed_in, nurse):
    client = signed_in(nurse)
    _last_active(client, minutes_ago=16)

    response = client.get(reverse("accounts:tokens"), headers={
        "HX-Request": "true", "X-Clinic-Poll": "1",
        "HX-Current-URL": "http://testserver/sites/3/?tab=chairs"})

    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login/?next=%2Fsites%2F3%2F%3Ftab%3Dchairs&reason=idle"


def test_form_sent_after_timeout_returns_to_the_form_page(signed_in, director, main_site):
    client = signed_in(director)
    _last_active(client, minutes_ago=16)
    form_page = f"http://testserver/sites/{main_site.pk}/edit/"

    response = client.post(reverse("sites:edit", args=[main_site.pk]), {"name": "Typed"},
                           headers={"Referer": form_page})

    assert response.url == f"/login/?next=%2Fsites%2F{main_site.pk}%2Fedit%2F&reason=idle"
    main_site.refresh_from_db()
    assert main_site.name == "Main"


def test_another_sites_address_in_referer_is_not_followed(signed_in, nurse):
    client = signed_in(nurse)
    _last_active(client, minutes_ago=16)

    response = client.post(reverse("accounts:tokens"), {"name": "x"},
                           headers={"Referer": "https://evil.example/phish"})

    assert response.url == "/login/?next=%2F&reason=idle"


def test_signing_in_again_returns_to_the_page_the_user_was_on(signed_in, client, nurse):
    device = AuthenticatorFactory(user=nurse)
    signed_in(nurse)
    _last_active(client, minutes_ago=16)
    timed_out = client.get(reverse("accounts:tokens"))
    login_page = client.get(timed_out.url)

    password = client.post(timed_out.url, {"username": "nurse", "password": PASSWORD,
                                           "next": login_page.context["next"]})
    verified = client.post(password.url, {"code": code_now(device)})

    assert "You were signed out after a period without activity" in login_page.content.decode()
    assert verified.url == "/account/api-tokens/"
