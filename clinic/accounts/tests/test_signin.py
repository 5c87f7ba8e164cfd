from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.actions import RECOVERY_CODE_COUNT, regenerate_recovery_codes
from clinic.accounts.tests.factories import PASSWORD, AuthenticatorFactory
from clinic.accounts.tests.otp import code_now, wrong_code
from clinic.audit.models import AuditEvent


def _password_step(client, user, next_url=""):
    return client.post(reverse("accounts:login"),
                       {"username": user.username, "password": PASSWORD, "next": next_url})


def test_full_sign_in_with_password_then_authenticator_code(client, nurse):
    device = AuthenticatorFactory(user=nurse)

    first = _password_step(client, nurse, next_url="/account/api-tokens/")
    second = client.post(first.url, {"code": code_now(device)})

    assert first.url == "/login/verify/?next=%2Faccount%2Fapi-tokens%2F"
    assert second.url == "/account/api-tokens/"
    assert client.get(reverse("accounts:tokens")).context["user"] == nurse
    event = AuditEvent.objects.get(action="accounts.login")
    assert (event.actor, event.data) == (nurse, {"second_factor": "authenticator"})


def test_password_alone_reaches_nothing_but_the_second_step(client, nurse):
    AuthenticatorFactory(user=nurse)
    _password_step(client, nurse)

    response = client.get(reverse("accounts:tokens"))

    assert response.url == "/login/verify/?next=%2Faccount%2Fapi-tokens%2F"
    assert not AuditEvent.objects.filter(action="accounts.login").exists()


def test_wrong_code_is_refused_and_audited(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    _password_step(client, nurse)

    response = client.post(reverse("accounts:verify"), {"code": wrong_code(device)})

    assert "That code is not right or has expired" in response.content.decode()
    assert response.context["form"]["code"].value() == wrong_code(device)
    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert (event.object_id, event.ip, event.data) == (
        str(nurse.pk), "127.0.0.1",
        {"step": "second_factor", "username_typed": "nurse", "failures_from_address": 1})


def test_recovery_code_signs_in_once(client, nurse, now):
    AuthenticatorFactory(user=nurse)
    codes = regenerate_recovery_codes(user=nurse, now=now)
    _password_step(client, nurse)

    accepted = client.post(reverse("accounts:verify"), {"code": codes[0].upper()})
    client.post(reverse("accounts:logout"))
    _password_step(client, nurse)
    reused = client.post(reverse("accounts:verify"), {"code": codes[0]})

    assert accepted.url == reverse("patients:list")
    assert reused.status_code == 200
    assert StaticToken.objects.filter(device__user=nurse).count() == RECOVERY_CODE_COUNT - 1
    assert AuditEvent.objects.get(action="accounts.login").data == {"second_factor": "recovery code"}


def test_first_sign_in_sets_up_the_authenticator_and_shows_recovery_codes(client, nurse):
    first = _password_step(client, nurse, next_url="/account/api-tokens/")
    page = client.get(first.url)
    device = TOTPDevice.objects.get(user=nurse, confirmed=False)

    done = client.post(first.url, {"code": code_now(device), "next": "/account/api-tokens/"})

    assert first.url == "/account/second-factor/set-up/?next=%2Faccount%2Fapi-tokens%2F"
    assert "<svg" in page.content.decode()
    assert len(done.context["codes"]) == RECOVERY_CODE_COUNT
    assert done.context["next"] == "/account/api-tokens/"
    assert TOTPDevice.objects.get(user=nurse).confirmed
    assert [e.action for e in AuditEvent.objects.order_by("seq")] == [
        "accounts.second_factor_enrolled", "accounts.login"]


def test_someone_with_an_authenticator_must_pass_it_before_replacing_it(client, nurse):
    AuthenticatorFactory(user=nurse)
    _password_step(client, nurse)

    response = client.get(reverse("accounts:enrol"))

    assert response.url.startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=nurse).count() == 1


@override_settings(REQUIRE_SECOND_FACTOR=False)
def test_demo_mode_signs_in_with_the_password_alone(client, nurse):
    response = _password_step(client, nurse)

    assert response.url == reverse("patients:list")
    assert AuditEvent.objects.get(action="accounts.login").data == {"second_factor": "not required"}


def test_sign_out_ends_the_login_and_is_audited(signed_in, nurse):
    client = signed_in(nurse)

    client.post(reverse("accounts:logout"))

    assert client.get(reverse("accounts:tokens")).url.startswith(reverse("accounts:login"))
    assert AuditEvent.objects.get(action="accounts.logout").data == {"reason": "signed out"}


def test_second_factor_page_counts_the_recovery_codes_left(signed_in, nurse, now):
    AuthenticatorFactory(user=nurse)
    codes = regenerate_recovery_codes(user=nurse, now=now)
    StaticToken.objects.filter(token__in=codes[:8]).delete()

    response = signed_in(nurse).get(reverse("accounts:second_factor"))

    assert response.context["status"].recovery_codes_left == 2
    assert "Running low" in response.content.decode()


def test_new_recovery_codes_replace_the_old_ones_after_an_authenticator_code(signed_in, nurse, now):
    device = AuthenticatorFactory(user=nurse)
    old_codes = regenerate_recovery_codes(user=nurse, now=now)

    made = signed_in(nurse).post(reverse("accounts:second_factor"), {"code": code_now(device)})

    new_codes = made.context["codes"]
    assert len(new_codes) == RECOVERY_CODE_COUNT
    assert set(StaticToken.objects.filter(device__user=nurse).values_list("token", flat=True)) == set(new_codes)
    assert not set(old_codes) & set(new_codes)
    assert "no-store" in made.headers["Cache-Control"]
    assert AuditEvent.objects.filter(action="accounts.recovery_codes_replaced").count() == 2


def test_new_recovery_codes_are_refused_without_a_right_code(signed_in, nurse, now):
    device = AuthenticatorFactory(user=nurse)
    old_codes = regenerate_recovery_codes(user=nurse, now=now)

    refused = signed_in(nurse).post(reverse("accounts:second_factor"), {"code": wrong_code(device)})

    assert "That code is not right" in refused.content.decode()
    assert set(StaticToken.objects.filter(device__user=nurse).values_list("token", flat=True)) == set(old_codes)


def test_signed_in_fixture_device_is_not_counted_as_codes(signed_in, nurse):
    response = signed_in(nurse).get(reverse("accounts:second_factor"))

    assert StaticDevice.objects.filter(user=nurse).count() == 1
    assert response.context["status"].recovery_codes_left == 0
    assert response.context["status"].authenticator is None
