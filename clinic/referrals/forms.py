"""Forms that parse and validate referral input; the actions do the writing."""

import datetime as dt
from typing import Any

from django import forms

from clinic.patients.forms import DATE_INPUT, CheckedDateField, stored_name
from clinic.patients.models import Patient, ReferringClinician
from clinic.patients.models.registry import ReferralSource
from clinic.referrals.models import Referral, ReferralStatus
from clinic.rules.birth_date import ImplausibleBirthDate, check_birth_date
from clinic.rules.errors import DomainError
from clinic.sites.queries import site_today

# Typed as 14:30: the browser's own time picker follows its locale, which may ask for AM and PM.
TIME_INPUT = forms.TimeInput(attrs={"inputmode": "numeric", "placeholder": "14:30", "autocomplete": "off",
                                    "size": 5}, format="%H:%M")


def _check_birth_date(form: forms.Form, site: Any, now: dt.datetime) -> None:
    birth_date = form.cleaned_data.get("birth_date")
    if birth_date and site is not None:
        try:
            check_birth_date(birth_date, today=site_today(site=site, now=now))
        except ImplausibleBirthDate as error:
            form.add_error("birth_date", error.message)


class ReferralForm(forms.ModelForm):
    letter = forms.FileField(label="Referral letter", required=False,
                                  help_text="A PDF, JPEG, PNG or TIFF scan of the letter, if there is one.")

    class Meta:
        model = Referral
        fields = ["site", "received_on", "source", "referring_clinician", "given_name", "family_name", "birth_date",
                  "sex", "phone", "email", "reason", "indication"]
        widgets = {"received_on": DATE_INPUT, "birth_date": DATE_INPUT, "reason": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"received_on": CheckedDateField, "birth_date": CheckedDateField}
        labels = {"indication": "Indication, if the letter names one"}

    def __init__(self, *args: Any, user: Any, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        self.fields["site"].queryset = user.sites.order_by("name")
        self.fields["site"].empty_label = None
        self.fields["referring_clinician"].queryset = ReferringClinician.objects.filter(
            organisation_id=user.organisation_id, active=True)
        self.fields["sex"].choices = [("", "Not given"), *list(self.fields["sex"].choices)[1:]]
        self.fields["indication"].choices = [("", "Not named"), *list(self.fields["indication"].choices)[1:]]

    def clean_given_name(self) -> str:
        return stored_name(self, "given_name", label="given name")

    def clean_family_name(self) -> str:
        return stored_name(self, "family_name", label="family name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_birth_date(self, data.get("site"), self.now)
        site = data.get("site")
        received_on = data.get("received_on")
        if received_on and site is not None and received_on > site_today(site=site, now=self.now):
            self.add_error("received_on", "The date received is after today at the site. Check the day and the year.")
        if data.get("source") == ReferralSource.CLINICIAN and not data.get("referring_clinician"):
            self.add_error("referring_clinician", "Choose the referring clinician, or change the referral source. "
                                                  "Add them to the directory first if new.")
        return data


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label="New status", widget=forms.RadioSelect)
    happened_on = CheckedDateField(label="Date", help_text="The day it happened, at the referral's site.")
    consultation_on = CheckedDateField(label="Consultation date", required=False)
    consultation_time = forms.TimeField(label="Consultation time", required=False, widget=TIME_INPUT,
                                        help_text="24-hour time at the referral's site, e.g. 14:30.")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="For example: left a voicemail; booked with Dr Hale; declined by phone.")

    def __init__(self, *args: Any, referral: Referral, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"happened_on": today})
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["status"].choices = [(status, labels[status]) for status in referral.next_statuses]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The consultation's date and time belong to a booking alone: left over from another choice, they go.
        if data.get("status") != ReferralStatus.CONSULTATION_BOOKED:
            data["consultation_on"] = data["consultation_time"] = None
        return data


class RegisterForm(forms.ModelForm):
    """What registration needs beyond the referral: checked, and asked where the referral lacks it."""

    confirm_duplicate = forms.BooleanField(
        required=False, label="This is a different person with the same name and date of birth")

    class Meta:
        model = Patient
        fields = ["given_name", "family_name", "birth_date", "sex", "phone", "email", "preferred_channel"]
        widgets = {"birth_date": DATE_INPUT}
        field_classes = {"birth_date": CheckedDateField}

    def __init__(self, *args: Any, referral: Referral, now: dt.datetime, **kwargs: Any) -> None:
        if not args or args[0] is None:
            kwargs.setdefault("initial", initial_from(referral))
        super().__init__(*args, **kwargs)
        self.referral, self.now = referral, now
        self.fields["sex"].choices = [("", "—"), *list(self.fields["sex"].choices)[1:]]

    def clean_given_name(self) -> str:
        return stored_name(self, "given_name", label="given name")

    def clean_family_name(self) -> str:
        return stored_name(self, "family_name", label="family name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_birth_date(self, self.referral.site, self.now)
        channel = data.get("preferred_channel")
        if channel == "email" and not data.get("email"):
            self.add_error("email", "Email is the preferred channel: enter an email address, or choose another "
                                    "channel.")
        if channel in {"sms", "phone"} and not data.get("phone"):
            self.add_error("phone", "Enter a phone number for the preferred channel, or choose another channel.")
        return data

    def patient_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "confirm_duplicate"}


def initial_from(referral: Referral) -> dict[str, Any]:
    """The registration's fields as the referral gives them; phone first when there is no email."""
    return {"given_name": referral.given_name, "family_name": referral.family_name,
            "birth_date": referral.birth_date, "sex": referral.sex, "phone": referral.phone,
            "email": referral.email, "preferred_channel": "email" if referral.email else "phone"}


def domain_error_to_form(form: forms.Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)
