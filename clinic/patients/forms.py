"""Forms that parse and validate patient input; the actions do the writing."""

import datetime as dt
import json
from typing import Any

from django import forms
from django.db.models import Q

from clinic.accounts.models import PRESCRIBING_ROLES, StaffUser
from clinic.patients import actions, names
from clinic.patients.models import (
    Allergy,
    BodyMeasurement,
    Indication,
    Medication,
    OtherDiagnosis,
    Patient,
    ReferringClinician,
    Result,
    TreatmentTrial,
)
from clinic.patients.models.records import DocumentKind
from clinic.patients.models.registry import NPI_DIGITS_MESSAGE
from clinic.rules import icd10, medicines, plausibility, safety_history, trial_fields
from clinic.rules.birth_date import ImplausibleBirthDate, check_birth_date
from clinic.rules.errors import DomainError
from clinic.rules.indications import check_code_for_indication
from clinic.rules.physiological_ranges import RANGES, plain
from clinic.rules.safety_history import SAFETY_LABELS
from clinic.rules.typed_values import parse_date, parse_decimal
from clinic.sites.queries import site_today

# What a date input holds when the browser could not read a date from it (fields.js says so, as the
# browser itself sends nothing): 30 February typed into the date picker, for one.
UNREADABLE_DATE = "unreadable"


class CheckedDateInput(forms.DateInput):
    """The browser's date picker; a date it could not read reaches the form as UNREADABLE_DATE rather
    than as an empty field, so the form says the date is impossible, not that it is required."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        if not value and data.get(f"{name}_unreadable"):
            return UNREADABLE_DATE
        return value


DATE_INPUT = CheckedDateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _refused(error: DomainError) -> forms.ValidationError:
    return forms.ValidationError(error.message, code=error.code)


class CheckedDateField(forms.DateField):
    """A date from the date picker, or typed as 2020-02-29 or 02/29/2020 where there is no picker; an
    impossible date (30 February) is named as such."""

    widget = DATE_INPUT

    def to_python(self, value: Any) -> dt.date | None:
        if value == UNREADABLE_DATE:
            raise forms.ValidationError(
                "The date typed does not exist (such as 30 Feb, or 31 Apr, Jun, Sep or Nov). "
                "Check the day against the month.", code="DATE_IMPOSSIBLE")
        if isinstance(value, str) and value.strip():
            try:
                return parse_date(value, field="")
            except DomainError as error:
                raise _refused(error) from None
        return super().to_python(value)


class TypedDecimalField(forms.DecimalField):
    """A number as people type it: "72,5" is 72.5; "1,250" is refused as ambiguous, never read as 1250."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(str(value), field="")
        except DomainError as error:
            raise _refused(error) from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal"}


def checked_fields(*names: str, decimals: tuple[str, ...] = ()) -> dict[str, type[forms.Field]]:
    """A ModelForm's field_classes: these date fields as CheckedDateField, the decimals as TypedDecimalField."""
    return {**dict.fromkeys(names, CheckedDateField), **dict.fromkeys(decimals, TypedDecimalField)}


