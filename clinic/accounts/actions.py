"""Sign-in events, second factors, passwords and staff account changes, each with its audit event."""

import datetime as dt
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import anonymous, lockout
from clinic.accounts.models import AlertChannel, AnonymousRequestTally, Role, StaffUser, canonical_username
from clinic.accounts.tokens import revoke_all_tokens
from clinic.audit.actions import record_event
from clinic.audit.models import ActorKind, AuditEvent
from clinic.rules.errors import DomainError
from clinic.sites.models import Site

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6  # django-otp's default, which every authenticator set up here uses


class UsernameTaken(DomainError):
    code = "USERNAME_TAKEN"
    field = "username"


class SiteOutsideOrganisation(DomainError):
    code = "SITE_OUTSIDE_ORGANISATION"
    field = "sites"


class NotInOrganisation(DomainError):
    code = "NOT_IN_ORGANISATION"


class OwnAccount(DomainError):
    code = "OWN_ACCOUNT"


class LastDirector(DomainError):
    code = "LAST_DIRECTOR"


# --- Signing in and out ---------------------------------------------------------------------


@transaction.atomic
def record_login(*, user: StaffUser, now: datetime, second_factor: str, address: str | None) -> None:
    """Both steps passed: the failed attempts counted from this address start again from zero.
    Other addresses' counts stay, so a stranger's lock outlives the owner's sign-in."""
    lockout.clear(username=user.get_username(), address=address)
    record_event(actor=user, now=now, action="accounts.login", data={"second_factor": second_factor})


# Wrong passwords audited one by one against one account in a clock hour (UTC), from any number of
# addresses. Past this, one event says so and later ones that hour are counted by the lockout alone,
# so guesses spread over many addresses cannot fill the audit trail. Lock events and wrong
# second-factor codes are never capped: the lockout bounds them. One address is held to its own
# hourly limit (clinic/accounts/anonymous.py).
AUDITED_FAILURES = 20
LOGIN_FAILED = "accounts.login_failed"
LOCKED_OUT = "accounts.locked_out"
FAILURES_UNAUDITED = "accounts.login_failures_unaudited"
# The tally row counting one account's wrong passwords in an hour (AnonymousRequestTally).
WRONG_PASSWORDS_AT_ACCOUNT = "accounts.wrong_passwords_at_account"


class SignInStep:
    PASSWORD = "password"
    SECOND_FACTOR = "second_factor"


# Not one transaction around the whole: the address's count (anonymous.admit) commits before the
# event waits for its chain's lock, so requests from one address queue on their own row only.
def record_login_failed(*, typed_username: str, address: str | None, step: str, failures: int,
                        locked: bool, now: datetime) -> AuditEvent | None:
    """Audit one failed sign-in under the account it counts against, and return the event, or None
    when it is counted only.

    At most one event per failure: `accounts.login_failed`, or `accounts.locked_out` for the
    failure that locks the account at this address (`failures` from it so far). The event names
    the account (its id as the subject when the username exists, the username as typed otherwise),
    the step, and the client's address (the event's ip). Tries refused during a lock are not
    counted and not audited one by one: the lock's event stands for them.

    Always written, whatever came before: the lock of an account, and a wrong second-factor code
    (from someone who knew the password). The lockout bounds both: at most AXES_FAILURE_LIMIT
    codes and one lock per address and cool-off, and a cool-off doubles with each failure after it.

    A wrong password that does not lock an account comes from someone not signed in, so it is held
    to the address's hourly limit, and for a name no account has, de-duplicated per name and hour
    (clinic/accounts/anonymous.py): the repeats stay in the lockout's tally, whose count the name's
    lock event carries (a name no account has is locked under the same limit). Past
    AUDITED_FAILURES wrong passwords against one account in the clock hour, from any addresses, one
    `accounts.login_failures_unaudited` event says so, and further ones that hour write none.
    """
    username = lockout.counted_username(typed_username)
    user = StaffUser.objects.filter(username=username).first()
    data = {"step": step, "username_typed": typed_username[:150], "failures_from_address": failures}
    action = LOCKED_OUT if locked else LOGIN_FAILED
    if locked:
        data["cooloff_minutes"] = round(lockout.pair_cooloff(failures).total_seconds() / 60)
    always_written = step == SignInStep.SECOND_FACTOR or (locked and user is not None)
    if not always_written:
        written = _wrong_password_event(username=username, user=user, address=address, action=action,
                                        data=data, now=now)
        if written is None:
            return None
        action, data = written
    return record_event(actor=None, now=now, action=action, actor_kind=ActorKind.SYSTEM,
                        actor_label=username or "(blank)", subject=user,
                        organisation_id=user.organisation_id if user else None, data=data)


