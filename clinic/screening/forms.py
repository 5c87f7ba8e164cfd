"""The eligibility decision and addendum forms. Fields are plain text; the rules of signing live in
actions.sign_decision, which names the field of every refusal."""

from typing import Any

from django import forms

from clinic.screening.models import Outcome, ScreeningRun

CAUTION_PREFIX = "caution_"


class DecisionForm(forms.Form):
    """One decision on the run shown: the outcome, the summary, one written decision per caution, and the
    conditions for "eligible with conditions"."""

    run = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label="Summary", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="What you decided and why. It is printed in the letters to the patient "
                                        "and to the referring clinician.")
    conditions = forms.CharField(label="Conditions", required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text="Only for \"eligible with conditions\": what the patient is to do. It is "
                                           "printed in the letters to the patient and to the referring clinician.")

    def __init__(self, *args: Any, run: ScreeningRun, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"run": run.pk})
        super().__init__(*args, **kwargs)
        self.cautions = run.cautions
        for finding in self.cautions:
            self.fields[CAUTION_PREFIX + finding["code"]] = forms.CharField(
                label=f"Your decision on: {finding['title']}", required=False, max_length=5000,
                help_text=f"{finding['message']} Your decision is printed in the letter to the referring clinician, "
                          "never in the patient's.", widget=forms.Textarea(attrs={"rows": 2}))

    def caution_fields(self) -> list[forms.BoundField]:
        return [self[CAUTION_PREFIX + finding["code"]] for finding in self.cautions]

    def caution_decisions(self) -> dict[str, str]:
        return {finding["code"]: self.cleaned_data[CAUTION_PREFIX + finding["code"]] for finding in self.cautions}


class AddendumForm(forms.Form):
    text = forms.CharField(label="Addendum", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