def stored_name(form: forms.Form, field: str, *, label: str) -> str:
    """A person's name as the record stores it (clinic.patients.names): refused here, beside the other
    fields' errors, when it holds no letter, or when joining accents to their letters makes it longer
    than the field."""
    try:
        name = names.checked_name(form.cleaned_data[field], field=field, label=label,
                                  required=form.fields[field].required)
    except names.NameWithoutLetter as error:
        raise forms.ValidationError(error.message, code=error.code) from None
    max_length = form.fields[field].max_length
    if len(name) > max_length:
        raise forms.ValidationError(f"Shorten the {label} to {max_length} characters.", code="max_length")
    return name


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["site", "given_name", "family_name", "preferred_name", "birth_date", "sex", "email",
                  "phone", "address", "preferred_channel", "emergency_contact_name",
                  "emergency_contact_phone", "emergency_contact_relationship", "escort_name",
                  "escort_phone", "referral_source", "referring_clinician", "prescriber"]
        widgets = {"birth_date": DATE_INPUT, "address": forms.Textarea(attrs={"rows": 2})}
        field_classes = checked_fields("birth_date")

    def __init__(self, *args: Any, user: Any, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        self.fields["site"].queryset = user.sites.order_by("name")
        self.fields["site"].empty_label = None
        self.fields["referring_clinician"].queryset = ReferringClinician.objects.filter(
            organisation_id=user.organisation_id, active=True)
        self.fields["sex"].choices = [("", "—"), *list(self.fields["sex"].choices)[1:]]
        self._prescriber_field(user)

    def _prescriber_field(self, user: Any) -> None:
        """Clinical staff choose a registered patient's prescriber among the active prescribers and
        directors at the patient's site (the one on record stays offered, so a change is never silent)."""
        if not user.sees_clinical_data or self.instance.pk is None:
            del self.fields["prescriber"]
            return
        field = self.fields["prescriber"]
        field.queryset = StaffUser.objects.filter(
            Q(organisation_id=user.organisation_id, role__in=PRESCRIBING_ROLES, is_active=True,
              sites=self.instance.site_id) | Q(pk=self.instance.prescriber_id)).distinct().order_by(
            "last_name", "first_name", "username")
        field.empty_label = "None recorded: the site's medical directors are told of alerts"

    def clean_given_name(self) -> str:
        return stored_name(self, "given_name", label=actions.NAME_FIELDS["given_name"])

    def clean_family_name(self) -> str:
        return stored_name(self, "family_name", label=actions.NAME_FIELDS["family_name"])

    def clean_preferred_name(self) -> str:
        return stored_name(self, "preferred_name", label=actions.NAME_FIELDS["preferred_name"])

    def clean_emergency_contact_name(self) -> str:
        return stored_name(self, "emergency_contact_name", label=actions.NAME_FIELDS["emergency_contact_name"])

    def clean_escort_name(self) -> str:
        return stored_name(self, "escort_name", label=actions.NAME_FIELDS["escort_name"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        site = data.get("site") or getattr(self.instance, "site", None)
        if data.get("birth_date") and site is not None:
            try:
                check_birth_date(data["birth_date"], today=site_today(site=site, now=self.now))
            except ImplausibleBirthDate as error:
                self.add_error("birth_date", error.message)
        if data.get("referral_source") == "clinician" and not data.get("referring_clinician"):
            self.add_error("referring_clinician", "Choose the referring clinician, or change the "
                                                  "referral source. Add them to the directory first if new.")
        channel = data.get("preferred_channel")
        if channel == "email" and not data.get("email"):
            self.add_error("email", "Email is the preferred channel: enter an email address, "
                                    "or choose another channel.")
        if channel in {"sms", "phone"} and not data.get("phone"):
            self.add_error("phone", "Enter a phone number for the preferred channel, or choose another channel.")
        return data


class RegisterPatientForm(PatientForm):
    confirm_duplicate = forms.BooleanField(
        required=False, label="This is a different person with the same name and date of birth")


def _code_typed(typed: str) -> str:
    """The code of a picked option ("F33.2 Major depressive disorder, …" → "F33.2"), or the code as typed."""
    return icd10.normalise(typed.strip().split(" ", 1)[0]) if typed.strip() else ""


class IndicationForm(forms.ModelForm):
    """One search box for the code: typing "F33.2", "recurrent severe" or "PTSD" offers the seven
    indications' billable codes; the indication follows from the code when not chosen."""

    class Meta:
        model = Indication
        fields = ["icd10_code", "code", "is_primary", "noted_on", "active"]
        widgets = {"noted_on": DATE_INPUT,
                   "icd10_code": forms.TextInput(attrs={"list": "indication-codes", "autocomplete": "off",
                                                        "data-indication-picker": ""})}
        field_classes = checked_fields("noted_on")
        labels = {"code": "Indication", "is_primary": "Primary indication",
                  "icd10_code": "Diagnosis (ICD-10-CM code or words)"}
        help_texts = {"code": "Filled from the code; choose it only to check the code against it.",
                      "icd10_code": "e.g. F33.2, “recurrent severe” or PTSD, then pick from the list."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["icd10_code"].max_length = None  # a picked option holds the description too
        self.fields["icd10_code"].validators = []
        self.fields["icd10_code"].widget.attrs.pop("maxlength", None)
        self.fields["code"].required = False
        self.fields["code"].choices = [("", "— from the code —"), *list(self.fields["code"].choices)[1:]]

    def clean_icd10_code(self) -> str:
        code = _code_typed(self.cleaned_data["icd10_code"])
        try:
            icd10.describe(code)
        except icd10.UnknownDiagnosisCode as error:
            raise _refused(error) from None
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("icd10_code"):
            try:
                data["code"] = check_code_for_indication(indication=data.get("code") or None,
                                                         icd10_code=data["icd10_code"])
            except DomainError as error:
                self.add_error(error.field, error.message)
        return data


class OtherDiagnosisForm(forms.ModelForm):
    class Meta:
        model = OtherDiagnosis
        fields = ["icd10_code", "status", "onset_on", "resolved_on", "noted_on"]
        widgets = {"onset_on": DATE_INPUT, "resolved_on": DATE_INPUT, "noted_on": DATE_INPUT}
        field_classes = checked_fields("onset_on", "resolved_on", "noted_on")
        labels = {"onset_on": "Onset (if known)", "resolved_on": "Resolved (past diagnoses only)",
                  "noted_on": "Noted on"}
        help_texts = {"icd10_code": f"e.g. F31.81 or f3181. The description comes from the code set "
                                    f"({icd10.CODE_SET})."}

    def clean_icd10_code(self) -> str:
        """Checked here as well as in the action, so an unknown code shows beside the other fields' errors."""
        try:
            icd10.describe(self.cleaned_data["icd10_code"])
        except icd10.UnknownDiagnosisCode as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return icd10.normalise(self.cleaned_data["icd10_code"])


# The medicine picker: the name input offers the catalogue's names as one types (a <datalist>).
MEDICINE_PICKER = {"list": "medicine-catalogue", "autocomplete": "off", "data-medicine-picker": ""}


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "drug_class", "dose_text", "lorazepam_equivalent_mg_per_day", "started_on",
                  "stopped_on"]
        widgets = {"started_on": DATE_INPUT, "stopped_on": DATE_INPUT,
                   "name": forms.TextInput(attrs=MEDICINE_PICKER)}
        field_classes = checked_fields("started_on", "stopped_on", decimals=("lorazepam_equivalent_mg_per_day",))
        labels = {"lorazepam_equivalent_mg_per_day": "Lorazepam-equivalent (mg/day)",
                  "stopped_on": "Stopped on (leave empty if current)"}
        help_texts = {"name": "Type to search the catalogue; a catalogued medicine fills its class."}


class AllergyForm(forms.ModelForm):
    class Meta:
        model = Allergy
        fields = ["substance", "reaction", "severity"]


# The field each confirmable warning is about.
CONFIRMED_FIELDS = {plausibility.WEIGHT_CHANGE: "weight_kg", plausibility.HEIGHT_CHANGE: "height_cm"}


class ConfirmationsField(forms.MultipleChoiceField):
    """Ticked confirmations as (warning code, value confirmed) pairs; a box not offered on this page is
    still read, as the page that offered it is the one being sent back."""

    def valid_value(self, value: str) -> bool:
        code, _, typed = str(value).partition("=")
        return code in CONFIRMED_FIELDS and bool(typed)

    def clean(self, value: Any) -> list[tuple[str, str]]:
        return [tuple(entry.partition("=")[::2]) for entry in super().clean(value)]


class MeasurementForm(forms.ModelForm):
    """Weight, height, blood pressure and heart rate; a weight or height far from the last one comes back
    with a box to tick when the value is right (plausibility.CONFIRMABLE)."""

    # Each box's value names the warning and the value it was about ("WEIGHT_CHANGE=165"): a tick
    # confirms that value only, so a different far-off number typed after it is asked about again.
    confirmed = ConfirmationsField(required=False, widget=forms.CheckboxSelectMultiple, label="Confirm")

    class Meta:
        model = BodyMeasurement
        fields = ["measured_on", "weight_kg", "height_cm", "systolic_mmhg", "diastolic_mmhg",
                  "heart_rate_bpm"]
        widgets = {"measured_on": DATE_INPUT}
        field_classes = checked_fields("measured_on", decimals=("weight_kg", "height_cm"))
        labels = {"weight_kg": "Weight (kg)", "height_cm": "Height (cm)",
                  "systolic_mmhg": "Systolic BP (mmHg)", "diastolic_mmhg": "Diastolic BP (mmHg)",
                  "heart_rate_bpm": "Heart rate (beats/min)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The record's own validator refuses out-of-range values with the rules' message; the
        # field's generic bounds would answer first with another.
        for name, measure in RANGES.items():
            field = self.fields[name]
            field.validators = []
            field.min_value = field.max_value = None
            field.widget.attrs.update({"min": measure.low, "max": measure.high, "inputmode": "decimal"})
        # The confirmation box shows only once a change asks for it, with the value in its label.
        self.confirmations: list[tuple[str, str]] = []

    def ask_to_confirm(self, warnings: plausibility.ChangesToConfirm) -> None:
        """Show each pending warning beside its field with the box that says the value is right, and keep
        the boxes already ticked for the other warnings."""
        for warning in (*warnings.pending, *warnings.confirmed):
            typed = plain(self.cleaned_data[warning.field])
            self.confirmations.append((f"{warning.code}={typed}", warning.confirm_label))
        for warning in warnings.pending:
            self.add_error(warning.field, warning.message)
        self.fields["confirmed"].choices = self.confirmations

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["confirmed"] = [code for code, typed in data.get("confirmed", [])
                             if data.get(CONFIRMED_FIELDS[code]) is not None
                             and typed == plain(data[CONFIRMED_FIELDS[code]])]
        try:
            plausibility.check_blood_pressure(systolic_mmhg=data.get("systolic_mmhg"),
                                              diastolic_mmhg=data.get("diastolic_mmhg"))
        except DomainError as error:
            self.add_error(error.field, error.message)
        return data


class TreatmentTrialForm(forms.ModelForm):
    """Every kind's fields; each widget names the kinds it applies to (data-kinds), which fields.js shows
    alone, and the server refuses a field filled in for a kind it does not apply to."""

    class Meta:
        model = TreatmentTrial
        fields = ["kind", "name", "drug_class", "max_daily_dose", "dose_unit", "route", "weeks_at_adequate_dose",
                  "sessions_count", "adherence", "non_medical", "cognitive_effects", "outcome", "started_on",
                  "stopped_on", "reason_stopped", "current_episode", "source", "adequate_dose"]
        widgets = {"started_on": DATE_INPUT, "stopped_on": DATE_INPUT,
                   "name": forms.TextInput(attrs=MEDICINE_PICKER)}
        field_classes = checked_fields("started_on", "stopped_on", decimals=("max_daily_dose",))
        labels = {"current_episode": "In the current episode", "adequate_dose": "Adequate dose (prescriber)",
                  "weeks_at_adequate_dose": "Weeks at adequate dose", "max_daily_dose": "Highest daily dose"}
        help_texts = {"name": "A medicine, the type of therapy (CBT, DBT, IPT, EMDR, …) or the protocol."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["data-trial-kind"] = ""
        for name, field in self.fields.items():
            kinds = [kind for kind in trial_fields.FIELDS_BY_KIND if trial_fields.applies(kind, name)]
            field.widget.attrs["data-kinds"] = " ".join(kinds)
        self.fields["name"].widget.attrs["data-labels"] = json.dumps(dict(trial_fields.NAME_LABELS))
        # The name's suggestions follow the kind: medicines for a medicine, therapy types for a psychotherapy.
        self.fields["name"].widget.attrs["data-lists"] = json.dumps(
            {"medication": "medicine-catalogue", "psychotherapy": "therapy-types"})
        self.fields["weeks_at_adequate_dose"].widget.attrs["data-labels"] = json.dumps(
            dict(trial_fields.WEEKS_LABELS))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind"):
            try:
                trial_fields.check_fields_for_kind(kind=data["kind"], fields=data)
            except DomainError as error:
                self.add_error(error.field, error.message)
        return data


class ResultForm(forms.ModelForm):
    class Meta:
        model = Result
        fields = ["kind", "taken_on", "outcome", "summary"]
        widgets = {"taken_on": DATE_INPUT}
        field_classes = checked_fields("taken_on")


def medicine_catalogue() -> tuple[medicines.CatalogueMedicine, ...]:
    """What the medicine picker offers as one types."""
    return medicines.CATALOGUE


INTAKE_FORMS: dict[str, type[forms.ModelForm]] = {
    "indication": IndicationForm,
    "other_diagnosis": OtherDiagnosisForm,
    "medication": MedicationForm,
    "allergy": AllergyForm,
    "measurement": MeasurementForm,
    "treatment_trial": TreatmentTrialForm,
    "result": ResultForm,
}

class SafetyHistoryForm(forms.Form):
    """The safety history by topic (clinic.rules.safety_history.SAFETY_GROUPS): one set of boxes per
    group, each question a box ticked for Yes, and "None of these". What an answered or a blank group
    means is clinic.rules.safety_history.group_answers's rule."""

    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, before: dict[str, bool | None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before = before or {}
        for key, title, questions in safety_history.SAFETY_GROUPS:
            choices = [(name, SAFETY_LABELS[name]) for name in questions]
            self.fields[key] = forms.MultipleChoiceField(
                label=title, required=False, widget=forms.CheckboxSelectMultiple,
                choices=[*choices, (safety_history.NONE_OF_THESE, "None of these")])
        self.order_fields([key for key, _, _ in safety_history.SAFETY_GROUPS] + ["notes"])

    @staticmethod
    def initial_from(answers: dict[str, bool | None], notes: str) -> dict[str, Any]:
        """The boxes that show what is recorded: each Yes ticked, and "None of these" for a group
        answered No throughout."""
        initial: dict[str, Any] = {"notes": notes}
        for key, _, questions in safety_history.SAFETY_GROUPS:
            values = [answers.get(name) for name in questions]
            if all(value is False for value in values):
                initial[key] = [safety_history.NONE_OF_THESE]
            else:
                initial[key] = [name for name in questions if answers.get(name) is True]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ticked = {key: set(data.get(key) or ()) for key, _, _ in safety_history.SAFETY_GROUPS}
        shown = {key: set(self.initial.get(key) or ()) for key, _, _ in safety_history.SAFETY_GROUPS}
        try:
            self.cleaned_answers = safety_history.group_answers(ticked=ticked, shown=shown, before=self.before)
        except safety_history.SafetyAnswersConflict as error:
            self.add_error(error.field, error.message)
        return data

    def answers(self) -> dict[str, bool | None]:
        return self.cleaned_answers

    def groups(self) -> list[dict[str, Any]]:
        """Each group's field with the questions recorded in it as not asked, for the page."""
        rows = []
        for key, _, questions in safety_history.SAFETY_GROUPS:
            not_asked = [SAFETY_LABELS[name] for name in questions if self.before.get(name) is None]
            rows.append({"field": self[key], "not_asked": not_asked if len(not_asked) < len(questions) else []})
        return rows


class DocumentForm(forms.Form):
    # The clinic's own letters are written by clinic.letters, never uploaded; a signed consent is uploaded
    # from the Consent tab, which links it to its consent.
    kind = forms.ChoiceField(choices=[choice for choice in DocumentKind.choices
                                      if choice[0] not in (DocumentKind.LETTER, DocumentKind.CONSENT)])
    title = forms.CharField(max_length=200)
    document_date = CheckedDateField(label="Date on the document")
    file = forms.FileField(help_text="PDF, JPEG, PNG or TIFF.")


class ReferringClinicianForm(forms.ModelForm):
    class Meta:
        model = ReferringClinician
        fields = ["name", "credentials", "practice", "npi", "phone", "fax", "email", "address", "active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}
        labels = {"npi": "NPI (10 digits)"}
        # The model's validator checks the digits and the check digit; a number too long for the field
        # gets the same message.
        error_messages = {"npi": {"max_length": NPI_DIGITS_MESSAGE}}

    def clean_name(self) -> str:
        return stored_name(self, "name", label="clinician's name")
