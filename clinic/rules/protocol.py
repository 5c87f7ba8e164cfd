"""What every clinic protocol shares: the refusal of settings the rules cannot apply, and the
evidence tag each setting carries.

Source: clinical-reference §1. Every rule is tagged [L] (literature, a label, a guideline or a
regulation), [D] (a shipped default the medical director may change) or [U] (unsettled or
unverified: kept configurable, never shown as fact).
"""

from collections.abc import Iterable
from typing import Any

from clinic.rules.errors import DomainError

UNVERIFIED = "U"


class InvalidProtocol(DomainError):
    """Settings the rules cannot apply (an unknown option, an impossible limit)."""

    code = "INVALID_PROTOCOL"


# The name the dosing, eligibility and TRD modules use for the same refusal.
ProtocolInvalid = InvalidProtocol


def tagged(tag: str, source: str, *, required: bool = False, blocks: str = "") -> dict[str, Any]:
    """Field metadata a settings page shows: the evidence tag, its source, and whether verified.

    A `required` setting has no shipped value; `blocks` says what waits until it is set.
    """
    metadata: dict[str, Any] = {"tag": tag, "source": source, "verified": tag != UNVERIFIED}
    if required:
        metadata.update(required=True, blocks=blocks)
    return metadata


class Tagged:
    """A threshold that carries its evidence tag ("L", "D" or "U"); "U" is never shown as fact."""

    tag: str

    @property
    def verified(self) -> bool:
        return self.tag != UNVERIFIED


def require_at_least_one(settings: object, names: Iterable[str]) -> None:
    """Refuse settings where any of the named counts or intervals is below 1."""
    for name in names:
        if getattr(settings, name) < 1:
            raise InvalidProtocol(f"{name} must be at least 1.", field=name)
