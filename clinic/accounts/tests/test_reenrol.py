"""Replacing a second factor asks for a code from the current one (or a recovery code); setting up a
first one does not."""

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import actions
from clinic.accounts.tests.factories import AuthenticatorFactory
from clinic.accounts.tests.otp import code_now, wrong_code
from clinic.accounts.views import second_factor
from clinic.audit.models import AuditEvent

ENROL = reverse("accounts:enrol")


def _new_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def _finish(client, user):
    return client.post(ENROL, {"code": code_now(_new_device(user))})


def _another_browser(user, device):
    """A second browser where the user has passed the second factor with this device."""
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return browser


def test_first_set_up_asks_for_no_current_code(signed_in, nurse):
    page = signed_in(nurse).get(ENROL)

    assert "<svg" in page.content.decode()
    assert TOTPDevice.objects.filter(user=nurse, confirmed=False).count() == 1


def test_replacing_without_a_code_is_refused(signed_in, nurse):
    old = AuthenticatorFactory(user=nurse)
    client = signed_in(nurse)

    page = client.get(ENROL)
    sneaked = client.post(ENROL, {"code": "123456"})

    for response in (page, sneaked):
        assert response.templates[0].name == "accounts/reconfirm_second_factor.html"
        assert "<svg" not in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=nurse)) == [old]


def test_replacing_with_a_wrong_code_is_refused_and_counted(signed_in, nurse):
    old = AuthenticatorFactory(user=nurse)

    response = signed_in(nurse).post(ENROL, {"current_code": wrong_code(old)})

    assert "That code is not right or has expired" in response.content.decode()
    assert response.context["form"]["current_code"].value() == wrong_code(old)
    assert list(TOTPDevice.objects.filter(user=nurse)) == [old]
    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert (event.object_id, event.data["step"]) == (str(nurse.pk), "second_factor")


def test_five_wrong_codes_lock_the_account_and_sign_out(signed_in, nurse):
    old = AuthenticatorFactory(user=nurse)
    client = signed_in(nurse)

    responses = [client.post(ENROL, {"current_code": wrong_code(old)}) for _ in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "_auth_user_id" not in client.session


def test_replacing_with_a_current_authenticator_code_works(signed_in, nurse):
    old = AuthenticatorFactory(user=nurse)
    client = signed_in(nurse)

    proved = client.post(ENROL, {"current_code": code_now(old)})
    page = client.get(proved.url)
    done = _finish(client, nurse)

    assert proved.url == ENROL
    assert "<svg" in page.content.decode()
    assert len(done.context["codes"]) == actions.RECOVERY_CODE_COUNT
    assert list(TOTPDevice.objects.filter(user=nurse).exclude(pk=old.pk).values_list("confirmed", flat=True)) == [True]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor_enrolled")
    assert event.data == {"replaced_authenticator": True, "confirmed_with": "authenticator"}


def test_replacing_with_a_recovery_code_works_and_uses_the_code_up(signed_in, nurse, now):
    old = AuthenticatorFactory(user=nurse)
    codes = actions.regenerate_recovery_codes(user=nurse, now=now)
    client = signed_in(nurse)

    client.post(ENROL, {"current_code": codes[0]})
    left_after_proof = set(StaticToken.objects.filter(device__user=nurse).values_list("token", flat=True))
    reused = _another_browser(nurse, old).post(ENROL, {"current_code": codes[0]})
    client.get(ENROL)
    _finish(client, nurse)

    assert codes[0] not in left_after_proof
    assert len(left_after_proof) == actions.RECOVERY_CODE_COUNT - 1
    assert "That code is not right" in reused.content.decode()
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor_enrolled")
    assert event.data == {"replaced_authenticator": True, "confirmed_with": "recovery code"}


def test_recovery_codes_alone_are_a_second_factor_to_prove(signed_in, nurse, now):
    actions.regenerate_recovery_codes(user=nurse, now=now)

    page = signed_in(nurse).get(ENROL)

    assert page.templates[0].name == "accounts/reconfirm_second_factor.html"


def test_the_proof_lasts_ten_minutes(signed_in, nurse, monkeypatch):
    old = AuthenticatorFactory(user=nurse)
    client = signed_in(nurse)
    client.post(ENROL, {"current_code": code_now(old)})
    proved_at_s = client.session[second_factor.REENROL_PROOF_KEY]["at_s"]

    monkeypatch.setattr(second_factor.time, "time", lambda: proved_at_s + 10 * 60)
    within = client.get(ENROL)
    monkeypatch.setattr(second_factor.time, "time", lambda: proved_at_s + 10 * 60 + 1)
    after = client.get(ENROL)

    assert "<svg" in within.content.decode()
    assert after.templates[0].name == "accounts/reconfirm_second_factor.html"


def test_the_proof_belongs_to_its_session(signed_in, nurse):
    old = AuthenticatorFactory(user=nurse)
    signed_in(nurse).post(ENROL, {"current_code": code_now(old)})

    page = _another_browser(nurse, old).get(ENROL)

    assert page.templates[0].name == "accounts/reconfirm_second_factor.html"
