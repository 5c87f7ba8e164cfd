"""The form of one protocol section, built from the rules' field specs: every field as the rules
define it, its tag and source beside it, values kept as typed when the rules refuse them."""

import json
from collections.abc import Mapping
from typing import Any

from django import forms

from clinic.rules import protocols as catalogue

LIST_HELP = "Separate values with commas."
MAPPING_HELP = "One per line, as key: value."
NESTED_HELP = "A table in JSON, one entry per scale, as shown."


class SectionForm(forms.Form):
    reason = forms.CharField(label="Why this change", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Kept with the new version and shown in its history.")
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, specs: tuple[catalogue.FieldSpec, ...], values: Mapping[str, Any],
                 based_on: int, **kwargs: Any) -> None:
        initial = {spec.name: as_text(spec, values.get(spec.name, spec.default)) for spec in specs}
        initial["based_on"] = based_on
        super().__init__(*args, initial=initial, **kwargs)
        self.specs = specs
        for spec in specs:
            self.fields[spec.name] = _form_field(spec)
        # The reason comes last, under the settings it explains.
        self.order_fields([spec.name for spec in specs] + ["reason"])

    def section_values(self) -> dict[str, Any]:
        """The cleaned form as the rules' `build` takes it (decimals as text, lists as lists)."""
        return {spec.name: _parsed(spec, self.cleaned_data.get(spec.name)) for spec in self.specs}


def _form_field(spec: catalogue.FieldSpec) -> forms.Field:
    options: dict[str, Any] = {"label": spec.label, "required": False}
    if spec.kind == "bool":
        return forms.BooleanField(**options)
    if spec.kind == "choice":
        choices = list(spec.choices) if spec.default is not None else [("", "Not set"), *spec.choices]
        return forms.ChoiceField(choices=choices, **options)
    if spec.kind == "int":
        return forms.IntegerField(**options)
    if spec.kind == "decimal":
        return forms.DecimalField(**options)
    if spec.kind in ("int_list", "text_list"):
        return forms.CharField(help_text=LIST_HELP, **options)
    if spec.kind == "mapping":
        nested = _nested(spec.default)
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 12 if nested else 4}),
                               help_text=NESTED_HELP if nested else MAPPING_HELP, **options)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **options)


def as_text(spec: catalogue.FieldSpec, value: Any) -> Any:
    """A stored value as its form field shows it."""
    if value is None:
        return "" if spec.kind != "bool" else False
    if spec.kind in ("int_list", "text_list"):
        return ", ".join(str(item) for item in value)
    if spec.kind == "mapping":
        if _nested(value):
            return json.dumps(value, indent=2, ensure_ascii=False)
        return "\n".join(f"{key}: {item}" for key, item in value.items())
    return value


def _nested(value: Any) -> bool:
    return isinstance(value, dict) and any(isinstance(item, dict) for item in value.values())


def _parsed(spec: catalogue.FieldSpec, value: Any) -> Any:
    if spec.kind == "bool":
        return bool(value)
    if value in (None, ""):
        return None
    if spec.kind == "decimal":
        return str(value)
    if spec.kind == "int_list":
        return [_whole(part) for part in _parts(value)]
    if spec.kind == "text_list":
        return _parts(value)
    if spec.kind == "mapping":
        if _nested(spec.default):
            try:
                return json.loads(value)
            except ValueError:
                # The rules refuse text that is not a table, and name the field.
                return str(value)
        return dict(_pair(line) for line in str(value).splitlines() if line.strip())
    return value


def _parts(text: str) -> list[str]:
    return [part.strip() for part in str(text).split(",") if part.strip()]


def _whole(text: str) -> Any:
    # Text that is not a whole number goes to the rules as typed, and they name the field it spoils.
    return int(text) if text.lstrip("-").isdigit() else text


def _pair(line: str) -> tuple[str, str]:
    key, _, item = line.partition(":")
    return key.strip(), item.strip()
