"""API bearer tokens: issued once in plain text, stored only as a hash, revocable."""

import datetime as dt
import secrets

from django.db import transaction

from clinic.accounts.models import ApiToken, StaffUser, hash_token
from clinic.audit.actions import record_event

TOKEN_PREFIX = "ck_"
# last_used_at is written at most this often, so busy clients do not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def issue_token(*, user: StaffUser, name: str, now: dt.datetime) -> tuple[ApiToken, str]:
    """Create a token for the user and return it with its plain text, which is never stored."""
    raw_token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100] or "API token", prefix=raw_token[:10],
                                    token_hash=hash_token(raw_token), created_at=now)
    record_event(actor=user, now=now, action="accounts.api_token_issued", subject=token,
                 data={"name": token.name, "prefix": token.prefix})
    return token, raw_token


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: StaffUser, now: dt.datetime) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record_event(actor=actor, now=now, action="accounts.api_token_revoked", subject=token,
                     data={"name": token.name, "prefix": token.prefix, "owner": token.user_id})
    return token


def revoke_all_tokens(*, user: StaffUser, now: dt.datetime) -> list[str]:
    """Revoke every live token of the user and return their prefixes. The caller's own audit event
    (a deactivation, a password reset) names them."""
    live = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    prefixes = list(live.order_by("created_at").values_list("prefix", flat=True))
    live.update(revoked_at=now)
    return prefixes


def live_token_count(*, user: StaffUser) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


def user_for_token(*, raw_token: str, now: dt.datetime) -> StaffUser | None:
    """The active staff user a live token belongs to, or None."""
    token = (ApiToken.objects.select_related("user")
             .filter(token_hash=hash_token(raw_token), revoked_at__isnull=True, user__is_active=True)
             .first())
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
