"""Requests from people not signed in (wrong passwords, password-reset requests), counted per client
address and clock hour, so that they cannot flood the audit trail or hold up its chains.

Each such request may write an audit event, and every event waits for its chain's head lock, which
each audited page view of the organisation also takes (clinic.audit.actions.record_event). So, per
client address (as the lockout counts it: behind TRUSTED_PROXY_HOPS, an IPv6 client by its /64
network, lockout.counted_address) and clock hour (UTC):

- Limit: the first ANONYMOUS_AUDIT_EVENTS_PER_HOUR events (20) are written. The next request that
  would write one writes instead `accounts.anonymous_requests_unaudited`, saying that further ones
  from the address are counted only until the hour ends; after it, nothing more until then.
- De-duplication: the same action with the same key (a username no account has, or the email a
  reset was asked for, both as compared: the canonical username, the email in lower case) writes
  one event in the hour. The repeats are counted in the key's row of AnonymousRequestTally, not
  carried into a later event: a failed sign-in's own count is the lockout's tally, and the event
  that locks a name carries it (`failures_from_address`).
- Password-reset requests past five times the limit in the hour (100) are refused with a 429.

Everything is decided before any chain is locked. The tally rows belong to the address alone; they
are locked only for the short transaction that counts the request (so two requests at once cannot
both take the last place), and that transaction commits before the event, if any, waits for its
chain. Requests from one address therefore queue on their own row, and one that writes nothing
never touches a chain. Rows older than a week are deleted by the first request of an address's hour.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from clinic.accounts import lockout
from clinic.accounts.models import AnonymousRequestTally

UNAUDITED_ACTION = "accounts.anonymous_requests_unaudited"
KEPT = dt.timedelta(days=7)
RESET_REQUESTS_PER_EVENT_LIMIT = 5


class Verdict:
    WRITE = "write"            # write this request's event(s)
    LIMIT = "limit"            # write the one event saying the rest of the hour is counted only
    COUNT_ONLY = "count_only"  # counted, nothing written
    REFUSE = "refuse"          # too many requests: answer 429


@dataclass(frozen=True)
class Admission:
    verdict: str
    address: str
    hour_start: dt.datetime
    requests_this_hour: int

    @property
    def writes(self) -> bool:
        return self.verdict in (Verdict.WRITE, Verdict.LIMIT)

    def unaudited_data(self, *, action: str) -> dict[str, Any]:
        """What the limit's event holds: the address, the limit, until when the rest are counted only."""
        return {"address": lockout.shown_address(self.address or None), "limit_per_hour": events_per_hour(),
                "requests_this_hour": self.requests_this_hour, "first_unaudited_action": action,
                "counted_only_until": (self.hour_start + dt.timedelta(hours=1)).isoformat()}


def events_per_hour() -> int:
    return settings.ANONYMOUS_AUDIT_EVENTS_PER_HOUR


def reset_requests_per_hour() -> int:
    return RESET_REQUESTS_PER_EVENT_LIMIT * events_per_hour()


def hour_start_of(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def admit(*, address: str | None, now: dt.datetime, action: str, key: str | None = None,
          events: int = 1, refuse_past: int | None = None) -> Admission:
    """Count one request from `address` and say what it may write.

    `key` de-duplicates: a repeat of the same action and key in the hour writes nothing (None: each
    request may write, e.g. a failure against a real account, which the lockout already bounds).
    `events` is how many events the request writes when admitted (a reset for an email that several
    accounts share writes one each). `refuse_past`: this action's requests from the address in the
    hour beyond that many are refused.
    """
    address = address or ""
    hour_start = hour_start_of(now)
    with transaction.atomic():
        total = _locked_row(address=address, hour_start=hour_start, action="", key="")
        total.requests += 1
        repeat = False
        if key is not None:
            row = _locked_row(address=address, hour_start=hour_start, action=action, key=key[:254])
            row.requests += 1
            repeat = row.requests > 1
            row.save(update_fields=["requests"])
        verdict = _verdict(total=total, repeat=repeat, events=events,
                           refused=refuse_past is not None and _requests(total, action) > refuse_past)
        total.save(update_fields=["requests", "events"])
    return Admission(verdict=verdict, address=address, hour_start=hour_start,
                     requests_this_hour=total.requests)


def _verdict(*, total: AnonymousRequestTally, repeat: bool, events: int, refused: bool) -> str:
    """Decide, and take the places in the address's count of events."""
    limit = events_per_hour()
    if refused:
        return Verdict.REFUSE
    if repeat or total.events > limit:
        return Verdict.COUNT_ONLY
    if total.events + events <= limit:
        total.events += events
        return Verdict.WRITE
    total.events = limit + 1
    return Verdict.LIMIT


def _locked_row(*, address: str, hour_start: dt.datetime, action: str, key: str) -> AnonymousRequestTally:
    row, created = AnonymousRequestTally.objects.select_for_update().get_or_create(
        address=address, hour_start=hour_start, action=action, key=key)
    if created and not action:
        AnonymousRequestTally.objects.filter(hour_start__lt=hour_start - KEPT).delete()
    return row


def _requests(total: AnonymousRequestTally, action: str) -> int:
    """This action's requests from the address in the hour, this one included."""
    counted = AnonymousRequestTally.objects.filter(
        address=total.address, hour_start=total.hour_start, action=action).aggregate(n=Sum("requests"))
    return counted["n"] or 0
