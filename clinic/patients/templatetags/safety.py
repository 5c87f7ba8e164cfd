"""The safety history by topic, for the pages that show it."""

from typing import Any

from django import template

from clinic.rules.safety_history import SAFETY_GROUPS, SAFETY_LABELS

register = template.Library()


@register.simple_tag
def safety_groups(history: Any) -> list[dict[str, Any]]:
    """Each topic with its Yes answers and the questions not yet asked (all of them while no safety
    history is recorded)."""
    answers = history.answers() if history is not None else {}
    return [{
        "title": title,
        "yes": [SAFETY_LABELS[name] for name in names if answers.get(name) is True],
        "not_asked": [SAFETY_LABELS[name] for name in names if answers.get(name) is None],
        "all_no": all(answers.get(name) is False for name in names),
        "none_asked": all(answers.get(name) is None for name in names),
    } for _, title, names in SAFETY_GROUPS]
