"""Plain forms of the Consent tab: counselling and signing on screen, a paper consent's scan, a withdrawal."""

import datetime as dt
import json
import zoneinfo
from typing import Any

from django import forms

from clinic.patients.models import Patient

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class CounsellingForm(forms.Form):
    """What the clinician records before the patient signs; times are the patient's site's."""

    document_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    counselled_at = forms.DateTimeField(
        label="Counselled at", input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Date and 24-hour time at the patient's site.")
    counselling_note = forms.CharField(
        label="What was discussed", max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The sections gone through, the patient's questions and the answers given.")

    def __init__(self, *args: Any, patient: Patient, now: dt.datetime, **kwargs: Any) -> None:
        self.zone = zoneinfo.ZoneInfo(patient.site.time_zone)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("counselled_at", now.astimezone(self.zone).replace(second=0, microsecond=0, tzinfo=None))
        super().__init__(*args, **kwargs)

    def clean_counselled_at(self) -> dt.datetime:
        return self.cleaned_data["counselled_at"].replace(tzinfo=None).replace(tzinfo=self.zone)


class SignOnScreenForm(CounsellingForm):
    signed_name = forms.CharField(label="Your full name", max_length=200,
                                  help_text="Type your first and last name to sign.",
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))
    signature_strokes = forms.CharField(required=False, widget=forms.HiddenInput)
    agree = forms.BooleanField(label="I have read this document, my questions were answered, and I consent to "
                                     "ketamine infusion treatment.")

    def clean_signature_strokes(self) -> list[Any]:
        raw = self.cleaned_data["signature_strokes"].strip()
        if not raw:
            return []
        try:
            strokes = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("The drawn signature could not be read. Clear it and sign again.") from None
        if not isinstance(strokes, list):
            raise forms.ValidationError("The drawn signature could not be read. Clear it and sign again.")
        return strokes


class PaperForm(CounsellingForm):
    signed_name = forms.CharField(label="Name as signed on the paper", max_length=200, required=False)
    document_date = forms.DateField(label="Date on the signed paper", widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label="Scan of the signed consent", help_text="PDF, JPEG, PNG or TIFF.")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why the patient withdraws", max_length=2_000,
                             widget=forms.Textarea(attrs={"rows": 2}))
