"""Forms of the alert inbox, the acknowledgement, a site's alert settings and a clinician's alert channel."""

import re
from typing import Any

from django import forms

from clinic.accounts.models import AlertChannel, StaffUser
from clinic.questionnaires import queries
from clinic.sites.models import Site

# What a mobile number is typed with: digits and the marks people put between them.
MOBILE_PATTERN = re.compile(r"\+?[\d\s().-]+")
MOBILE_MIN_DIGITS = 7


class InboxFilter:
    """Which alerts the inbox lists: by status (open, acknowledged or all), and only the user's own."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ALL = "all"
    CHOICES = ((OPEN, "Open"), (ACKNOWLEDGED, "Acknowledged"), (ALL, "All"))


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(choices=InboxFilter.CHOICES, required=False)
    mine = forms.BooleanField(required=False)

    def filters(self) -> tuple[str, bool]:
        """The status asked for (open when none or a wrong one) and whether only the user's own."""
        if not self.is_valid():
            return InboxFilter.OPEN, False
        return self.cleaned_data["status"] or InboxFilter.OPEN, self.cleaned_data["mine"]


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label="Action taken", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done: for example “Called the patient, safety plan reviewed, seen today at 14:00”.",
        error_messages={"required": "Write the action taken before acknowledging: it is kept with the alert."})


class AlertSettingsForm(forms.Form):
    on_call = forms.ModelChoiceField(
        queryset=StaffUser.objects.none(), required=False, label="On-call clinician",
        empty_label="No one on call",
        help_text="Told at once of every high-risk alert at this site, beside the patient's prescriber. With no one "
                  "on call, high-risk alerts go to the prescriber alone.")
    crisis_text = forms.CharField(
        label="Crisis text", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text="Shown to a patient whose answers raised a suicide alert. Leave empty for the default.")
    crisis_text_high = forms.CharField(
        label="Crisis text for high risk", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Shown instead when the risk is high. Leave empty for the default.")

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_call"].queryset = queries.on_call_candidates(site=site)
        self.fields["on_call"].label_from_instance = lambda member: f"{member} ({member.get_role_display()})"


class AlertChannelForm(forms.Form):
    alert_channel = forms.ChoiceField(
        choices=AlertChannel.choices, widget=forms.RadioSelect, label="Tell me of new alerts by")
    mobile_phone = forms.CharField(
        label="Mobile number", required=False, max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text="For text messages. The message names the patient by MRN only.")

    def clean_mobile_phone(self) -> str:
        phone = self.cleaned_data["mobile_phone"].strip()
        digits = sum(char.isdigit() for char in phone)
        if phone and (not MOBILE_PATTERN.fullmatch(phone) or digits < MOBILE_MIN_DIGITS):
            raise forms.ValidationError("Enter a mobile number with its area code, such as 555 014 2000.")
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (cleaned.get("alert_channel") == AlertChannel.SMS and not cleaned.get("mobile_phone")
                and "mobile_phone" not in self.errors):
            self.add_error("mobile_phone", "Text messages need a mobile number: enter one, or choose email.")
        return cleaned
