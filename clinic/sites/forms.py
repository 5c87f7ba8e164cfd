import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.core.validators import RegexValidator

from clinic.sites.models import WEEKDAYS, Site, validate_time_zone

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def time_zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class SiteForm(forms.Form):
    name = forms.CharField(max_length=200)
    code = forms.CharField(
        max_length=12,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", "Use letters, digits and - only, e.g. MAIN.")],
        help_text="Short code used in medical record numbers, e.g. MAIN.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters"}),
    )
    time_zone = forms.CharField(
        max_length=64, validators=[validate_time_zone],
        help_text="Where the site is, e.g. America/Chicago. Times at this site are shown in it.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(max_length=40, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))

    @classmethod
    def initial_for(cls, site: Site) -> dict[str, str]:
        return {name: getattr(site, name) for name in cls.base_fields}


class OpeningHoursForm(forms.Form):
    """Two times per weekday; both empty means closed that day."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, _ in WEEKDAYS:
            self.fields[f"{code}_opens"] = forms.TimeField(label="Opens", required=False,
                                                           widget=TIME_INPUT)
            self.fields[f"{code}_closes"] = forms.TimeField(label="Closes", required=False,
                                                            widget=TIME_INPUT)

    @staticmethod
    def initial_for(week: list) -> dict[str, dt.time]:
        initial = {}
        for day in week:
            if day.hours is not None:
                initial[f"{day.weekday}_opens"] = day.hours.opens_at
                initial[f"{day.weekday}_closes"] = day.hours.closes_at
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for code, label in WEEKDAYS:
            opens, closes = f"{code}_opens", f"{code}_closes"
            if self.has_error(opens) or self.has_error(closes):
                continue
            if (data.get(opens) is None) != (data.get(closes) is None):
                missing = closes if data.get(closes) is None else opens
                self.add_error(missing, f"Enter both times for {label}, or leave both empty if "
                                        "the site is closed that day.")
        return data

    def hours(self) -> dict[str, tuple[dt.time, dt.time] | None]:
        data = self.cleaned_data
        return {code: (data[f"{code}_opens"], data[f"{code}_closes"]) if data.get(f"{code}_opens") else None
                for code, _ in WEEKDAYS}

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """Each weekday's label with its two fields, for a table of the week."""
        return [(label, self[f"{code}_opens"], self[f"{code}_closes"]) for code, label in WEEKDAYS]


class ClosedDateForm(forms.Form):
    closed_on = forms.DateField(label="Closed on", widget=DATE_INPUT,
                                error_messages={"invalid": "Enter the date as YYYY-MM-DD, e.g. 2026-12-25."})
    reason = forms.CharField(max_length=200, required=False,
                             help_text="Shown to staff, e.g. Christmas Day.")


class ChairForm(forms.Form):
    name = forms.CharField(max_length=60, label="Chair name", help_text="e.g. Chair 7 or Window bay.")
