"""Failed sign-ins counted per username by django-axes (AXES_FAILURE_LIMIT, AXES_COOLOFF_MINUTES).

Wrong passwords and wrong second-factor codes count alike, so a stolen password does not buy
unlimited guesses at the code. The count is cleared only when both steps succeed
(actions.record_login), not when the password alone is right.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse


def is_locked(request: HttpRequest, *, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": username})


def count_failed_code(request: HttpRequest, *, username: str) -> None:
    """Report a wrong second-factor code to axes as a failed sign-in, as authenticate() reports a
    wrong password; axes marks the request when this failure locks the account."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def locked_by_this_request(request: HttpRequest) -> bool:
    return bool(getattr(request, "axes_locked_out", False))


def clear(*, username: str) -> None:
    AxesProxyHandler.reset_attempts(username=username)


def lockout_page(request: HttpRequest, *, username: str) -> HttpResponse:
    """The same page axes shows when the password step is refused (AXES_LOCKOUT_TEMPLATE)."""
    return get_lockout_response(request, None, {"username": username})
