import json
from typing import Any

from django import template

from clinic.screening.models import FindingKind

register = template.Library()

GROUPS = (("Hard stops", FindingKind.HARD_STOP), ("Cautions", FindingKind.CAUTION),
          ("For information", FindingKind.INFORMATION))


@register.filter
def findings_groups(run: Any) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """The run's findings as (heading, kind, findings), hard stops first."""
    return [(label, str(kind), run.of_kind(kind)) for label, kind in GROUPS]


@register.filter
def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
