"""Bearer tokens: `Authorization: Bearer <token>`, checked on every call."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from clinic.accounts.tokens import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The active staff member the token belongs to; None (a 401) for anything else."""
        return user_for_token(raw_token=token, now=timezone.now())
