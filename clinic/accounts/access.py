"""The one way views and API endpoints fetch an object by id for a user (style §5.7).

"Missing" and "not yours" raise the same Http404, so a URL never reveals that a record exists.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from clinic.accounts.models import CLINICAL_ROLES, Role

M = TypeVar("M", bound=Model)


def get_visible_or_404(queryset: QuerySet[M], *, user: Any, pk: Any) -> M:
    try:
        row = queryset.visible_to(user).filter(pk=pk).first()
    except (ValueError, TypeError):
        row = None
    if row is None:
        raise Http404("No such record.")
    return row


def require_roles(user: Any, roles: frozenset[str] | set[str]) -> None:
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied("Your role may not do this. Ask the medical director if you need it.")


def roles_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: only staff with one of these roles get in; others get 403."""
    allowed = frozenset(roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_roles(request.user, allowed)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


clinical_staff_only = roles_required(*CLINICAL_ROLES)
director_only = roles_required(Role.DIRECTOR)
