from typing import Any

from django import template

register = template.Library()


@register.filter
def svg_points(stroke: list[Any]) -> str:
    """A stroke's [[x, y], ...] as an SVG polyline's points."""
    return " ".join(f"{int(x)},{int(y)}" for x, y in stroke)
