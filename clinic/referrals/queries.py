"""Reads of the referral queue shared by its pages."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from clinic.patients import names
from clinic.referrals.models import Referral, ReferralStatus, ReferralStatusChange

OPEN = "open"
REGISTERED = "registered"
ALL = "all"
# The queue's filters in the order its tabs show them: the open referrals, each status of those not yet
# registered, the registered ones and every one.
FILTERS: tuple[tuple[str, str], ...] = (
    (OPEN, "Open"), *ReferralStatus.choices, (REGISTERED, "Registered"), (ALL, "All"))
FILTER_CODES = frozenset(code for code, _ in FILTERS)


def _filtered(referrals: QuerySet[Referral], status: str) -> QuerySet[Referral]:
    if status == OPEN:
        return referrals.open()
    if status == REGISTERED:
        return referrals.filter(patient__isnull=False)
    if status == ALL:
        return referrals
    return referrals.filter(status=status, patient__isnull=True)


def _named(referrals: QuerySet[Referral], query: str) -> QuerySet[Referral]:
    """Referrals whose family or given name holds every word typed, folded as names are ("munoz" finds
    Muñoz)."""
    for word in names.name_key(query).split():
        referrals = referrals.filter(name_key__contains=word)
    return referrals


def queue(*, user: Any, status: str = OPEN, query: str = "") -> QuerySet[Referral]:
    """The user's sites' referrals with this filter, oldest first, with what each row shows: referrer,
    site and the latest status change."""
    latest = ReferralStatusChange.objects.order_by("-happened_on", "-recorded_at", "-id")
    return (_named(_filtered(Referral.objects.visible_to(user), status), query)
            .select_related("site", "referring_clinician", "patient")
            .prefetch_related(Prefetch("changes", queryset=latest, to_attr="changes_newest_first"))
            .order_by("received_on", "id"))


def queue_counts(*, user: Any, query: str = "") -> dict[str, int]:
    """How many of the user's sites' referrals each filter holds, read in one query."""
    referrals = _named(Referral.objects.visible_to(user), query)
    unregistered = Q(patient__isnull=True)
    counts = referrals.aggregate(
        **{OPEN: Count("pk", filter=unregistered & ~Q(status=ReferralStatus.DECLINED)),
           REGISTERED: Count("pk", filter=Q(patient__isnull=False)),
           ALL: Count("pk"),
           **{status: Count("pk", filter=unregistered & Q(status=status)) for status in ReferralStatus.values}})
    return {code: counts[code] for code, _ in FILTERS}


def referral_detail(*, user: Any, referral_id: Any) -> Referral | None:
    """One referral of the user's sites with its whole status history, oldest change first."""
    history = ReferralStatusChange.objects.select_related("recorded_by").order_by("happened_on", "recorded_at", "id")
    try:
        return (Referral.objects.visible_to(user)
                .select_related("site", "referring_clinician", "patient", "created_by")
                .prefetch_related(Prefetch("changes", queryset=history, to_attr="history"))
                .filter(pk=referral_id).first())
    except (TypeError, ValueError):
        return None
