from django.conf import settings
from django.http import HttpRequest


def deployment(request: HttpRequest) -> dict[str, object]:
    """Tell every page whether this is the demo clinic, so the banner can say so."""
    return {"demo_mode": settings.DEMO_MODE}


def working_site(request: HttpRequest) -> dict[str, object]:
    """The site the user is working at, and the others they may switch to, for the page header."""
    site = getattr(request, "working_site", None)
    # A view may sign the user out on its way (a locked account), after the site was chosen.
    if site is None or not request.user.is_authenticated:
        return {}
    return {"working_site": site, "user_sites": request.user.site_rows()}
