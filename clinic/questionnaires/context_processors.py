"""The open alert count beside "Alerts" in the main navigation, for clinical staff."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from clinic.questionnaires import queries


def alert_counts(request: HttpRequest) -> dict[str, object]:
    """{"all", "mine"} open alerts at the user's sites, read in one query when a page shows them (a
    partial that does not, such as a live page's poll, reads nothing). Nothing for front desk, who
    never see alerts."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "sees_clinical_data", False):
        return {}
    return {"alert_counts": SimpleLazyObject(lambda: queries.open_alert_counts(user=user))}
