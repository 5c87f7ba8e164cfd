from typing import Any

from django import template

from clinic.protocols.views import display

register = template.Library()

TAG_WORDS = {"L": "Literature", "D": "Clinic default", "U": "Unverified"}


@register.filter
def in_words(value: Any, spec: Any) -> str:
    return display(spec, value)


@register.filter
def tag_word(tag: str) -> str:
    return TAG_WORDS.get(tag, tag)
