"""Requests from people not signed in write a limited, de-duplicated number of audit events per
client address and hour, and those that write nothing never take a chain's lock
(clinic/accounts/anonymous.py)."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.accounts import actions, anonymous
from clinic.accounts.models import AnonymousRequestTally
from clinic.accounts.tests.factories import PASSWORD, AuthenticatorFactory, StaffUserFactory
from clinic.accounts.tests.otp import code_now, wrong_code
from clinic.audit.chain import GLOBAL_CHAIN
from clinic.audit.models import AuditEvent
from tests import race

LIMIT = 20  # ANONYMOUS_AUDIT_EVENTS_PER_HOUR's default
FLOOD = "203.0.113.9"
OTHER = "198.51.100.7"
HOME = "10.0.0.1"
UNAUDITED = "accounts.anonymous_requests_unaudited"


def _sign_in(client, username, password, address):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def _ask_reset(client, email, address):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def _wrong_password(name, *, address, now):
    return actions.record_login_failed(typed_username=name, address=address, step=actions.SignInStep.PASSWORD,
                                       failures=1, locked=False, now=now)


def _actions(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("chain", "seq").values_list("action", flat=True))


# --- Failed sign-ins ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_thousand_failed_sign_ins_with_unknown_names_from_one_address_write_the_limit_and_one_more(
        director, one_instant):
    device = AuthenticatorFactory(user=director)
    flood = Client()

    statuses = [_sign_in(flood, f"guess{n % 250}", "not the password", FLOOD).status_code for n in range(1000)]

    assert statuses == [200] * 1000  # four tries a name: none reaches the lock
    assert _actions(chain=GLOBAL_CHAIN) == ["accounts.login_failed"] * LIMIT + [UNAUDITED]
    assert AuditEvent.objects.count() == LIMIT + 1
    last = AuditEvent.objects.get(action=UNAUDITED)
    hour_end = anonymous.hour_start_of(one_instant) + dt.timedelta(hours=1)
    assert (last.ip, last.data["address"], last.data["limit_per_hour"], last.data["requests_this_hour"],
            last.data["counted_only_until"]) == (FLOOD, FLOOD, LIMIT, LIMIT + 1, hour_end.isoformat())
    assert AnonymousRequestTally.objects.get(address=FLOOD, action="").requests == 1000
    director_at_home = Client()
    assert _sign_in(director_at_home, "director", PASSWORD, HOME).url == reverse("accounts:verify")
    director_at_home.post(reverse("accounts:verify"), {"code": code_now(device)}, REMOTE_ADDR=HOME)
    assert AuditEvent.objects.get(action="accounts.login").actor == director
    assert _sign_in(Client(), "director", PASSWORD, FLOOD).url == reverse("accounts:verify")


def test_the_same_unknown_name_writes_one_failure_an_hour_and_its_lock_carries_the_count(client, db, one_instant):
    responses = [_sign_in(client, "Nobody", "guess", FLOOD) for _ in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    events = list(AuditEvent.objects.order_by("seq"))
    assert [(e.action, e.data["failures_from_address"]) for e in events] == [
        ("accounts.login_failed", 1), ("accounts.locked_out", 5)]
    assert AnonymousRequestTally.objects.get(address=FLOOD, action="accounts.login_failed", key="nobody").requests == 4


def test_failures_against_a_real_account_are_each_audited_and_count_toward_the_address_limit(db, nurse, now):
    for failures in range(1, 5):
        actions.record_login_failed(typed_username="nurse", address=FLOOD, step=actions.SignInStep.PASSWORD,
                                    failures=failures, locked=False, now=now)
    for n in range(LIMIT):
        _wrong_password(f"guess{n}", address=FLOOD, now=now)

    assert _actions(chain=str(nurse.organisation_id)) == ["accounts.login_failed"] * 4
    assert _actions(chain=GLOBAL_CHAIN) == ["accounts.login_failed"] * (LIMIT - 4) + [UNAUDITED]


@pytest.mark.slow
def test_two_addresses_are_limited_separately(client, db, one_instant):
    for n in range(LIMIT + 5):
        _sign_in(client, f"guess{n}", "not the password", FLOOD)
        _sign_in(client, f"guess{n}", "not the password", OTHER)

    for address in (FLOOD, OTHER):
        assert _actions(ip=address) == ["accounts.login_failed"] * LIMIT + [UNAUDITED]
        assert AuditEvent.objects.get(ip=address, action=UNAUDITED).data["username_typed"] == f"guess{LIMIT}"


def test_the_next_clock_hour_starts_a_new_count(db):
    before = dt.datetime(2026, 11, 24, 15, 59, 59, tzinfo=dt.UTC)
    after = before + dt.timedelta(seconds=1)
    for n in range(LIMIT + 3):
        _wrong_password(f"guess{n}", address=FLOOD, now=before)

    repeat_of_last_hour = _wrong_password("guess0", address=FLOOD, now=after)
    repeat_within_the_hour = _wrong_password("guess0", address=FLOOD, now=after + dt.timedelta(minutes=59))

    assert (repeat_of_last_hour.action, repeat_of_last_hour.occurred_at) == ("accounts.login_failed", after)
    assert repeat_within_the_hour is None
    assert AuditEvent.objects.get(action=UNAUDITED).data["counted_only_until"] == "2026-11-24T16:00:00+00:00"
    assert AuditEvent.objects.count() == LIMIT + 2


@override_settings(ANONYMOUS_AUDIT_EVENTS_PER_HOUR=3)
def test_the_limit_is_a_setting(db, now):
    written = [_wrong_password(f"guess{n}", address=FLOOD, now=now) for n in range(6)]

    assert [event.action if event else None for event in written] == [
        "accounts.login_failed"] * 3 + [UNAUDITED, None, None]


def test_a_failure_past_the_limit_reads_and_counts_without_touching_the_chain(db, now):
    for n in range(LIMIT + 1):
        _wrong_password(f"guess{n}", address=FLOOD, now=now)

    with CaptureQueriesContext(connection) as queries:
        written = _wrong_password("one more", address=FLOOD, now=now)

    assert written is None
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "audit_auditchainhead" not in sql
    assert "audit_auditevent" not in sql
    assert "accounts_anonymousrequesttally" in sql


@pytest.mark.slow
def test_wrong_codes_and_their_lock_are_audited_even_after_a_flood_of_wrong_passwords_at_the_account(
        db, nurse, one_instant):
    device = AuthenticatorFactory(user=nurse)
    for n in range(actions.AUDITED_FAILURES + 5):
        _sign_in(Client(), "nurse", "not the password", f"198.51.100.{n + 1}")
    written = AuditEvent.objects.count()
    thief = Client()
    _sign_in(thief, "nurse", PASSWORD, FLOOD)

    responses = [thief.post(reverse("accounts:verify"), {"code": wrong_code(device)}, REMOTE_ADDR=FLOOD)
                 for _ in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    events = list(AuditEvent.objects.order_by("id")[written:])
    assert [e.action for e in events] == ["accounts.login_failed"] * 4 + ["accounts.locked_out"]
    assert {(e.data["step"], e.ip, e.object_id) for e in events} == {("second_factor", FLOOD, str(nurse.pk))}
    assert AuditEvent.objects.filter(action="accounts.login_failures_unaudited").count() == 1


@pytest.mark.slow
def test_the_lock_of_an_account_is_audited_after_the_address_has_spent_its_hours_events(db, nurse, one_instant):
    for n in range(LIMIT + 1):
        _sign_in(Client(), f"guess{n}", "not the password", FLOOD)
    written = AuditEvent.objects.count()

    responses = [_sign_in(Client(), "nurse", "not the password", FLOOD) for _ in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    [lock] = AuditEvent.objects.order_by("id")[written:]
    assert (lock.action, lock.object_id, lock.ip, lock.data["failures_from_address"]) == (
        "accounts.locked_out", str(nurse.pk), FLOOD, 5)


@pytest.mark.slow
def test_forty_addresses_in_one_ipv6_64_share_one_hourly_limit(db, one_instant):
    addresses = [f"2001:db8:0:9::{n + 1:x}" for n in range(40)]

    for n, address in enumerate(addresses):
        _sign_in(Client(), f"guess{n}", "not the password", address)

    assert _actions() == ["accounts.login_failed"] * LIMIT + [UNAUDITED]
    last = AuditEvent.objects.get(action=UNAUDITED)
    assert (last.ip, last.data["address"], last.data["requests_this_hour"]) == (
        addresses[LIMIT], "2001:db8:0:9::/64", LIMIT + 1)
    assert AnonymousRequestTally.objects.get(action="").address == "2001:db8:0:9::"
    assert AnonymousRequestTally.objects.get(action="").requests == 40


@override_settings(ANONYMOUS_AUDIT_EVENTS_PER_HOUR=2)
def test_reset_requests_from_one_ipv6_64_share_one_refusal(client, nurse, one_instant):
    statuses = [_ask_reset(client, f"x{n}@example.com", f"2001:db8:0:9::{n + 1:x}").status_code for n in range(12)]
    elsewhere = _ask_reset(client, nurse.email, "2001:db8:0:a::1")

    assert statuses == [302] * 10 + [429] * 2
    assert elsewhere.status_code == 302
    assert len(mail.outbox) == 1


def test_the_first_request_of_an_address_hour_deletes_counts_older_than_a_week(db, now):
    hour = anonymous.hour_start_of(now)
    for days in (8, 6):
        AnonymousRequestTally.objects.create(address=OTHER, hour_start=hour - dt.timedelta(days=days), requests=3)

    _wrong_password("guess", address=FLOOD, now=now)

    assert sorted(AnonymousRequestTally.objects.values_list("address", "hour_start")) == [
        (OTHER, hour - dt.timedelta(days=6)), (FLOOD, hour), (FLOOD, hour)]


# --- Password-reset requests ---------------------------------------------------------------------


@pytest.mark.slow
def test_two_hundred_reset_requests_for_one_email_send_one_mail_write_one_event_then_get_429(
        client, nurse, one_instant):
    responses = [_ask_reset(client, "Nurse@clinic.test", FLOOD) for _ in range(200)]

    assert [r.status_code for r in responses] == [302] * 100 + [429] * 100
    assert {r.url for r in responses[:100]} == {reverse("accounts:password_reset_done")}
    assert [message.to for message in mail.outbox] == [["nurse@clinic.test"]]
    assert _actions() == ["accounts.password_reset_requested"]
    assert AnonymousRequestTally.objects.get(address=FLOOD, action="").requests == 200
    page = responses[-1].content.decode()
    assert "Too many password requests from your address" in page
    minutes_left = round((anonymous.hour_start_of(one_instant) + dt.timedelta(hours=1) - one_instant)
                         .total_seconds() / 60)
    assert f"Try again in {max(1, minutes_left)} minute" in page


@pytest.mark.slow
def test_reset_requests_for_many_emails_mail_and_audit_up_to_the_limit_then_once(client, main_site, one_instant):
    staff = [StaffUserFactory(username=f"colleague{n}", organisation=main_site.organisation) for n in range(25)]

    responses = [_ask_reset(client, member.email, FLOOD) for member in staff]

    assert {r.url for r in responses} == {reverse("accounts:password_reset_done")}
    assert [message.to for message in mail.outbox] == [[member.email] for member in staff[:LIMIT]]
    assert _actions() == ["accounts.password_reset_requested"] * LIMIT + [UNAUDITED]
    last = AuditEvent.objects.get(action=UNAUDITED)
    assert (last.data["email"], last.data["first_unaudited_action"], last.chain) == (
        staff[LIMIT].email, "accounts.password_reset_requested", str(main_site.organisation_id))


def test_a_repeated_reset_request_gets_the_same_page_as_an_unknown_email(client, nurse, one_instant):
    first = _ask_reset(client, nurse.email, FLOOD)
    repeat = _ask_reset(client, nurse.email, FLOOD)
    unknown = _ask_reset(client, "stranger@example.com", FLOOD)

    assert first.url == repeat.url == unknown.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert [event.data for event in AuditEvent.objects.order_by("occurred_at", "id")] == [
        {"email": nurse.email, "matched": True}, {"email": "stranger@example.com", "matched": False}]


@pytest.mark.slow
def test_reset_requests_from_another_address_are_not_refused(nurse, now):
    verdicts = [actions.record_password_reset_requested(email=f"x{n}@example.com", users=[], address=FLOOD, now=now)
                for n in range(5 * LIMIT + 1)]

    other = actions.record_password_reset_requested(email=nurse.email, users=[nurse], address=OTHER, now=now)

    assert verdicts[-2:] == [anonymous.Verdict.COUNT_ONLY, anonymous.Verdict.REFUSE]
    assert other == anonymous.Verdict.WRITE


# --- Two requests at once, and the setting ------------------------------------------------------


def _unlocked_row(**fields):
    row, _ = AnonymousRequestTally.objects.get_or_create(**fields)
    return row


@pytest.mark.slow
@race.VARIANTS
def test_requests_arriving_together_take_the_last_place_once(transactional_db, monkeypatch, now, locked):
    for n in range(LIMIT - 1):
        _wrong_password(f"early{n}", address=FLOOD, now=now)
    writers = race.writers()
    gate = race.Gate(writers)
    if locked:
        race.meet_at_lock(monkeypatch, anonymous, "_locked_row", gate)
    else:
        race.drop_lock(monkeypatch, anonymous, "_locked_row", _unlocked_row)
        race.meet_after(monkeypatch, anonymous, "_locked_row", gate)
    names = iter(range(writers))

    results, errors = race.run(lambda: _wrong_password(f"late{next(names)}", address=FLOOD, now=now),
                               writers=writers)

    written = AuditEvent.objects.count()
    if locked:
        assert errors == []
        assert sorted(event.action for event in results if event) == [UNAUDITED, "accounts.login_failed"]
        # Decided in order, written in whatever order the writers then reach the chain.
        assert sorted(_actions()) == sorted(["accounts.login_failed"] * LIMIT + [UNAUDITED])
        assert AnonymousRequestTally.objects.get(address=FLOOD, action="").requests == LIMIT - 1 + writers
    elif connection.vendor == "postgresql":
        assert (errors, written) == ([], LIMIT - 1 + writers)
    else:
        assert {type(error) for error in errors} == {OperationalError}


@pytest.mark.slow
@pytest.mark.parametrize("limit", ["0", "-1"])
def test_start_up_refuses_a_limit_under_one(limit):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "ANONYMOUS_AUDIT_EVENTS_PER_HOUR": limit}

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parents[3],
                            env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert f"ANONYMOUS_AUDIT_EVENTS_PER_HOUR must be 1 or more, not {limit}. Leave it unset for 20." in result.stderr