def _wrong_password_event(*, username: str, user: StaffUser | None, address: str | None, action: str,
                          data: dict, now: datetime) -> tuple[str, dict] | None:
    """The action and data a wrong password writes under the account's hourly cap and the address's
    limit, or None when it is counted only. Read and counted before any chain is locked, so a
    failure that writes nothing never waits for one."""
    if user is not None:
        this_hour = _count_wrong_password_at_account(username=username, now=now)
        if this_hour > AUDITED_FAILURES + 1:
            return None
        if this_hour == AUDITED_FAILURES + 1:
            action = FAILURES_UNAUDITED
            data = {**data, "account_failures": lockout.account_failures(username=username, now=now),
                    "audited_up_to": AUDITED_FAILURES,
                    "counted_only_until": (anonymous.hour_start_of(now) + dt.timedelta(hours=1)).isoformat()}
    admission = anonymous.admit(address=address, now=now, action=action,
                                key=None if user is not None else username)
    if not admission.writes:
        return None
    if admission.verdict == anonymous.Verdict.LIMIT:
        return anonymous.UNAUDITED_ACTION, {**data, **admission.unaudited_data(action=action)}
    return action, data


@transaction.atomic
def _count_wrong_password_at_account(*, username: str, now: datetime) -> int:
    """Count one wrong password against an existing account, from any address, in the clock hour
    of `now` (UTC); return the count, this one included. The account's row is locked only for this
    short transaction, so two at once cannot both take the last place."""
    row = _locked_account_row(username=username, hour_start=anonymous.hour_start_of(now))
    row.requests += 1
    row.save(update_fields=["requests"])
    return row.requests


def _locked_account_row(*, username: str, hour_start: datetime) -> AnonymousRequestTally:
    row, _ = AnonymousRequestTally.objects.select_for_update().get_or_create(
        address="", hour_start=hour_start, action=WRONG_PASSWORDS_AT_ACCOUNT, key=username)
    return row


@transaction.atomic
def record_logout(*, user: StaffUser, now: datetime, reason: str) -> None:
    record_event(actor=user, now=now, action="accounts.logout", data={"reason": reason})


# --- Second factor --------------------------------------------------------------------------


@transaction.atomic
def check_second_factor(*, user: StaffUser, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts the code, or None. A recovery code is used up by this."""
    code = code.replace(" ", "").lower()
    # A code of the authenticator's length in digits goes to the authenticator only, anything
    # else to the recovery codes, so each device's own throttling sees only its own guesses.
    is_totp = code.isdigit() and len(code) == TOTP_DIGITS
    model = TOTPDevice if is_totp else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is not None and device.verify_token(code):
        return device
    return None


@transaction.atomic
def check_authenticator(*, user: StaffUser, code: str) -> bool:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    return device is not None and device.verify_token(code.replace(" ", ""))


@transaction.atomic
def start_totp_enrolment(*, user: StaffUser) -> TOTPDevice:
    """An unconfirmed authenticator for this user; a previous unconfirmed one is replaced."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(*, user: StaffUser, device: TOTPDevice, now: datetime,
                           confirmed_with: str | None) -> list[str]:
    """Confirm the authenticator, replace recovery codes, and return the new codes (shown once).
    `confirmed_with` is what proved it was the user replacing an earlier second factor (an
    authenticator code or a recovery code), None for a first set-up."""
    replaced, _ = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(user=user)
    record_event(actor=user, now=now, action="accounts.second_factor_enrolled",
                 data={"replaced_authenticator": bool(replaced), "confirmed_with": confirmed_with})
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, user: StaffUser, now: datetime) -> list[str]:
    """New recovery codes (shown once); every earlier code stops working."""
    codes = _replace_recovery_codes(user=user)
    record_event(actor=user, now=now, action="accounts.recovery_codes_replaced",
                 data={"count": len(codes)})
    return codes


