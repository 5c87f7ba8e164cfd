"""The audit search form: parses the director's filters into AuditFilters."""

from datetime import datetime, time, timedelta, tzinfo

from django import forms

from clinic.audit.queries import AuditFilters


class DateInput(forms.DateInput):
    input_type = "date"


class AuditSearchForm(forms.Form):
    patient = forms.CharField(required=False, max_length=100, label="Patient",
                              widget=forms.TextInput(attrs={"placeholder": "Name or MRN"}))
    staff = forms.CharField(required=False, max_length=150, label="Staff username")
    action = forms.CharField(required=False, max_length=80, label="Action starts with",
                             widget=forms.TextInput(attrs={"placeholder": "patients."}))
    date_from = forms.DateField(required=False, label="From", widget=DateInput)
    date_to = forms.DateField(required=False, label="To (inclusive)", widget=DateInput)
    refusals = forms.BooleanField(required=False, label="Refusals only",
                                  help_text="Pages and API calls refused to signed-in staff.")

    def clean(self) -> dict:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError("The “from” date is after the “to” date. Swap the two dates.")
        return cleaned

    def filters(self, *, zone: tzinfo) -> AuditFilters:
        """The filters, with dates read as whole days in `zone` (the zone of the site the director works at)."""
        data = self.cleaned_data
        return AuditFilters(
            patient=data["patient"].strip(),
            staff_username=data["staff"].strip(),
            action_prefix=data["action"].strip(),
            occurred_from=_day_start(data["date_from"], zone),
            occurred_before=_day_start(data["date_to"] and data["date_to"] + timedelta(days=1), zone),
            refusals_only=data["refusals"],
        )

    def given(self) -> dict[str, str]:
        """The filters as typed, for the audit event of the search itself."""
        return {name: str(self.data[name])[:150] for name in self.fields if self.data.get(name)}


def _day_start(day, zone: tzinfo) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=zone) if day else None
