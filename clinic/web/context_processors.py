from django.conf import settings
from django.http import HttpRequest


def deployment(request: HttpRequest) -> dict[str, object]:
    """Tell every page whether this is the demo clinic, so the banner can say so."""
    return {"demo_mode": settings.DEMO_MODE}