def _replace_recovery_codes(*, user: StaffUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def reset_second_factor(*, member: StaffUser, actor: StaffUser, now: datetime) -> None:
    """Remove someone's authenticator and recovery codes; they set up a new one at next sign-in."""
    _require_colleague(actor=actor, member=member)
    if member.pk == actor.pk:
        raise OwnAccount("To replace your own authenticator, use the Second factor page.")
    recovery_codes = StaticToken.objects.filter(device__user=member).count()
    authenticators, _ = TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()
    record_event(actor=actor, now=now, action="accounts.second_factor_reset", subject=member,
                 data={"authenticators": authenticators, "recovery_codes": recovery_codes})


# --- Passwords ------------------------------------------------------------------------------


PASSWORD_RESET_REQUESTED = "accounts.password_reset_requested"


# Counted before, and apart from, the events' transaction, as record_login_failed is.
def record_password_reset_requested(*, email: str, users: Iterable[StaffUser], address: str | None,
                                    now: datetime) -> str:
    """Audit a "Forgot your password?" request and return its verdict (anonymous.Verdict): the
    link is mailed only on WRITE. One event per account the link goes to, or one event saying no
    account matched.

    The request comes from someone not signed in, so it is held to the address's hourly limit and
    de-duplicated per email and hour (clinic/accounts/anonymous.py): a repeat writes nothing and
    mails nothing, the first link still working; past the limit nothing is written or mailed; past
    five times the limit the address is refused (REFUSE, a 429). Otherwise the page after it is the
    same whatever happened, so it never tells whether the email belongs to anyone.
    """
    users = list(users)
    admission = anonymous.admit(address=address, now=now, action=PASSWORD_RESET_REQUESTED,
                                key=email.strip().lower(), events=max(1, len(users)),
                                refuse_past=anonymous.reset_requests_per_hour())
    common = {"now": now, "actor": None, "actor_kind": ActorKind.SYSTEM,
              "actor_label": "password reset form"}
    if admission.verdict == anonymous.Verdict.LIMIT:
        record_event(**common, action=anonymous.UNAUDITED_ACTION,
                     organisation_id=users[0].organisation_id if users else None,
                     data={"email": email[:254], **admission.unaudited_data(action=PASSWORD_RESET_REQUESTED)})
    if admission.verdict != anonymous.Verdict.WRITE:
        return admission.verdict
    with transaction.atomic():
        if not users:
            record_event(**common, action=PASSWORD_RESET_REQUESTED, data={"email": email[:254], "matched": False})
        for user in users:
            record_event(**common, action=PASSWORD_RESET_REQUESTED, subject=user,
                         organisation_id=user.organisation_id, data={"email": email[:254], "matched": True})
    return admission.verdict


@transaction.atomic
def complete_password_reset(*, user: StaffUser, password: str, now: datetime, revoke_tokens: bool) -> None:
    """Set the password chosen from an emailed link (a reset, or an invitation's first password).
    Every session of the user ends; their API tokens are revoked too when `revoke_tokens`."""
    first_password = not user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    # A new password ends every session already; the epoch makes that independent of the hash.
    _end_sessions(user)
    record_event(actor=user, now=now, action="accounts.password_reset_completed", subject=user,
                 data={"first_password": first_password})
    revoked = revoke_all_tokens(user=user, now=now) if revoke_tokens else []
    if revoked:
        record_event(actor=user, now=now, action="accounts.api_tokens_revoked", subject=user,
                     data={"prefixes": revoked, "reason": "password reset"})


# --- Staff management by the medical director -----------------------------------------------


@transaction.atomic
def invite_staff(
    *,
    actor: StaffUser,
    now: datetime,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    credentials: str,
    sites: Iterable[Site],
) -> StaffUser:
    """A new colleague with no password yet: they choose one from the emailed link."""
    sites = _own_sites(actor=actor, sites=sites)
    username = canonical_username(username)
    if StaffUser.objects.filter(username=username).exists():
        raise UsernameTaken(f"The username {username!r} is taken (capitals and look-alike letters "
                            "count as the same name). Choose another, for example with an initial "
                            "or a number added.")
    member = StaffUser(username=username, first_name=first_name, last_name=last_name, email=email,
                       role=role, credentials=credentials, organisation_id=actor.organisation_id,
                       date_joined=now)
    member.set_unusable_password()
    try:
        # A savepoint, so a colleague taking the same name a moment earlier ends in the message below
        # rather than in a broken transaction.
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise UsernameTaken(f"The username {username!r} was just taken. Choose another.") from None
    member.sites.set(sites)
    record_event(actor=actor, now=now, action="accounts.staff_invited", subject=member,
                 data={"username": username, "role": role, "site_ids": sorted(s.pk for s in sites)})
    return member


STAFF_FIELDS = ("first_name", "last_name", "email", "role", "credentials")


@transaction.atomic
def change_staff(
    *,
    member: StaffUser,
    actor: StaffUser,
    now: datetime,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    credentials: str,
    sites: Iterable[Site],
) -> list[str]:
    """Change someone's details, role or sites; return the names of the fields that changed."""
    _require_colleague(actor=actor, member=member)
    sites = _own_sites(actor=actor, sites=sites)
    if member.role == Role.DIRECTOR and role != Role.DIRECTOR:
        _keep_another_director(member=member, doing="change the role of")
    member = StaffUser.objects.select_for_update().get(pk=member.pk)
    values = {"first_name": first_name, "last_name": last_name, "email": email, "role": role,
              "credentials": credentials}
    before = {name: getattr(member, name) for name in STAFF_FIELDS}
    before["site_ids"] = sorted(member.sites.values_list("pk", flat=True))
    after = {**values, "site_ids": sorted(site.pk for site in sites)}
    changed = [name for name in before if before[name] != after[name]]
    if not changed:
        return []
    for name, value in values.items():
        setattr(member, name, value)
    member.save(update_fields=list(STAFF_FIELDS))
    member.sites.set(sites)
    record_event(actor=actor, now=now, action="accounts.staff_changed", subject=member,
                 changed_fields=changed,
                 data={"before": {n: before[n] for n in changed}, "after": {n: after[n] for n in changed}})
    return changed


@transaction.atomic
def deactivate_staff(*, member: StaffUser, actor: StaffUser, now: datetime) -> None:
    """Switch an account off: no sign-in, and its API tokens stop working. Nothing is deleted."""
    _require_colleague(actor=actor, member=member)
    if member.pk == actor.pk:
        raise OwnAccount("You cannot deactivate your own account. Ask another medical director.")
    if member.role == Role.DIRECTOR:
        _keep_another_director(member=member, doing="deactivate")
    if _set_active(member=member, active=False):
        # Ended and revoked for good: reactivating the account brings neither back.
        _end_sessions(member)
        revoked = revoke_all_tokens(user=member, now=now)
        record_event(actor=actor, now=now, action="accounts.staff_deactivated", subject=member,
                     data={"sessions_ended": True, "tokens_revoked": revoked})


@transaction.atomic
def reactivate_staff(*, member: StaffUser, actor: StaffUser, now: datetime) -> None:
    _require_colleague(actor=actor, member=member)
    if _set_active(member=member, active=True):
        record_event(actor=actor, now=now, action="accounts.staff_reactivated", subject=member)


@transaction.atomic
def unlock_sign_in(*, member: StaffUser, actor: StaffUser, now: datetime) -> list[lockout.PairState]:
    """Forget every failed sign-in against someone's account, from every address, so any lock on it
    ends; return the addresses that were locked. Nothing remembered, nothing written."""
    _require_colleague(actor=actor, member=member)
    states = lockout.pair_states(usernames=[member.username], now=now).get(member.username, [])
    if not states:
        return []
    lockout.unlock(username=member.username)
    locked = [state for state in states if state.is_locked(now=now)]
    record_event(actor=actor, now=now, action="accounts.sign_in_unlocked", subject=member,
                 data={"locked_addresses": len(locked), "failing_addresses": len(states),
                       "failures": sum(state.failures for state in states),
                       "addresses": [state.address for state in locked[:UNLOCK_ADDRESSES_NAMED]]})
    return locked


# An unlock's audit event names this many of the locked addresses, latest first, and counts the rest.
UNLOCK_ADDRESSES_NAMED = 20


class MobilePhoneRequired(DomainError):
    code = "MOBILE_PHONE_REQUIRED"
    field = "mobile_phone"


class DirectorOnly(DomainError):
    code = "DIRECTOR_ONLY"


@transaction.atomic
def change_alert_channel(*, member: StaffUser, actor: StaffUser, now: datetime, alert_channel: str,
                         mobile_phone: str) -> list[str]:
    """How the clinician is told of a patient's clinical alert at once: by email, or by text message to
    their mobile phone. Set by themselves or by a medical director; returns the fields that changed."""
    if actor.pk != member.pk:
        _require_colleague(actor=actor, member=member)
        if actor.role != Role.DIRECTOR:
            raise DirectorOnly("Only a medical director can change a colleague's alert channel.")
    mobile_phone = (mobile_phone or "").strip()
    if alert_channel == AlertChannel.SMS and not mobile_phone:
        raise MobilePhoneRequired("Text messages need a mobile number: enter one, or choose email.")
    member = StaffUser.objects.select_for_update().get(pk=member.pk)
    before = {"alert_channel": member.alert_channel, "mobile_phone": member.mobile_phone}
    after = {"alert_channel": alert_channel, "mobile_phone": mobile_phone}
    changed = [name for name in before if before[name] != after[name]]
    if not changed:
        return []
    StaffUser.objects.filter(pk=member.pk).update(**after)
    # A phone number is contact data: the trail says that it changed, not what it is.
    record_event(actor=actor, now=now, action="accounts.alert_channel_changed", subject=member,
                 changed_fields=changed, data={"alert_channel": alert_channel})
    return changed


def _end_sessions(user: StaffUser) -> None:
    """Every session of the user, in any browser, is refused at its next request
    (StaffUser.get_session_auth_hash)."""
    StaffUser.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def _set_active(*, member: StaffUser, active: bool) -> bool:
    """Whether the account changed; a second click on the same button does nothing."""
    return bool(StaffUser.objects.filter(pk=member.pk).exclude(is_active=active).update(is_active=active))


def _require_colleague(*, actor: StaffUser, member: StaffUser) -> None:
    if actor.organisation_id is None or member.organisation_id != actor.organisation_id:
        raise NotInOrganisation("This person is not on your organisation's staff.")


def _own_sites(*, actor: StaffUser, sites: Iterable[Site]) -> list[Site]:
    sites = list(sites)
    outside = [site.name for site in sites if site.organisation_id != actor.organisation_id]
    if outside:
        raise SiteOutsideOrganisation(f"{', '.join(outside)} is not one of your organisation's "
                                      "sites. Choose from your own sites.")
    return sites


def _keep_another_director(*, member: StaffUser, doing: str) -> None:
    # Lock every active director of the organisation, in one order, so two directors demoting
    # each other at the same moment cannot both succeed and leave the clinic with none.
    directors = list(
        StaffUser.objects.select_for_update()
        .filter(organisation_id=member.organisation_id, role=Role.DIRECTOR, is_active=True)
        .order_by("pk").values_list("pk", flat=True)
    )
    if not [pk for pk in directors if pk != member.pk]:
        raise LastDirector(f"You cannot {doing} the only active medical director. Make another "
                           "colleague medical director first.")


@transaction.atomic
def reset_password(*, member: StaffUser, actor: StaffUser, now: datetime, revoke_tokens: bool) -> list[str]:
    """The director resets someone's password before a link to choose a new one is emailed (also
    how an invitation is sent again): the current password stops working, every session of theirs
    ends, and their API tokens are revoked when `revoke_tokens`. Returns the revoked prefixes."""
    _require_colleague(actor=actor, member=member)
    if member.pk == actor.pk:
        raise OwnAccount("To change your own password, use “Forgot your password?” on the sign-in "
                         "page: a link goes to your work email.")
    member = StaffUser.objects.select_for_update().get(pk=member.pk)
    had_password = member.has_usable_password()
    if had_password:
        member.set_unusable_password()
        member.save(update_fields=["password"])
    _end_sessions(member)
    revoked = revoke_all_tokens(user=member, now=now) if revoke_tokens else []
    record_event(actor=actor, now=now, action="accounts.password_link_sent", subject=member,
                 data={"email": member.email, "password_cleared": had_password, "sessions_ended": True,
                       "tokens_revoked": revoked})
    return revoked
