"""Parsing the course page's forms: opening a course, and a signed phase change."""

from collections.abc import Iterable
from typing import Any

from django import forms

from clinic.rules import course_phases, indications


class OpenCourseForm(forms.Form):
    indication = forms.ChoiceField(label="Indication", widget=forms.RadioSelect,
                                   error_messages={"required": "Choose the indication the course treats."})

    def __init__(self, *args: Any, indication_codes: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = list(indication_codes)
        self.fields["indication"].choices = [(code, indications.LABELS[code]) for code in codes]
        if len(codes) == 1 and not self.is_bound:
            self.initial["indication"] = codes[0]


class PhaseChangeForm(forms.Form):
    to_phase = forms.ChoiceField(label="Move the course to", widget=forms.RadioSelect,
                                 error_messages={"required": "Choose the phase the course moves to."})
    assessment_result = forms.ChoiceField(
        label="End-of-induction result", required=False,
        choices=[("", "Not recorded"), *course_phases.ASSESSMENT_RESULT_LABELS.items()],
        help_text="The primary scale's score 1–7 days after the last induction infusion against the baseline "
                  "(§6.2). Needed to continue to maintenance or more infusions.")
    interval_weeks = forms.IntegerField(
        label="Maintenance interval (weeks)", required=False, min_value=1, max_value=52,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter the interval in whole weeks."})
    alternatives = forms.MultipleChoiceField(
        label="Alternatives chosen with the patient", required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(course_phases.ALTERNATIVE_LABELS.items()))
    reason = forms.CharField(label="Reason for the decision", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Give the reason for this decision: it is signed and kept "
                                                         "with the course."})

    def __init__(self, *args: Any, course: Any, **kwargs: Any) -> None:
        # Each open course has its form on the page: ids apart, names plain.
        kwargs.setdefault("auto_id", f"course-{course.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].choices = [(phase, course_phases.LABELS[phase])
                                           for phase in course_phases.MOVES[course.phase]]
        if course.phase != course_phases.ASSESSMENT:
            del self.fields["assessment_result"]
        if course_phases.MAINTENANCE not in course_phases.MOVES[course.phase]:
            del self.fields["interval_weeks"]
        elif course.maintenance_interval_weeks and not self.is_bound:
            self.initial["interval_weeks"] = course.maintenance_interval_weeks
        if course_phases.REFERRED not in course_phases.MOVES[course.phase]:
            del self.fields["alternatives"]

    def decision(self) -> dict[str, Any]:
        """The cleaned fields as the action takes them."""
        data = self.cleaned_data
        return {"to_phase": data["to_phase"], "reason": data["reason"],
                "interval_weeks": data.get("interval_weeks"), "alternatives": data.get("alternatives") or [],
                "assessment_result": data.get("assessment_result") or None}
