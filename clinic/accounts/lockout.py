"""Failed sign-ins, counted by django-axes per account and client address together.

Locking the pair, not the account: five wrong passwords typed by a stranger lock the stranger's
address out of that account, never the account's owner at theirs. The address is the client's as
the nearest trusted reverse proxy saw it (TRUSTED_PROXY_HOPS, the same reading the audit trail
uses), so the clients behind a proxy are not all one address, and with no trusted proxy a forged
X-Forwarded-For header changes nothing. An IPv6 client counts by its /64 network, the block one
home or office line is given, since anyone with one such line can pick any address in it; an IPv4
address counts as itself, also when written as IPv4-mapped IPv6 (::ffff:192.0.2.7).

Slowing down: the cool-off grows with each failure from the same address once the limit is
reached. The AXES_FAILURE_LIMIT-th failure (5) locks the pair for AXES_COOLOFF_MINUTES (15); each
failure after that lock has passed locks it again for twice as long (30, 60, 120 minutes, ...) up
to AXES_COOLOFF_MAX_HOURS (24). One address guessing at one account as fast as it is let gets 5
tries, then one try each time a doubled wait ends: 12 tries in its first 32 hours (the twelfth at
31 h 45 min), then one a day. Because the count belongs to the pair, a stranger lengthens only
their own lock: the design cannot be turned against the real user at another address. (A colleague
sharing the stranger's address, behind one clinic network address, shares the lock; the medical
director's unlock lifts it.)

A pair's count is forgotten a day (REMEMBERED_BELOW_LIMIT) after its last failure while below the
limit, so guesses paced to stay under it still add up to a lock and the doubling: four every 15
minutes get 9 tries in six hours, not 96. Once the count has reached the limit it is forgotten a
day after the longest cool-off (two days after the last failure). Pausing until the count is
forgotten buys five fresh tries and the short cool-offs again, and no pacing gets much more than
four tries a day from one address at one account: four and a day's pause make four a day; ten (the
tenth at 7 h 45 min) and the two days' pause, ten every 55 h 45 min. A completed sign-in from that
address, or the medical director's unlock, forgets the count at once.

Wrong passwords and wrong second-factor codes count alike, so a stolen password does not buy
unlimited guesses at the code. The count is cleared only when both steps succeed
(actions.record_login), not when the password alone is right.
"""

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.accounts.models import USERNAME_MAX_LENGTH, canonical_username
from clinic.audit.middleware import client_address as audited_client_address

# Where the lockout helpers leave the account a request is about, for the second step, whose form
# carries a code and no username.
REQUEST_USERNAME = "sign_in_username"
REMEMBERED_BELOW_LIMIT = dt.timedelta(days=1)
FORGET_AFTER_LONGEST = dt.timedelta(days=1)
IPV6_NETWORK_BITS = 64


# --- The numbers ------------------------------------------------------------------------------


def cooloff_for(failures: int, *, limit: int, base: dt.timedelta, longest: dt.timedelta) -> dt.timedelta:
    """How long `failures` failures from one address lock an account: `base` up to the limit's
    failure, doubled for each failure beyond it, never more than `longest`."""
    doublings = max(0, failures - limit)
    # Capped before doubling, so a huge count cannot overflow the timedelta.
    return min(base * 2 ** min(doublings, 32), longest)


def base_cooloff() -> dt.timedelta:
    return dt.timedelta(minutes=settings.AXES_COOLOFF_MINUTES)


def longest_cooloff() -> dt.timedelta:
    return dt.timedelta(hours=settings.AXES_COOLOFF_MAX_HOURS)


def pair_cooloff(failures: int) -> dt.timedelta:
    return cooloff_for(failures, limit=settings.AXES_FAILURE_LIMIT, base=base_cooloff(),
                       longest=longest_cooloff())


def _forgetting(*, now: dt.datetime) -> Q:
    """The failure counts that are forgotten by now (see the module's docstring)."""
    below_limit_until = now - REMEMBERED_BELOW_LIMIT
    reached_limit_until = now - longest_cooloff() - FORGET_AFTER_LONGEST
    return Q(attempt_time__lte=below_limit_until) & (
        Q(failures_since_start__lt=settings.AXES_FAILURE_LIMIT) | Q(attempt_time__lte=reached_limit_until))


