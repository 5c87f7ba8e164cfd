"""Forms that parse staff input on the patient's Questionnaires tab: the scales to ask for, a paper form or
a clinician's rating item by item, and a suicide risk assessment. The actions do the writing."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms

from clinic.patients.models import Patient
from clinic.questionnaires import actions
from clinic.questionnaires.models import Alert, AlertStatus, AssessmentOutcome, AssessmentRisk
from clinic.rules import scales
from clinic.rules.errors import DomainError
from clinic.rules.scales.base import Instrument, Item, answer_errors, describe_range, exact
from clinic.rules.typed_values import parse_decimal

# What each scale needs beside its items (design §4.4 "context"): name → (label, bounds, help).
CONTEXT_NUMBERS: dict[str, dict[str, tuple[str, tuple[int, int], str]]] = {
    "cadss": {"pre_dose_total": ("Pre-dose CADSS total", (0, 92),
                                 "The total of the CADSS taken before the dose; leave empty if none was taken.")},
    "midas": {"midas_a": ("A. Headache days in the last 3 months", (0, 92), "Not scored; days, 0 to 92."),
              "midas_b": ("B. Average headache pain, 0 (none) to 10 (as bad as it can be)", (0, 10),
                          "Not scored; 0 to 10.")},
}
# The answer a context field carries in a refusal's `items` (MIDAS "item A").
CONTEXT_ITEMS = {"A": "midas_a", "B": "midas_b"}


def patient_rated() -> list[Instrument]:
    """The scales a patient may answer themselves, which staff may ask for (clinician-rated ones are rated
    here, never sent)."""
    return [instrument for instrument in scales.INSTRUMENTS.values() if not actions.clinician_rated(instrument)]


def entry_mode(instrument: Instrument) -> str:
    """A patient's own scale entered by staff comes from a paper form; any other is a clinician's rating."""
    return "paper" if instrument.completed_by == "patient" else "interview"


class RequestForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Questionnaires to send", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one questionnaire to ask for."})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instruments"].choices = [(instrument.code, instrument.name) for instrument in patient_rated()]


def item_field(item: Item) -> str:
    return f"item_{item.number}"


class ItemAnswerField(forms.Field):
    """One number item: the number as typed (decimal comma allowed), checked against its range and step
    by the form."""

    def __init__(self, *, item: Item, **kwargs: Any) -> None:
        low, high = item.number_range
        attrs = {"min": str(low), "max": str(high), "step": str(item.step), "inputmode": "decimal"}
        super().__init__(required=False, widget=forms.NumberInput(attrs=attrs), **kwargs)
        self.item = item

    def to_python(self, value: Any) -> Decimal | int | None:
        if value in self.empty_values:
            return None
        try:
            return exact(parse_decimal(str(value), field=""))
        except DomainError as error:
            raise forms.ValidationError(f"{error.message} This item takes {describe_range(self.item)}.",
                                        code=error.code) from None


class EntryForm(forms.Form):
    """Every item of one scale: option items as radio buttons (the option's index), number items as
    numbers; and what the scale needs besides (AUDIT-C's sex the action takes from the patient's record).

    Nothing is required here: a draft keeps what is answered, and submitting refuses what is missing.
    An item whose skip-logic question was not answered to ask it is sent as not answered, whatever the
    page held."""

    def __init__(self, *args: Any, instrument: Instrument, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.patient = patient
        for item in instrument.items:
            label = f"{item.number}. {item.label}"
            if item.number_range is not None:
                self.fields[item_field(item)] = ItemAnswerField(item=item, label=label)
            else:
                self.fields[item_field(item)] = forms.TypedChoiceField(
                    label=label, required=False, coerce=int, empty_value=None, widget=forms.RadioSelect,
                    choices=[(str(index), option.label) for index, option in enumerate(item.options)])
        for name, (label, (low, high), help_text) in CONTEXT_NUMBERS.get(instrument.code, {}).items():
            self.fields[name] = forms.IntegerField(label=label, required=False, min_value=low, max_value=high,
                                                   help_text=help_text)
        if instrument.code == "fiqr":
            self.fields["multiple_answer_items"] = forms.TypedMultipleChoiceField(
                label="Items the patient marked more than once", required=False, coerce=int,
                widget=forms.CheckboxSelectMultiple, choices=[(str(item.number), str(item.number))
                                                              for item in instrument.items],
                help_text="Enter one rating for each such item; 3 or more make the form invalid.")

    @classmethod
    def initial_from(cls, answers: list[Any], context: dict[str, Any], instrument: Instrument) -> dict[str, Any]:
        """A saved draft's answers and context as the form's starting values."""
        initial: dict[str, Any] = {item_field(item): None if answer is None else str(answer)
                                   for item, answer in zip(instrument.items, answers, strict=False)}
        return initial | {name: value for name, value in context.items() if name != "sex"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Only answers the fields could read are checked against the scale; those it refuses are marked
        # at their items and left out, so a draft still keeps the others.
        for number, message in answer_errors(self.instrument, self._answers(data)).items():
            self.add_error(f"item_{number}", message)
        return data

    def _answers(self, data: dict[str, Any]) -> list[Any]:
        given = {item.number: data.get(item_field(item)) for item in self.instrument.items}
        return [None if item.asked_if is not None and given[item.asked_if[0]] != item.asked_if[1]
                else given[item.number] for item in self.instrument.items]

    def answers(self) -> list[Any]:
        """One answer per item in the published order; None for an item not answered, not asked or refused."""
        return self._answers(self.cleaned_data)

    def context(self) -> dict[str, Any]:
        context = {name: self.cleaned_data.get(name) for name in CONTEXT_NUMBERS.get(self.instrument.code, {})}
        if self.instrument.code == "fiqr":
            context["multiple_answer_items"] = sorted(self.cleaned_data.get("multiple_answer_items") or [])
        return {name: value for name, value in context.items() if value is not None}

    def mark_refused(self, error: DomainError) -> None:
        """Mark every item a refusal names (every unanswered item, both items of a MIDAS pair) and say
        why above the form."""
        items = getattr(error, "items", ()) or ()
        names = [CONTEXT_ITEMS.get(item, f"item_{item}") for item in items]
        if not names and (error.field or "").startswith("context."):
            names = [error.field.removeprefix("context.")]
        names = [name for name in names if name in self.fields]
        if len(names) == 1:
            self.add_error(names[0], error.message)
            return
        self.add_error(None, error.message)
        for name in names:
            unanswered = self.cleaned_data.get(name) in (None, "", [])
            self.add_error(name, "Answer this question." if unanswered else "Check this answer: see above.")


class RiskAssessmentForm(forms.Form):
    """A clinician's suicide risk assessment; the time is the patient's site's."""

    assessed_at = forms.DateTimeField(
        label="Assessed at", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Date and 24-hour time at the patient's site.")
    risk_level = forms.ChoiceField(label="Risk level", choices=AssessmentRisk.choices, widget=forms.RadioSelect)
    protective_factors = forms.CharField(label="Protective factors", widget=forms.Textarea(attrs={"rows": 3}))
    safety_plan = forms.CharField(label="Safety plan", widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label="Outcome", choices=AssessmentOutcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    alert = forms.ModelChoiceField(label="Answers the alert", queryset=Alert.objects.none(), required=False,
                                   empty_label="No alert")

    def __init__(self, *args: Any, patient: Patient, now: dt.datetime, **kwargs: Any) -> None:
        self.zone = zoneinfo.ZoneInfo(patient.site.time_zone)
        kwargs.setdefault("initial", {"assessed_at": now.astimezone(self.zone).replace(second=0, microsecond=0,
                                                                                        tzinfo=None)})
        super().__init__(*args, **kwargs)
        self.fields["alert"].queryset = Alert.objects.filter(patient=patient, status=AlertStatus.OPEN).order_by(
            "-raised_at", "-id")
        self.fields["alert"].label_from_instance = lambda alert: _alert_choice(alert, self.zone)

    def clean_assessed_at(self) -> dt.datetime:
        # The time typed is the site's: read it there, whatever zone the page runs in.
        return self.cleaned_data["assessed_at"].replace(tzinfo=None).replace(tzinfo=self.zone)


def _alert_choice(alert: Alert, zone: zoneinfo.ZoneInfo) -> str:
    raised = alert.raised_at.astimezone(zone)
    return f"{alert.get_kind_display()} ({alert.code}), raised {raised:%-d %b %Y %H:%M}"
