"""Times shown in a site's zone, named when it is not the zone of the site the user works at."""

import datetime as dt
import zoneinfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def site_time(value: dt.datetime | None, zone_name: str = "", fmt: str = "j M Y H:i") -> SafeString | str:
    """`value` in the zone `zone_name` (the zone the page runs in when empty), as a <time> element.

    The page runs in the zone of the site the user works at; a time of another site's zone carries
    that zone's abbreviation (EST, or UTC+14 where a zone has none), so 09:30 is never misread. So
    does a time in the hour a clock change repeats (01:30 EDT, then 01:30 EST).
    """
    if value is None:
        return ""
    working = timezone.get_current_timezone()
    zone = zoneinfo.ZoneInfo(zone_name) if zone_name else working
    local = value.astimezone(zone)
    # The date and the time may go on two lines in a narrow column, but neither breaks at its "-".
    day, _, clock = format_date(local, fmt).rpartition(" ")
    shown = format_html('<span class="nowrap">{}</span> <span class="nowrap">{}</span>', day, clock) if day \
        else clock
    if getattr(zone, "key", None) == getattr(working, "key", None) and not _repeated_hour(local):
        return format_html('<time datetime="{}">{}</time>', local.isoformat(), shown)
    return format_html('<time datetime="{}" title="{}">{}<span class="zone"> {}</span></time>',
                       local.isoformat(), getattr(zone, "key", zone_name), shown, zone_abbreviation(local))


def _repeated_hour(local: dt.datetime) -> bool:
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def zone_abbreviation(local: dt.datetime) -> str:
    """EST, EDT, SST…; zones without a letter abbreviation give their offset, as UTC+14."""
    name = local.tzname() or ""
    return f"UTC{name}" if name.startswith(("+", "-")) else name
