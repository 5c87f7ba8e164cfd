from django import template

from clinic.web.drafts import take_saved

register = template.Library()


@register.simple_tag(takes_context=True)
def saved_forms(context: template.Context) -> str:
    """Space-separated names of the forms whose drafts clinic.js may now drop."""
    request = context.get("request")
    return " ".join(take_saved(request)) if request is not None else ""
