"""Reads for the sign-in pages, the staff pages and the API tokens page."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import lockout
from clinic.accounts.models import ApiToken, StaffUser
from clinic.sites.models import Site


def has_second_factor(user: StaffUser) -> bool:
    """An authenticator or recovery codes, either of which can finish a sign-in."""
    return any(model.objects.filter(user=user, confirmed=True).exists()
               for model in (TOTPDevice, StaticDevice))


def can_prove_second_factor(user: StaffUser) -> bool:
    """Whether the user has something to give a code from: an authenticator, or recovery codes
    left. Replacing a second factor asks for such a code; a first set-up cannot."""
    return (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists())


@dataclass(frozen=True)
class SecondFactorStatus:
    authenticator: TOTPDevice | None
    recovery_codes_left: int


def second_factor_status(*, user: StaffUser) -> SecondFactorStatus:
    return SecondFactorStatus(
        authenticator=TOTPDevice.objects.filter(user=user, confirmed=True).first(),
        recovery_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
    )


def organisation_staff(*, user: StaffUser) -> QuerySet[StaffUser]:
    """Everyone on the director's organisation's staff, active first, with their sites and
    whether they have an authenticator, in a fixed number of queries."""
    authenticator = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        StaffUser.objects.filter(organisation_id=user.organisation_id)
        .annotate(has_authenticator=Exists(authenticator))
        .prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("name")))
        .order_by("-is_active", "last_name", "first_name", "username")
    )


def staff_with_locks(*, user: StaffUser, now: datetime) -> list[StaffUser]:
    """organisation_staff, each with `locked_addresses` (addresses now locked out of the account)
    and `failing_addresses` (addresses with failures remembered), in one more query."""
    staff = list(organisation_staff(user=user))
    states = lockout.pair_states(usernames=[member.username for member in staff], now=now)
    for member in staff:
        _mark_locks(member, states.get(member.username, []), now=now)
    return staff


def sign_in_locks(*, member: StaffUser, now: datetime) -> list[lockout.PairState]:
    """The addresses with failures against one account, latest first; marks the member as above."""
    states = lockout.pair_states(usernames=[member.username], now=now).get(member.username, [])
    _mark_locks(member, states, now=now)
    return states


def _mark_locks(member: StaffUser, states: list[lockout.PairState], *, now: datetime) -> None:
    member.locked_addresses = sum(1 for state in states if state.is_locked(now=now))
    member.failing_addresses = len(states)


def organisation_sites(*, user: StaffUser) -> QuerySet[Site]:
    return Site.objects.filter(organisation_id=user.organisation_id).order_by("name")


def own_tokens(*, user: StaffUser) -> QuerySet[ApiToken]:
    """Live tokens first, newest first."""
    return ApiToken.objects.filter(user=user).order_by(F("revoked_at").asc(nulls_first=True),
                                                       "-created_at")
