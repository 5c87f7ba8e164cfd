"""Sign-in events and staff account changes, each with its audit event."""

from datetime import datetime

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.models import StaffUser
from clinic.audit.actions import record_event
from clinic.audit.models import ActorKind


@transaction.atomic
def record_login(*, user: StaffUser, now: datetime, second_factor: str) -> None:
    record_event(actor=user, now=now, action="accounts.login", data={"second_factor": second_factor})


@transaction.atomic
def record_login_failed(*, username: str, now: datetime, reason: str) -> None:
    """A failed password or second-factor attempt. The name typed is kept as given."""
    user = StaffUser.objects.filter(username=username).first()
    record_event(
        actor=user if user else None,
        now=now,
        action="accounts.login_failed",
        actor_kind=ActorKind.STAFF if user else ActorKind.SYSTEM,
        actor_label=username[:150] or "(blank)",
        organisation_id=user.organisation_id if user else None,
        data={"reason": reason},
    )


@transaction.atomic
def record_logout(*, user: StaffUser, now: datetime, reason: str) -> None:
    record_event(actor=user, now=now, action="accounts.logout", data={"reason": reason})


RECOVERY_CODE_COUNT = 10


@transaction.atomic
def start_totp_enrolment(*, user: StaffUser) -> TOTPDevice:
    """An unconfirmed authenticator for this user; a previous unconfirmed one is replaced."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(*, user: StaffUser, device: TOTPDevice, now: datetime) -> list[str]:
    """Confirm the authenticator, replace recovery codes, and return the new codes (shown once)."""
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = replace_recovery_codes(user=user)
    record_event(actor=user, now=now, action="accounts.second_factor_enrolled")
    return codes


def replace_recovery_codes(*, user: StaffUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
