"""Failed sign-ins lock an account at one address only, for longer after each further failure, and
are audited under the account they count against (clinic/accounts/lockout.py)."""

import datetime as dt
import re

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.db import OperationalError, connection
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse

from clinic.accounts import actions, lockout
from clinic.accounts.forms import LoginForm
from clinic.accounts.models import AnonymousRequestTally, StaffUser, canonical_username
from clinic.accounts.tests.factories import PASSWORD, AuthenticatorFactory, StaffUserFactory
from clinic.accounts.tests.otp import code_now, wrong_code
from clinic.audit.models import AuditEvent
from tests import race

LIMIT = 5
HOME = "10.0.0.1"       # where the account's owner signs in
STRANGER = "203.0.113.9"


def _sign_in(client, username, password, address=HOME, **headers):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=address, **headers)


def _fail_passwords(client, username, times, address=HOME):
    return [_sign_in(client, username, "not the password", address) for _ in range(times)]


def _wait(minutes):
    """Time passing, as axes sees it: every recorded failure moves into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def _reaches_second_step(response):
    return response.status_code == 302 and response.url == reverse("accounts:verify")


# --- The lock and its growing cool-off ----------------------------------------------------------


def test_fifth_failed_password_locks_the_account_at_that_address(client, nurse):
    responses = _fail_passwords(client, "nurse", LIMIT)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    page = responses[-1].content.decode()
    assert "Too many failed sign-ins" in page
    assert "locked for 15 minutes after 5 failed tries" in page
    assert "Try again in 15 minutes" in page
    assert "(30 minutes next)" in page


def test_right_password_is_refused_during_the_lock(client, nurse):
    _fail_passwords(client, "nurse", LIMIT)

    sixth = _sign_in(client, "nurse", PASSWORD)

    assert sixth.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_still_holds_after_14_minutes(client, nurse):
    _fail_passwords(client, "nurse", LIMIT)
    _wait(14)

    response = _sign_in(client, "nurse", PASSWORD)

    assert response.status_code == 429
    assert "Try again in 1 minute." in response.content.decode()


def test_lock_ends_15_minutes_after_the_fifth_failure(client, nurse):
    AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT)
    _wait(15)

    assert _reaches_second_step(_sign_in(client, "nurse", PASSWORD))


@pytest.mark.parametrize(("failures", "minutes"), [
    (1, 15), (4, 15), (5, 15), (6, 30), (7, 60), (8, 120), (9, 240), (10, 480), (11, 960),
    (12, 1440), (13, 1440), (10_000, 1440),
])
def test_cooloff_doubles_for_each_failure_after_the_limit_up_to_a_day(failures, minutes):
    cooloff = lockout.cooloff_for(failures, limit=5, base=dt.timedelta(minutes=15),
                                  longest=dt.timedelta(hours=24))

    assert cooloff == dt.timedelta(minutes=minutes)


def test_each_failure_after_a_lock_locks_again_for_twice_as_long(client, nurse):
    AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT)
    _wait(15)

    sixth = _fail_passwords(client, "nurse", 1)[0]
    _wait(29)
    still_locked = _sign_in(client, "nurse", PASSWORD)
    _wait(1)
    seventh = _fail_passwords(client, "nurse", 1)[0]
    _wait(59)
    locked_an_hour = _sign_in(client, "nurse", PASSWORD)
    _wait(1)

    assert sixth.status_code == 429
    assert "locked for 30 minutes after 5 failed tries" in sixth.content.decode()
    assert still_locked.status_code == 429
    assert seventh.status_code == 429
    assert "locked for 60 minutes" in seventh.content.decode()
    assert locked_an_hour.status_code == 429
    assert _reaches_second_step(_sign_in(client, "nurse", PASSWORD))


def test_a_stranger_lengthens_only_their_own_lock(client, nurse):
    AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT, address=STRANGER)
    for _ in range(6):  # each time the wait ends, one more guess: 30, 60, ... 960 minutes
        _wait(24 * 60)
        _fail_passwords(client, "nurse", 1, address=STRANGER)

    [state] = lockout.pair_states(usernames=["nurse"], now=AccessAttempt.objects.get().attempt_time)[
        "nurse"]
    assert (state.address, state.failures, state.cooloff) == (STRANGER, 11, dt.timedelta(hours=16))
    assert _reaches_second_step(_sign_in(client, "nurse", PASSWORD, address=HOME))


def test_a_count_below_the_limit_is_remembered_for_a_day(client, nurse):
    _fail_passwords(client, "nurse", LIMIT - 1)
    _wait(24 * 60 - 1)

    fifth = _fail_passwords(client, "nurse", 1)[0]

    assert fifth.status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == LIMIT


def test_a_count_below_the_limit_is_forgotten_a_day_after_its_last_failure(client, nurse):
    _fail_passwords(client, "nurse", LIMIT - 1)
    _wait(24 * 60)

    responses = _fail_passwords(client, "nurse", LIMIT - 1)

    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)
    assert AccessAttempt.objects.get().failures_since_start == LIMIT - 1


def test_capitals_and_look_alike_forms_count_as_one_account(client, nurse):
    for typed in ["Nurse", "NURSE", "ｎｕｒｓｅ", "nurse\u200b"]:
        _sign_in(client, typed, "not the password")

    fifth = _sign_in(client, "nurse", "not the password")

    assert fifth.status_code == 429
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("nurse", 5)]


# --- Paced guessing: the figures of lockout.py's docstring -----------------------------------------


@pytest.fixture
def guesses(monkeypatch, sign_in_clock, nurse):
    """The minutes from the start at which a password typed for the nurse was checked."""
    start = sign_in_clock.now
    checked = []
    check_password = StaffUser.check_password

    def checking(user, raw_password):
        checked.append(round((sign_in_clock.now - start).total_seconds() / 60))
        return check_password(user, raw_password)

    monkeypatch.setattr(StaffUser, "check_password", checking)
    return checked


def _guess_as_let(client, sign_in_clock, tries):
    """Wrong passwords at the nurse's account from one address, each as soon as the lockout page
    the one before got says to try again."""
    wait = 0
    for _ in range(tries):
        sign_in_clock.advance(minutes=wait)
        response = _sign_in(client, "nurse", "not the password", STRANGER)
        wait = int(re.search(r"Try again in (\d+) minute", response.content.decode())[1]) \
            if response.status_code == 429 else 0


FIRST_TEN = [0] * LIMIT + [15, 45, 105, 225, 465]  # minutes: the tenth try at 7 h 45 min


@pytest.mark.slow
def test_guessing_as_fast_as_let_gets_12_tries_in_32_hours_then_one_a_day(client, sign_in_clock, guesses):
    _guess_as_let(client, sign_in_clock, 15)

    assert guesses == [*FIRST_TEN, 945, 1905, 3345, 4785, 6225]
    assert len([minute for minute in guesses if minute < 32 * 60]) == 12
    assert [minute - 1905 for minute in guesses[11:]] == [0, 1440, 2880, 4320]


@pytest.mark.slow
def test_four_guesses_every_15_minutes_still_lock_and_get_9_tries_in_6_hours(client, sign_in_clock, guesses):
    statuses = []
    for _ in range(6 * 4):
        statuses += [_sign_in(client, "nurse", "not the password", STRANGER).status_code for _ in range(4)]
        sign_in_clock.advance(minutes=15)

    assert guesses == [0, 0, 0, 0, 15, 30, 60, 120, 240]
    assert (statuses.count(200), statuses.count(429)) == (4, 92)


def test_four_tries_and_a_days_pause_make_four_a_day(client, sign_in_clock, guesses):
    statuses = []
    for _ in range(3):
        statuses += [_sign_in(client, "nurse", "not the password", STRANGER).status_code for _ in range(4)]
        sign_in_clock.advance(days=1)

    assert guesses == [0] * 4 + [1440] * 4 + [2880] * 4
    assert statuses == [200] * 12


def test_ten_tries_and_a_two_days_pause_make_ten_every_55_hours_45_minutes(client, sign_in_clock, guesses):
    _guess_as_let(client, sign_in_clock, 10)
    sign_in_clock.advance(days=2, minutes=-1)
    a_minute_before = lockout.pair_state(username="nurse", address=STRANGER, now=sign_in_clock.now)
    sign_in_clock.advance(minutes=1)

    _guess_as_let(client, sign_in_clock, 10)

    assert a_minute_before.failures == 10
    assert guesses == FIRST_TEN + [minute + 55 * 60 + 45 for minute in FIRST_TEN]


def test_lock_is_per_account(client, nurse, prescriber):
    AuthenticatorFactory(user=prescriber)
    _fail_passwords(client, "nurse", LIMIT)

    assert _reaches_second_step(_sign_in(client, "prescriber", PASSWORD))


@pytest.mark.slow
def test_a_thousand_wrong_passwords_from_other_addresses_do_not_stop_the_director(
        client, director, signed_in, main_site):
    AuthenticatorFactory(user=director)
    deputy = StaffUserFactory(username="deputy", role="director", organisation=main_site.organisation,
                              sites=[main_site])

    strangers = [f"198.51.{n // 250}.{n % 250 + 1}" for n in range(200)]
    refused = [r.status_code for address in strangers
               for r in _fail_passwords(client, "director", LIMIT, address=address)]
    from_home = _sign_in(Client(), "director", PASSWORD, address=HOME)
    _fail_passwords(client, "director", LIMIT, address=HOME)
    locked_at_home = _sign_in(Client(), "director", PASSWORD, address=HOME)
    listed = signed_in(deputy).get(reverse("accounts:staff_list"))
    signed_in(deputy).post(reverse("accounts:staff_unlock", args=[director.pk]))
    after_unlock = _sign_in(Client(), "director", PASSWORD, address=HOME)

    assert len(refused) == 1000
    assert (refused.count(200), refused.count(429)) == (800, 200)
    assert _reaches_second_step(from_home)
    assert locked_at_home.status_code == 429
    row = next(m for m in listed.context["staff"] if m.username == "director")
    assert (row.locked_addresses, row.failing_addresses) == (201, 201)
    assert _reaches_second_step(after_unlock)
    assert not AccessAttempt.objects.filter(username="director").exists()
    assert AuditEvent.objects.get(action="accounts.sign_in_unlocked").data == {
        "locked_addresses": 201, "failing_addresses": 201, "failures": 1005,
        "addresses": [HOME, *strangers[::-1][:19]]}


# --- The client's address ------------------------------------------------------------------------


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_a_trusted_proxy_the_lock_is_on_the_clients_address_not_the_proxys(client, director):
    AuthenticatorFactory(user=director)
    proxy = "10.9.9.9"
    for _ in range(LIMIT):
        _sign_in(client, "director", "not the password", address=proxy,
                 HTTP_X_FORWARDED_FOR=f"1.2.3.4, {STRANGER}")

    from_home = _sign_in(Client(), "director", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=HOME)

    assert _reaches_second_step(from_home)
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [(STRANGER, 5)]


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_escape_the_lock(client, director):
    forged = [_sign_in(client, "director", "not the password", address=STRANGER,
                       HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(LIMIT)]

    assert [r.status_code for r in forged] == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [STRANGER]


@pytest.mark.parametrize(("address", "counted"), [
    ("203.0.113.9", "203.0.113.9"),
    ("::ffff:203.0.113.9", "203.0.113.9"),
    ("2001:db8:0:7:1234:5678:9abc:def0", "2001:db8:0:7::"),
    ("2001:DB8:0:7::1", "2001:db8:0:7::"),
    ("2001:db8::", "2001:db8::"),
    ("fe80::1%eth0", "fe80::"),
    ("not an address", "not an address"),
    (None, None),
])
def test_an_ipv6_client_counts_by_its_64_and_an_ipv4_one_as_itself(address, counted):
    assert lockout.counted_address(address) == counted


@pytest.mark.parametrize(("counted", "shown"), [
    ("2001:db8:0:7::", "2001:db8:0:7::/64"), ("203.0.113.9", "203.0.113.9"), ("odd:value", "odd:value"),
    (None, None),
])
def test_a_counted_ipv6_client_is_shown_as_its_network(counted, shown):
    assert lockout.shown_address(counted) == shown


def test_forty_addresses_in_one_ipv6_64_count_as_one_client(client, nurse, signed_in, director):
    AuthenticatorFactory(user=nurse)
    addresses = [f"2001:db8:0:7::{n + 1:x}" for n in range(40)]

    statuses = [_sign_in(client, "nurse", "not the password", address).status_code for address in addresses]
    next_network = _sign_in(Client(), "nurse", PASSWORD, address="2001:db8:0:8::1")
    page = signed_in(director).get(reverse("accounts:staff_edit", args=[nurse.pk])).content.decode()

    assert statuses == [200] * (LIMIT - 1) + [429] * (40 - LIMIT + 1)
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [("2001:db8:0:7::", 5)]
    assert _reaches_second_step(next_network)
    assert re.search(r"<td>2001:db8:0:7::/64</td><td>5</td>.*?Locked until", page, re.S)
    # The audit trail keeps each client's own address.
    assert list(AuditEvent.objects.order_by("seq").values_list("ip", flat=True)) == addresses[:LIMIT]


def test_an_ipv4_address_written_as_ipv6_is_the_same_client(client, nurse):
    statuses = [_sign_in(client, "nurse", "not the password", address).status_code
                for address in [STRANGER, f"::ffff:{STRANGER}"] * 3]

    assert statuses == [200] * (LIMIT - 1) + [429] * 2
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [STRANGER]


# --- Both steps, and clearing -------------------------------------------------------------------


def test_failed_second_factor_codes_lock_the_account(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    _sign_in(client, "nurse", PASSWORD)

    responses = [client.post(reverse("accounts:verify"), {"code": wrong_code(device)}, REMOTE_ADDR=HOME)
                 for _ in range(LIMIT)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.locked_out")
    assert (event.object_id, event.data["step"], event.ip) == (str(nurse.pk), "second_factor", HOME)
    assert _sign_in(client, "nurse", PASSWORD).status_code == 429


def test_a_right_password_does_not_wipe_earlier_failures(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT - 1)
    _sign_in(client, "nurse", PASSWORD)

    response = client.post(reverse("accounts:verify"), {"code": wrong_code(device)}, REMOTE_ADDR=HOME)

    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="accounts.locked_out").count() == 1


def test_a_completed_sign_in_starts_the_count_again_at_that_address_only(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT, address=STRANGER)
    _fail_passwords(client, "nurse", LIMIT - 1)
    _sign_in(client, "nurse", PASSWORD)
    client.post(reverse("accounts:verify"), {"code": code_now(device)}, REMOTE_ADDR=HOME)
    client.post(reverse("accounts:logout"), REMOTE_ADDR=HOME)

    responses = _fail_passwords(client, "nurse", LIMIT - 1)

    assert [r.status_code for r in responses] == [200] * (LIMIT - 1)
    assert _sign_in(Client(), "nurse", PASSWORD, address=STRANGER).status_code == 429


def test_second_step_is_refused_once_the_account_is_locked_at_this_address(client, nurse):
    AuthenticatorFactory(user=nurse)
    _sign_in(client, "nurse", PASSWORD)
    _fail_passwords(Client(), "nurse", LIMIT)

    response = client.get(reverse("accounts:verify"), REMOTE_ADDR=HOME)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_second_step_goes_on_when_the_lock_is_at_another_address(client, nurse):
    device = AuthenticatorFactory(user=nurse)
    _sign_in(client, "nurse", PASSWORD)
    _fail_passwords(Client(), "nurse", LIMIT, address=STRANGER)

    response = client.post(reverse("accounts:verify"), {"code": code_now(device)}, REMOTE_ADDR=HOME)

    assert response.url == reverse("patients:list")


# --- The audit trail ------------------------------------------------------------------------------


def test_each_failure_is_audited_under_the_account_with_its_address_and_step(client, nurse):
    _fail_passwords(client, "Nurse", LIMIT, address=STRANGER)
    _sign_in(client, "nurse", PASSWORD, address=STRANGER)  # refused during the lock

    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in events] == ["accounts.login_failed"] * (LIMIT - 1) + ["accounts.locked_out"]
    assert {(e.object_type, e.object_id, e.ip, e.actor_label, e.actor_id) for e in events} == {
        ("accounts.StaffUser", str(nurse.pk), STRANGER, "nurse", None)}
    assert [e.data["failures_from_address"] for e in events] == [1, 2, 3, 4, 5]
    assert events[0].data == {"step": "password", "username_typed": "Nurse", "failures_from_address": 1}
    assert events[-1].data["cooloff_minutes"] == 15
    assert {e.chain for e in events} == {str(nurse.organisation_id)}


def test_failure_for_an_unknown_name_is_audited_with_the_name_typed(client, db):
    _sign_in(client, "Nobody.Here", "guess", address=STRANGER)

    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert (event.actor, event.actor_label, event.actor_kind, event.object_id, event.ip) == (
        None, "nobody.here", "system", "", STRANGER)
    assert event.data["username_typed"] == "Nobody.Here"


def test_a_form_sent_without_a_password_counts_and_audits_nothing(client, nurse):
    client.post(reverse("accounts:login"), {"username": "nurse", "password": ""}, REMOTE_ADDR=HOME)

    assert not AccessAttempt.objects.exists()
    assert not AuditEvent.objects.exists()


def _flood(client, *, addresses, first=1):
    for n in range(first, first + addresses):
        _sign_in(client, "director", "not the password", address=f"198.51.100.{n}")


@pytest.mark.slow
def test_a_flood_from_many_addresses_is_audited_up_to_the_hours_cap_then_once(client, director, sign_in_clock):
    _flood(client, addresses=60)

    actions_written = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions_written == ["accounts.login_failed"] * actions.AUDITED_FAILURES + [
        "accounts.login_failures_unaudited"]
    last = AuditEvent.objects.get(action="accounts.login_failures_unaudited")
    assert (last.data["account_failures"], last.data["audited_up_to"], last.data["counted_only_until"]) == (
        21, 20, "2026-11-24T15:00:00+00:00")


@pytest.mark.slow
def test_the_cap_on_wrong_passwords_lasts_to_the_end_of_the_clock_hour(client, director, sign_in_clock):
    _flood(client, addresses=21)  # at 14:30 UTC
    sign_in_clock.advance(minutes=16)
    _flood(client, addresses=21, first=22)
    written_by_14_59 = AuditEvent.objects.count()
    sign_in_clock.advance(minutes=14)

    _sign_in(client, "director", "not the password", address="198.51.100.43")  # 15:00

    assert written_by_14_59 == actions.AUDITED_FAILURES + 1
    latest = AuditEvent.objects.latest("seq")
    assert (latest.action, latest.ip, latest.occurred_at) == (
        "accounts.login_failed", "198.51.100.43", dt.datetime(2026, 11, 24, 15, tzinfo=dt.UTC))


def _unlocked_account_row(*, username, hour_start):
    row, _ = AnonymousRequestTally.objects.get_or_create(
        address="", hour_start=hour_start, action=actions.WRONG_PASSWORDS_AT_ACCOUNT, key=username)
    return row


@pytest.mark.slow
@race.VARIANTS
def test_wrong_passwords_arriving_together_take_the_accounts_last_place_once(
        transactional_db, monkeypatch, nurse, now, locked):
    def wrong_password(address):
        return actions.record_login_failed(typed_username="nurse", address=address,
                                           step=actions.SignInStep.PASSWORD, failures=1, locked=False, now=now)

    for n in range(actions.AUDITED_FAILURES - 1):
        wrong_password(f"198.51.100.{n + 1}")
    writers = race.writers()
    gate = race.Gate(writers)
    if locked:
        race.meet_at_lock(monkeypatch, actions, "_locked_account_row", gate)
    else:
        race.drop_lock(monkeypatch, actions, "_locked_account_row", _unlocked_account_row)
        race.meet_after(monkeypatch, actions, "_locked_account_row", gate)
    addresses = iter(f"192.0.2.{n + 1}" for n in range(writers))

    results, errors = race.run(lambda: wrong_password(next(addresses)), writers=writers)

    written = sorted(AuditEvent.objects.values_list("action", flat=True))
    if locked:
        assert errors == []
        assert sorted(event.action for event in results if event) == [
            "accounts.login_failed", "accounts.login_failures_unaudited"]
        assert written == ["accounts.login_failed"] * actions.AUDITED_FAILURES + [
            "accounts.login_failures_unaudited"]
    elif connection.vendor == "postgresql":
        # Every writer read the same count, so every one wrote, and the cap said nothing.
        assert (errors, written) == ([], ["accounts.login_failed"] * (actions.AUDITED_FAILURES - 1 + writers))
    else:
        assert {type(error) for error in errors} == {OperationalError}


@pytest.mark.slow
def test_the_lock_of_an_account_is_audited_whatever_flood_came_before(client, nurse, sign_in_clock):
    for n in range(actions.AUDITED_FAILURES + 1):
        _sign_in(client, "nurse", "not the password", address=f"198.51.100.{n + 1}")
    written = AuditEvent.objects.count()

    responses = _fail_passwords(client, "nurse", LIMIT, address="192.0.2.77")

    assert [r.status_code for r in responses] == [200] * (LIMIT - 1) + [429]
    [lock] = AuditEvent.objects.order_by("id")[written:]
    assert (lock.action, lock.ip, lock.object_id, lock.data["failures_from_address"]) == (
        "accounts.locked_out", "192.0.2.77", str(nurse.pk), LIMIT)


def test_a_name_that_folds_beyond_150_characters_gets_the_wrong_password_answer(client, db):
    typed = "\ufdfa" * 150  # each folds to 18 characters

    responses = _fail_passwords(client, typed, LIMIT, address=STRANGER)

    assert responses[0].status_code == 200
    assert responses[0].context["form"].non_field_errors() == [LoginForm.error_messages["invalid_login"]]
    assert responses[-1].status_code == 429
    [attempt] = AccessAttempt.objects.all()
    assert (attempt.username, attempt.failures_since_start) == (canonical_username(typed)[:150], LIMIT)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in events] == ["accounts.login_failed", "accounts.locked_out"]
    assert {(e.actor_label, e.data["username_typed"]) for e in events} == {(attempt.username, typed)}


@pytest.mark.slow
def test_a_flood_from_one_address_across_usernames_is_audited_up_to_the_hourly_limit_then_once(
        client, db, one_instant):
    for n in range(60):
        _sign_in(client, f"guess{n}", "not the password", address=STRANGER)

    assert AuditEvent.objects.filter(action="accounts.login_failed").count() == 20
    last = AuditEvent.objects.get(action="accounts.anonymous_requests_unaudited")
    assert (last.data["requests_this_hour"], last.data["username_typed"], last.ip) == (21, "guess20", STRANGER)
    assert AuditEvent.objects.count() == 21


# --- The staff page ---------------------------------------------------------------------------------


def test_axes_reads_the_cooloff_the_pair_has_earned(client, rf, nurse):
    _fail_passwords(client, "nurse", LIMIT)
    _wait(15)
    _fail_passwords(client, "nurse", 1)
    request = rf.post(reverse("accounts:login"), {"username": "Nurse"}, REMOTE_ADDR=HOME)
    AxesProxyHandler.update_request(request)

    assert get_cool_off(request) == dt.timedelta(minutes=30)


def test_staff_page_shows_the_locked_addresses_and_their_counts(client, signed_in, director, nurse):
    _fail_passwords(client, "nurse", LIMIT, address=STRANGER)
    _fail_passwords(client, "nurse", 2, address=HOME)

    page = signed_in(director).get(reverse("accounts:staff_edit", args=[nurse.pk])).content.decode()

    assert "Locked at 1 address" in page
    assert "2 addresses with failed sign-ins to this account, 1 of them locked out" in page
    assert re.search(rf"<td>{re.escape(STRANGER)}</td><td>5</td>.*?Locked until", page, re.S)
    assert re.search(rf"<td>{re.escape(HOME)}</td><td>2</td>.*?Not locked", page, re.S)
    assert reverse("accounts:staff_unlock", args=[nurse.pk]) in page


def test_unlock_lifts_every_lock_and_is_audited(client, signed_in, director, nurse):
    AuthenticatorFactory(user=nurse)
    _fail_passwords(client, "nurse", LIMIT, address=STRANGER)
    _fail_passwords(client, "nurse", LIMIT, address=HOME)

    response = signed_in(director).post(reverse("accounts:staff_unlock", args=[nurse.pk]), follow=True)

    assert "can sign in again from every address (locks at 2 addresses lifted)" in response.content.decode()
    assert _reaches_second_step(_sign_in(Client(), "nurse", PASSWORD, address=HOME))
    event = AuditEvent.objects.get(action="accounts.sign_in_unlocked")
    assert (event.actor, event.object_id, event.data) == (director, str(nurse.pk), {
        "locked_addresses": 2, "failing_addresses": 2, "failures": 10, "addresses": [HOME, STRANGER]})


def test_unlock_with_nothing_locked_writes_nothing(signed_in, director, nurse):
    signed_in(director).post(reverse("accounts:staff_unlock", args=[nurse.pk]))

    assert not AuditEvent.objects.filter(action="accounts.sign_in_unlocked").exists()


def test_only_the_director_may_unlock_and_only_their_own_staff(signed_in, nurse, director, client):
    stranger_staff = StaffUserFactory(username="elsewhere")
    _fail_passwords(client, "director", LIMIT, address=STRANGER)

    as_nurse = signed_in(nurse).post(reverse("accounts:staff_unlock", args=[director.pk]))
    other_org = signed_in(director).post(reverse("accounts:staff_unlock", args=[stranger_staff.pk]))

    assert (as_nurse.status_code, other_org.status_code) == (403, 404)
    assert AccessAttempt.objects.get().failures_since_start == LIMIT
