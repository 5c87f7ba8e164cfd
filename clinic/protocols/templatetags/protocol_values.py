from typing import Any

from django import template

register = template.Library()

TAG_WORDS = {"L": "Literature", "D": "Clinic default", "U": "Unverified"}


@register.filter
def in_words(value: Any, spec: Any) -> str:
    return display(spec, value)


def display(spec: Any, value: Any) -> str:
    """A setting's value in words: "Not set", Yes/No, lists joined, mappings as pairs."""
    if value is None:
        return "Not set"
    if spec.kind == "bool":
        return "Yes" if value else "No"
    if spec.kind == "choice":
        return dict(spec.choices).get(value, str(value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "None"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_in_words(item)}" for key, item in value.items()) or "None"
    return str(value)


def _in_words(item: Any) -> str:
    """One entry of a table of settings: a nested row as its set parts ("value 50")."""
    if isinstance(item, dict):
        parts = [f"{name.replace('_', ' ')} {_in_words(part)}" for name, part in item.items()
                 if part not in (None, "") and name not in ("tag", "source")]
        return "(" + ", ".join(parts) + ")" if parts else "—"
    return str(item)



@register.filter
def tag_word(tag: str) -> str:
    return TAG_WORDS.get(tag, tag)