def remembered(*, now: dt.datetime) -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.exclude(_forgetting(now=now))


@dataclass(frozen=True)
class PairState:
    """One address's failures against one account (the address as shown: shown_address)."""

    address: str | None
    failures: int
    last_failure_at: dt.datetime

    @property
    def cooloff(self) -> dt.timedelta:
        return pair_cooloff(self.failures)

    @property
    def locked_until(self) -> dt.datetime | None:
        if self.failures < settings.AXES_FAILURE_LIMIT:
            return None
        return self.last_failure_at + self.cooloff

    def is_locked(self, *, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def pair_states(*, usernames: list[str], now: dt.datetime) -> dict[str, list[PairState]]:
    """Every remembered address failing at each of these accounts, latest first, in one query."""
    rows = (remembered(now=now).filter(username__in=usernames)
            .values("username", "ip_address")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .order_by("-last"))
    states: dict[str, list[PairState]] = {}
    for row in rows:
        states.setdefault(row["username"], []).append(
            PairState(address=shown_address(row["ip_address"]), failures=row["failures"], last_failure_at=row["last"]))
    return states


def pair_state(*, username: str, address: str | None, now: dt.datetime) -> PairState | None:
    """One address's remembered failures at one account, or None. Counted here rather than in
    the database: the pair has one row (LockoutHandler), and this runs on every sign-in."""
    rows = AccessAttempt.objects.filter(username=username, ip_address=address).values_list(
        "failures_since_start", "attempt_time")
    kept = [(failures, at) for failures, at in rows if not _forgotten(failures, at, now=now)]
    if not kept:
        return None
    return PairState(address=shown_address(address), failures=sum(failures for failures, _ in kept),
                     last_failure_at=max(at for _, at in kept))


def _forgotten(failures: int, at: dt.datetime, *, now: dt.datetime) -> bool:
    if failures < settings.AXES_FAILURE_LIMIT:
        return at <= now - REMEMBERED_BELOW_LIMIT
    return at <= now - longest_cooloff() - FORGET_AFTER_LONGEST


def account_failures(*, username: str, now: dt.datetime) -> int:
    """Remembered failures against one account, from every address."""
    counted = remembered(now=now).filter(username=username).aggregate(n=Sum("failures_since_start"))
    return counted["n"] or 0


# --- What django-axes calls (AXES_* settings) -------------------------------------------------


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client as the nearest trusted proxy saw it, as counted (see
    counted_address). Also what the anonymous-request limits count by (clinic/accounts/anonymous.py)."""
    return counted_address(audited_client_address(request, hops=settings.TRUSTED_PROXY_HOPS))


def counted_address(address: str | None) -> str | None:
    """The client an address is counted as: an IPv4 address as itself (also when written
    IPv4-mapped, ::ffff:192.0.2.7), an IPv6 address as the first address of its /64 network
    (2001:db8:1:2::), which the database's address columns take; anything that is not an
    address unchanged. shown_address says which /64 it stands for."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    if isinstance(parsed, ipaddress.IPv4Address):
        return str(parsed)
    host_bits = 128 - IPV6_NETWORK_BITS
    return str(ipaddress.IPv6Address(int(parsed) >> host_bits << host_bits))


def shown_address(counted: str | None) -> str | None:
    """A counted address as staff and the audit trail see it: an IPv6 one as the network it stands
    for (2001:db8:1:2::/64)."""
    try:
        is_ipv6 = isinstance(ipaddress.ip_address(counted or ""), ipaddress.IPv6Address)
    except ValueError:
        is_ipv6 = False
    return f"{counted}/{IPV6_NETWORK_BITS}" if is_ipv6 else counted


def counted_username(typed: str) -> str:
    """The account a typed username counts against: canonical, so "Director" and "director" are one.
    Folding can lengthen what was typed (one ligature becomes 18 letters), so the name is cut to the
    longest a username may be, which fits the lockout's and the audit trail's columns."""
    return canonical_username(typed)[:USERNAME_MAX_LENGTH]


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the account a request is about (counted_username)."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = getattr(request, REQUEST_USERNAME, None) or request.POST.get("username", "")
    return counted_username(str(typed))


def cooloff(request: HttpRequest | None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: the lock this request's account and address have earned so far."""
    if request is None or getattr(request, "axes_attempt_time", None) is None:
        return base_cooloff()
    state = pair_state(username=username_of(request, None), address=request.axes_ip_address,
                       now=request.axes_attempt_time)
    return pair_cooloff(state.failures if state else 0)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, keeping what the growing cool-off needs to remember."""

    def user_login_failed(self, sender: Any, credentials: dict, request: HttpRequest | None = None,
                          **kwargs: Any) -> None:
        if request is not None:
            # One count per account and address: the browser's name is the client's to choose, so
            # a new one each try must not start a new count.
            request.axes_user_agent = ""
        super().user_login_failed(sender, credentials, request, **kwargs)

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The remembered failures from this request's address at its account, or none once a count
        that reached the limit has served its cool-off (the lock ends the moment the lockout page
        said it would). One query, where axes' own would ask for the cool-off and the count apart."""
        now = request.axes_attempt_time
        state = pair_state(username=username_of(request, credentials), address=request.axes_ip_address,
                           now=now)
        if state is None or (state.locked_until is not None and not state.is_locked(now=now)):
            return 0
        return state.failures

    def clean_expired_user_attempts(self, request: HttpRequest | None = None,
                                    credentials: dict | None = None) -> int:
        """Forget the counts the module's docstring says are forgotten; axes' own cleaning would use
        this request's cool-off for everyone's counts and cut longer locks short."""
        if request is None or getattr(request, "axes_attempt_time", None) is None:
            return 0
        count, _ = AccessAttempt.objects.filter(_forgetting(now=request.axes_attempt_time)).delete()
        return count


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page a locked sign-in gets, saying how long the lock lasts."""
    now = request.axes_attempt_time
    state = pair_state(username=username_of(request, credentials), address=request.axes_ip_address,
                       now=now)
    failures = state.failures if state else settings.AXES_FAILURE_LIMIT
    locked_until = state.locked_until if state and state.locked_until else now + base_cooloff()
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": _minutes(pair_cooloff(failures)),
        "minutes_left": max(1, _minutes(locked_until - now)),
        "next_cooloff_minutes": _minutes(pair_cooloff(failures + 1)),
    }
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _minutes(duration: dt.timedelta) -> int:
    return round(duration.total_seconds() / 60)


# --- What the sign-in views call --------------------------------------------------------------


def is_locked(request: HttpRequest, *, username: str) -> bool:
    setattr(request, REQUEST_USERNAME, username)
    return AxesProxyHandler.is_locked(request, {"username": username})


def count_failed_code(request: HttpRequest, *, username: str) -> None:
    """Report a wrong second-factor code to axes as a failed sign-in, as authenticate() reports a
    wrong password; axes marks the request when this failure locks the account."""
    setattr(request, REQUEST_USERNAME, username)
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def counted_failures(request: HttpRequest) -> int | None:
    """The failures from this request's address at its account, this request's included, when
    axes counted it; None when it counted nothing (a try during a lock, or no sign-in attempt)."""
    return getattr(request, "axes_failures_since_start", None)


def locked_by_this_request(request: HttpRequest) -> bool:
    return bool(getattr(request, "axes_locked_out", False))


def request_address(request: HttpRequest) -> str | None:
    """The address axes counts this request's failures under."""
    AxesProxyHandler.update_request(request)
    return request.axes_ip_address


def clear(*, username: str, address: str | None) -> None:
    """Forget the failures against an account from one address (a completed sign-in from it)."""
    AccessAttempt.objects.filter(username=counted_username(username), ip_address=address).delete()


def unlock(*, username: str) -> int:
    """Forget the failures against an account from every address; return how many addresses."""
    attempts = AccessAttempt.objects.filter(username=counted_username(username))
    addresses = attempts.values("ip_address").distinct().count()
    attempts.delete()
    return addresses


def lockout_page(request: HttpRequest, *, username: str) -> HttpResponse:
    """The same page the password step gets when it is refused."""
    setattr(request, REQUEST_USERNAME, username)
    AxesProxyHandler.update_request(request)
    return lockout_response(request, None, {"username": username})
