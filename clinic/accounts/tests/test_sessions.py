"""Sessions and API tokens end for good when an account is deactivated or its password reset, and a
session id changes when the second factor is verified."""

import re

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import actions
from clinic.accounts.models import ApiToken
from clinic.accounts.tests.factories import PASSWORD, AuthenticatorFactory
from clinic.accounts.tests.otp import code_now
from clinic.accounts.tokens import issue_token
from clinic.audit.models import AuditEvent

NEW_PASSWORD = "violet kettle orchard 42"


def _signed_out(response):
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def _api_status(raw_token):
    return Client(headers={"Authorization": f"Bearer {raw_token}"}).get("/api/v1/sites").status_code


def _signed_in_for_real(user, *, steps_from_now=0):
    """A browser that went through both sign-in steps (a second sign-in uses the next code: the
    authenticator accepts each code once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or AuthenticatorFactory(user=user)
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    browser.post(reverse("accounts:verify"), {"code": code_now(device, steps_from_now=steps_from_now)})
    assert browser.get(reverse("accounts:tokens")).status_code == 200
    return browser


# --- Deactivation ---------------------------------------------------------------------------------


def test_deactivate_then_reactivate_the_old_session_and_the_old_token_both_fail(signed_in, director, nurse, now):
    nurse_browser = _signed_in_for_real(nurse)
    _, raw_token = issue_token(user=nurse, name="script", now=now)
    assert _api_status(raw_token) == 200
    director_browser = signed_in(director)

    director_browser.post(reverse("accounts:staff_deactivate", args=[nurse.pk]))
    director_browser.post(reverse("accounts:staff_reactivate", args=[nurse.pk]))

    assert _signed_out(nurse_browser.get(reverse("accounts:tokens")))
    assert _signed_out(nurse_browser.get(reverse("patients:list")))
    assert _api_status(raw_token) == 401
    assert ApiToken.objects.get().revoked_at is not None
    assert _signed_in_for_real(nurse, steps_from_now=1)  # the account works again, signed in anew


def test_deactivation_event_names_the_revoked_tokens(director, nurse, now):
    first, _ = issue_token(user=nurse, name="reports", now=now)
    second, _ = issue_token(user=nurse, name="import", now=now)

    actions.deactivate_staff(member=nurse, actor=director, now=now)

    event = AuditEvent.objects.get(action="accounts.staff_deactivated")
    assert event.data == {"sessions_ended": True, "tokens_revoked": [first.prefix, second.prefix]}
    assert list(ApiToken.objects.values_list("revoked_at", flat=True)) == [now, now]


def test_a_session_epoch_of_zero_keeps_djangos_own_hash(nurse):
    # Existing sessions survive the upgrade that added the epoch.
    assert nurse.session_epoch == 0
    assert nurse.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(nurse)


# --- Password reset by the director ----------------------------------------------------------------


def test_directors_password_reset_ends_sessions_and_revokes_tokens_by_default(signed_in, director, nurse, now):
    nurse_browser = _signed_in_for_real(nurse)
    _, raw_token = issue_token(user=nurse, name="script", now=now)
    page = signed_in(director).get(reverse("accounts:staff_edit", args=[nurse.pk]))

    response = signed_in(director).post(reverse("accounts:staff_send_password_link", args=[nurse.pk]),
                                        {"revoke_tokens": "on"}, follow=True)

    assert 'name="revoke_tokens"' in page.content.decode()
    assert 'checked' in re.search(r'<input[^>]*name="revoke_tokens"[^>]*>', page.content.decode()).group(0)
    assert _signed_out(nurse_browser.get(reverse("accounts:tokens")))
    assert _api_status(raw_token) == 401
    nurse.refresh_from_db()
    assert not nurse.has_usable_password()
    assert [m.to for m in mail.outbox] == [["nurse@clinic.test"]]
    assert "every session of theirs is ended and 1 API token revoked" in response.content.decode()
    event = AuditEvent.objects.get(action="accounts.password_link_sent")
    assert (event.actor, event.data["password_cleared"], event.data["sessions_ended"],
            len(event.data["tokens_revoked"])) == (director, True, True, 1)


def test_directors_password_reset_with_the_box_unticked_keeps_the_tokens(signed_in, director, nurse, now):
    nurse_browser = _signed_in_for_real(nurse)
    _, raw_token = issue_token(user=nurse, name="script", now=now)

    signed_in(director).post(reverse("accounts:staff_send_password_link", args=[nurse.pk]), {})

    assert _signed_out(nurse_browser.get(reverse("accounts:tokens")))
    assert _api_status(raw_token) == 200
    assert AuditEvent.objects.get(action="accounts.password_link_sent").data["tokens_revoked"] == []


def test_a_director_cannot_reset_their_own_password_from_the_staff_page(signed_in, director):
    response = signed_in(director).post(reverse("accounts:staff_send_password_link", args=[director.pk]),
                                        follow=True)

    director.refresh_from_db()
    assert director.has_usable_password()
    assert "use “Forgot your password?” on the sign-in page" in response.content.decode()
    assert mail.outbox == []


# --- Password reset from the emailed link ----------------------------------------------------------


def _reset_link_form(client, user):
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://testserver(/password-reset/\S+/)", mail.outbox[-1].body).group(1)
    return client.get(link, follow=True)


def test_reset_from_the_link_offers_to_revoke_tokens_ticked_and_ends_every_session(nurse, now):
    nurse_browser = _signed_in_for_real(nurse)
    _, raw_token = issue_token(user=nurse, name="script", now=now)
    stranger_browser = Client()
    form_page = _reset_link_form(stranger_browser, nurse)

    stranger_browser.post(form_page.redirect_chain[-1][0],
                          {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "revoke_tokens": "on"})

    box = re.search(r'<input[^>]*name="revoke_tokens"[^>]*>', form_page.content.decode()).group(0)
    assert "checked" in box
    assert "Also revoke my 1 API token" in form_page.content.decode()
    assert _signed_out(nurse_browser.get(reverse("accounts:tokens")))
    assert _api_status(raw_token) == 401
    assert AuditEvent.objects.get(action="accounts.password_reset_completed").data == {"first_password": False}
    revoked = AuditEvent.objects.get(action="accounts.api_tokens_revoked")
    assert (revoked.actor, revoked.data["reason"], len(revoked.data["prefixes"])) == (nurse, "password reset", 1)


def test_reset_from_the_link_with_the_box_unticked_keeps_the_tokens_but_ends_sessions(nurse, now):
    nurse_browser = _signed_in_for_real(nurse)
    _, raw_token = issue_token(user=nurse, name="script", now=now)
    client = Client()
    form_page = _reset_link_form(client, nurse)

    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert _signed_out(nurse_browser.get(reverse("accounts:tokens")))
    assert _api_status(raw_token) == 200
    assert not AuditEvent.objects.filter(action="accounts.api_tokens_revoked").exists()


def test_reset_page_shows_no_token_box_to_someone_without_tokens(client, nurse):
    form_page = _reset_link_form(client, nurse)

    assert 'name="new_password1"' in form_page.content.decode()
    assert 'name="revoke_tokens"' not in form_page.content.decode()


# --- The session id at the second factor -----------------------------------------------------------


def test_the_session_id_changes_when_the_second_factor_is_verified(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    client.post(reverse("accounts:login"), {"username": "nurse", "password": PASSWORD})
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post(reverse("accounts:verify"), {"code": code_now(device)})

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before != after
    assert not SessionStore().exists(before)
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert _signed_out(stale.get(reverse("accounts:tokens")))
    assert client.get(reverse("accounts:tokens")).status_code == 200


def test_the_session_id_changes_when_a_first_authenticator_is_set_up(client, nurse):
    client.post(reverse("accounts:login"), {"username": "nurse", "password": PASSWORD})
    client.get(reverse("accounts:enrol"))
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    device = TOTPDevice.objects.get(user=nurse, confirmed=False)

    client.post(reverse("accounts:enrol"), {"code": code_now(device)})

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before != after
    assert not SessionStore().exists(before)
    assert client.get(reverse("accounts:tokens")).status_code == 200
