import datetime as dt

from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from clinic.accounts.tests.factories import PASSWORD, AuthenticatorFactory
from clinic.accounts.tests.otp import code_now, wrong_code
from clinic.audit.models import AuditEvent

LIMIT = 5


def _sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _fail_passwords(client, username, times):
    return [_sign_in(client, username, "not the password") for _ in range(times)]


def _wait(minutes):
    """Time passing, as axes sees it: every recorded failure moves into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_fifth_failed_password_locks_the_account(client, nurse):
    responses = _fail_passwords(client, "nurse", LIMIT)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Too many failed sign-ins" in responses[-1].content.decode()
    assert "locked for 15 minutes" in responses[-1].content.decode()


def test_right_password_is_refused_during_the_lock(client, nurse):
    _fail_passwords(client, "nurse", LIMIT)

    sixth = _sign_in(client, "nurse", PASSWORD)

    assert sixth.status_code == 429
    assert "Too many failed sign-ins" in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_still_holds_after_14_minutes(client, nurse):
    _fail_passwords(client, "nurse", LIMIT)
    _wait(14)

    assert _sign_in(client, "nurse", PASSWORD).status_code == 429


def test_lock_ends_15_minutes_after_the_fifth_failure(client, nurse):
    AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT)
    _wait(15)

    response = _sign_in(client, "nurse", PASSWORD)

    assert response.url == reverse("accounts:verify")


def test_lock_is_per_account(client, nurse, prescriber):
    AuthenticatorFactory(user=prescriber)
    _fail_passwords(client, "nurse", LIMIT)

    assert _sign_in(client, "prescriber", PASSWORD).url == reverse("accounts:verify")


def test_every_failure_and_the_lock_are_audited(client, nurse):
    _fail_passwords(client, "nurse", LIMIT)
    _sign_in(client, "nurse", PASSWORD)

    failed = AuditEvent.objects.filter(action="accounts.login_failed").order_by("seq")
    assert [e.data["reason"] for e in failed] == ["password"] * LIMIT + ["locked out"]
    assert {e.actor for e in failed} == {nurse}
    locked = AuditEvent.objects.get(action="accounts.locked_out")
    assert (locked.actor, locked.data) == (nurse, {"failures": 5, "cooloff_minutes": 15})


def test_failure_for_an_unknown_name_is_audited_with_the_name_typed(client, db):
    _sign_in(client, "nobody.here", "guess")

    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert (event.actor, event.actor_label, event.actor_kind) == (None, "nobody.here", "system")


def test_failed_second_factor_codes_lock_the_account(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    _sign_in(client, "nurse", PASSWORD)

    responses = [client.post(reverse("accounts:verify"), {"code": wrong_code(device)})
                 for _ in range(LIMIT)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="accounts.locked_out").actor == nurse
    assert _sign_in(client, "nurse", PASSWORD).status_code == 429


def test_a_right_password_does_not_wipe_earlier_failures(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT - 1)
    _sign_in(client, "nurse", PASSWORD)

    response = client.post(reverse("accounts:verify"), {"code": wrong_code(device)})

    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="accounts.locked_out").count() == 1


def test_a_completed_sign_in_starts_the_count_again(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT - 1)
    _sign_in(client, "nurse", PASSWORD)
    client.post(reverse("accounts:verify"), {"code": code_now(device)})
    client.post(reverse("accounts:logout"))

    responses = _fail_passwords(client, "nurse", LIMIT - 1)

    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)
    assert not AccessAttempt.objects.filter(failures_since_start__gte=LIMIT).exists()


def test_second_step_is_refused_once_the_account_is_locked_elsewhere(client, nurse):
    AuthenticatorFactory(user=nurse)
    _sign_in(client, "nurse", PASSWORD)
    _fail_passwords(Client(), "nurse", LIMIT)

    response = client.get(reverse("accounts:verify"))

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
