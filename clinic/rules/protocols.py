"""The catalogue of the clinic protocol: every protocol object a clinic may edit, its fields as a
settings page shows them, and the JSON-plain values a versioned protocol record stores.

Each section is one frozen protocol dataclass of clinic.rules. Its fields carry their evidence tag
and source as metadata (`clinic.rules.protocol.tagged`); `field_specs` reads them, so the settings
page is built from the rules themselves and a new setting shows up with its source.

Values are JSON-plain: a Decimal is text ("0.5"), a tuple a list in its order, a frozenset a sorted
list, a mapping a dict, an unset value None. A field whose default is None may be left unset; a
`required` one blocks what its `blocks` says until it is set.

`build` turns stored values back into the protocol object. A missing key takes the default; an
unknown key or a value of the wrong type is refused with `InvalidProtocol` naming the field, and
the object's own checks refuse the rest (locked suicide alerts, KIND_LOCKS, impossible limits) with
the rule's own message, exactly as the classes refuse them anywhere else.

A protocol object held by another (EligibilityProtocol.trd, a TrdProtocol) is its own section, not
a nested value: `build(key, values, sections=...)` takes the built objects of the sections it holds
(by section key; a missing one is that section's default object), and `build_all` builds every
section in order and hands each its parts.
"""

import types
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any, Union, get_args, get_origin, get_type_hints

from clinic.rules import (
    course_plan,
    discharge,
    long_term_safety,
    maintenance,
    plausibility,
    response,
    scales,
    trd,
    visits,
)
from clinic.rules.dosing import protocol as dosing
from clinic.rules.eligibility import criteria, criteria_settings, intake, screening
from clinic.rules.protocol import InvalidProtocol
from clinic.rules.response import Remission, ScaleCriteria, Threshold
from clinic.rules.scales import (
    audit_c,
    cssrs_screener,
    dast10,
    fiqr,
    hamd17,
    madrs,
    pain_nrs,
    pcl5,
    phq9,
    qids_sr16,
    ymrs,
)
from clinic.rules.vitals import reading, thresholds

RULES_VERSION = "2026.12.0"
KINDS = ("int", "decimal", "bool", "text", "choice", "int_list", "text_list", "mapping")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    cls: type
    source: str


@dataclass(frozen=True)
class FieldSpec:
    section: str
    name: str
    label: str
    kind: str
    tag: str
    source: str
    verified: bool
    required: bool
    blocks: str
    default: Any
    choices: tuple[tuple[str, str], ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section("eligibility", "Eligibility screening", screening.EligibilityProtocol,
            "clinical-reference §2.1 and §3"),
    Section("trd", "Treatment-resistant depression", trd.TrdProtocol, "clinical-reference §2.2"),
    Section("dosing", "Dosing and pump", dosing.DosingProtocol, "clinical-reference §4.2–§4.5"),
    Section("visits", "Visits and pre-visit instructions", visits.VisitProtocol, "clinical-reference §5.2 and §5.5"),
    Section("vitals", "Infusion-day vitals and alerts", thresholds.VitalsProtocol, "clinical-reference §5.2–§5.3"),
    Section("discharge", "Observation and discharge", discharge.DischargeProtocol, "clinical-reference §5.5"),
    Section("induction", "Induction course", course_plan.InductionProtocol, "clinical-reference §6.1"),
    Section("response", "Response and remission", response.ResponseProtocol, "clinical-reference §6.2–§6.3"),
    Section("maintenance", "Maintenance", maintenance.MaintenanceProtocol, "clinical-reference §6.4"),
    Section("long_term", "Long-term safety", long_term_safety.LongTermProtocol, "clinical-reference §8"),
    Section("phq9", "PHQ-9 suicide alert", phq9.Phq9Protocol, "clinical-reference §7.2"),
    Section("madrs", "MADRS suicide alert", madrs.MadrsProtocol, "clinical-reference §7.2"),
    Section("qids_sr16", "QIDS-SR16 suicide alert", qids_sr16.QidsSr16Protocol, "clinical-reference §7.2"),
    Section("hamd17", "HAM-D17 suicide alert", hamd17.Hamd17Protocol, "clinical-reference §7.2"),
    Section("cssrs_screener", "C-SSRS screener alerts", cssrs_screener.CssrsScreenerProtocol,
            "clinical-reference §7.2"),
    Section("audit_c", "AUDIT-C", audit_c.AuditCProtocol, "clinical-reference §7.2"),
    Section("dast10", "DAST-10", dast10.Dast10Protocol, "clinical-reference §3 and §7.2"),
    Section("pcl5", "PCL-5", pcl5.Pcl5Protocol, "clinical-reference §7.2"),
    Section("ymrs", "YMRS", ymrs.YmrsProtocol, "clinical-reference §3, §7.2 and §8"),
    Section("fiqr", "FIQR", fiqr.FiqrProtocol, "clinical-reference §7.2"),
    Section("pain_nrs", "Pain NRS", pain_nrs.PainNrsProtocol, "clinical-reference §7.1–§7.2"),
    Section("plausibility", "Plausible measurements", plausibility.PlausibilitySettings,
            "product choice: slips in typed weights and heights"),
)
_BY_KEY = {item.key: item for item in SECTIONS}
# (class, field name) → the section key whose object the field holds.
_PARTS: dict[tuple[type, str], str] = {(criteria_settings.CriteriaSettings, "trd"): "trd"}
# (class, field name) → the values a choice, list or mapping field may hold.
_CHOICES: dict[tuple[type, str], tuple[str, ...]] = {
    (criteria_settings.CriteriaSettings, "cssrs_caution_risks"): ("low", "moderate", "high"),
    (criteria_settings.CriteriaSettings, "primary_scales"): intake.SCREENS,
    (criteria_settings.CriteriaSettings, "intake_screens"): intake.SCREENS,
    (screening.EligibilityProtocol, "kinds"): criteria.KINDS,
    (dosing.DosingProtocol, "weight_basis"): dosing.WEIGHT_BASES,
    (discharge.DischargeProtocol, "sedation_deeper_when"): discharge.SEDATION_DIRECTIONS,
    (discharge.DischargeProtocol, "max_nausea"): discharge.NAUSEA_LEVELS,
    (thresholds.VitalsProtocol, "stop_symptoms"): (*reading.STOP_SYMPTOMS, *reading.OTHER_SYMPTOMS),
    (long_term_safety.LongTermProtocol, "bladder_symptoms"): long_term_safety.BLADDER_SYMPTOMS,
    (fiqr.FiqrProtocol, "band_set"): tuple(fiqr.BAND_SETS),
    (pain_nrs.PainNrsProtocol, "recall_period"): pain_nrs.RECALL_PERIODS,
}
_WORDS = {"bp": "BP", "hr": "heart rate", "rr": "respiratory rate", "spo2": "SpO₂", "lft": "LFT", "trd": "TRD",
          "ibw": "IBW", "cadss6": "CADSS-6", "htn": "hypertension", "cssrs": "C-SSRS", "sud": "substance use",
          "min": "minimum", "max": "maximum", "setup": "set-up", "pct": "%", "percent": "%", "ml": "mL",
          "mmhg": "mmHg", "nrs": "NRS"}
_LABELS = {
    "refuse_dilution_of_10_mg_per_ml": "Refuse diluting the 10 mg/mL strength",
    "max_final_mg_per_ml": "Maximum final concentration (mg/mL)",
    "infusion_every_min_after_last": "Readings after the last timepoint, every (minutes)",
    "max_per_rolling_7_days": "Maximum infusions in 7 consecutive dates",
    "min_weeks": "Minimum weeks at an adequate dose",
    "kinds": "Finding kinds, by rule code",
    "criteria": "Thresholds per scale",
    "lft_in_maintenance_only_if_ca_hepatic": "LFTs in maintenance only with CA_HEPATIC",
    "provisional_cutoff": "Provisional PTSD cut-off",
    "pre_window_min": "Pre-infusion check window (minutes)",
}
_UNITS = {"mg_per_kg": "mg/kg", "ml_per_h": "mL/h", "mg_per_ml": "mg/mL", "mg_per_day": "mg/day", "per_min": "/min",
          "mmhg": "mmHg", "bpm": "bpm", "percent": "%", "pct": "%", "min": "minutes", "minutes": "minutes",
          "days": "days", "weeks": "weeks", "months": "months", "hours": "hours", "years": "years", "kg": "kg",
          "cm": "cm", "mg": "mg", "ml": "mL"}


def section(key: str) -> Section:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise InvalidProtocol(f"No protocol section has the key {key!r}; known keys: "
                              f"{', '.join(_BY_KEY)}.", field="section") from None


def field_specs(key: str) -> tuple[FieldSpec, ...]:
    """The settings of one section, in the class's field order, each with its tag and source."""
    cls = section(key).cls
    default = cls()
    return tuple(_spec(key, cls, item, getattr(default, item.name)) for item in _own_fields(cls))


def to_values(obj: Any) -> dict[str, Any]:
    """A protocol object's own fields (not the sections it holds), JSON-plain."""
    cls = type(obj)
    hints = get_type_hints(cls)
    return {item.name: _plain(getattr(obj, item.name), _kind(cls, item.name, hints[item.name]))
            for item in _own_fields(cls)}


def build(key: str, values: Mapping[str, Any], *, sections: Mapping[str, Any] | None = None) -> Any:
    """The section's protocol object from JSON-plain values; see the module docstring for refusals."""
    cls = section(key).cls
    hints = get_type_hints(cls)
    own = {item.name for item in _own_fields(cls)}
    unknown = sorted(set(values) - own)
    if unknown:
        raise InvalidProtocol(f"{section(key).title} has no setting {unknown[0]!r}.", field=unknown[0])
    arguments = {name: _parsed(cls, name, hints[name], value) for name, value in values.items()}
    for (owner, name), part in _PARTS.items():
        if issubclass(cls, owner) and sections is not None and part in sections:
            arguments[name] = sections[part]
    return cls(**arguments)


def defaults() -> dict[str, dict[str, Any]]:
    return {item.key: to_values(item.cls()) for item in SECTIONS}


def build_all(values: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Every section built from its values (a missing section takes its defaults). A section another holds is
    built first and handed to it."""
    unknown = sorted(set(values) - set(_BY_KEY))
    if unknown:
        raise InvalidProtocol(f"No protocol section has the key {unknown[0]!r}.", field=unknown[0])
    built: dict[str, Any] = {}
    for key in sorted(_BY_KEY, key=lambda key: key not in _PARTS.values()):
        built[key] = build(key, values.get(key, {}), sections=built)
    return {item.key: built[item.key] for item in SECTIONS}


def _own_fields(cls: type) -> list:
    return [item for item in fields(cls) if not any(issubclass(cls, owner) and item.name == name
                                                     for owner, name in _PARTS)]


def _spec(key: str, cls: type, item: Any, default: Any) -> FieldSpec:
    kind = _kind(cls, item.name, get_type_hints(cls)[item.name])
    metadata = item.metadata
    return FieldSpec(section=key, name=item.name, label=_label(item.name), kind=kind, tag=metadata["tag"],
                     source=metadata["source"], verified=metadata["verified"],
                     required=metadata.get("required", False), blocks=metadata.get("blocks", ""),
                     default=_plain(default, kind),
                     choices=tuple((value, _choice_label(value)) for value in _choices(cls, item.name)))


def _choices(cls: type, name: str) -> tuple[str, ...]:
    return next((values for (owner, field_name), values in _CHOICES.items()
                 if issubclass(cls, owner) and field_name == name), ())


def _choice_label(value: str) -> str:
    return scales.INSTRUMENTS[value].name if value in scales.INSTRUMENTS else _label(value)


def _label(name: str) -> str:
    """"max_dose_mg_per_kg" → "Maximum dose (mg/kg)": words, then the unit the name ends with."""
    if name in _LABELS:
        return _LABELS[name]
    unit = next((suffix for suffix in _UNITS if name.endswith(f"_{suffix}")), None)
    words = name.removesuffix(f"_{unit}").split("_") if unit else name.split("_")
    text = " ".join(_WORDS.get(word.lower(), word.lower()) for word in words)
    if unit:
        text += f" ({_UNITS[unit]})"
    return text[:1].upper() + text[1:]


def _inner(hint: Any) -> tuple[Any, bool]:
    """The type a hint names without None, and whether None is allowed."""
    if get_origin(hint) in (Union, types.UnionType):
        args = tuple(arg for arg in get_args(hint) if arg is not type(None))
        optional = len(args) < len(get_args(hint))
        if set(args) == {int, Decimal}:
            return Decimal, optional
        return args[0], optional
    return hint, False


def _kind(cls: type, name: str, hint: Any) -> str:
    inner, _ = _inner(hint)
    origin = get_origin(inner) or inner
    if inner is bool:
        return "bool"
    if inner is int:
        return "int"
    if inner is Decimal:
        return "decimal"
    if inner is str:
        return "choice" if _choices(cls, name) else "text"
    if origin in (tuple, frozenset):
        return "int_list" if get_args(inner)[0] is int else _list_kind(get_args(inner)[0])
    if origin is Mapping or origin is dict:
        return "mapping"
    raise TypeError(f"{cls.__name__}.{name} has a type the catalogue cannot store: {hint!r}.")


def _list_kind(element: Any) -> str:
    return "text_list" if element is str else "mapping"


def _plain(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "decimal":
        return str(value)
    if kind in ("int_list", "text_list"):
        return sorted(value) if isinstance(value, frozenset) else list(value)
    if kind == "mapping":
        if isinstance(value, tuple):
            return {row.scale: _criteria_plain(row) for row in value}
        return dict(value)
    return value


def _parsed(cls: type, name: str, hint: Any, value: Any) -> Any:
    inner, optional = _inner(hint)
    kind = _kind(cls, name, hint)
    if value is None:
        if optional:
            return None
        raise InvalidProtocol(f"{_label(name)} needs a value.", field=name)
    try:
        return _PARSERS[kind](inner, value)
    except (TypeError, ValueError, InvalidOperation, KeyError):
        raise InvalidProtocol(f"{_label(name)} must be {_EXPECTED[kind]}, not {value!r}.", field=name) from None


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError
    return value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise TypeError
    number = Decimal(str(value).strip()) if isinstance(value, float | str) else Decimal(value)
    if not number.is_finite():
        raise ValueError
    return number


def _exact(expected: type) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, expected):
            raise TypeError
        return value
    return check


def _sequence(value: Any) -> list:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple | set | frozenset):
        raise TypeError
    return list(value)


def _list(inner: Any, value: Any, element: Any) -> Any:
    items = [element(item) for item in _sequence(value)]
    return frozenset(items) if get_origin(inner) is frozenset else tuple(items)


def _mapping(inner: Any, value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise TypeError
    if get_origin(inner) is tuple:
        return _criteria_parsed(value)
    return {_exact(str)(key): _exact(str)(item) for key, item in value.items()}


_PARSERS = {
    "int": lambda inner, value: _whole(value),
    "decimal": lambda inner, value: _decimal(value),
    "bool": lambda inner, value: _exact(bool)(value),
    "text": lambda inner, value: _exact(str)(value),
    "choice": lambda inner, value: _exact(str)(value),
    "int_list": lambda inner, value: _list(inner, value, _whole),
    "text_list": lambda inner, value: _list(inner, value, _exact(str)),
    "mapping": _mapping,
}
_EXPECTED = {
    "int": "a whole number", "decimal": "a decimal number", "bool": "true or false", "text": "text",
    "choice": "one of its options", "int_list": "a list of whole numbers", "text_list": "a list of options",
    "mapping": "a table of settings",
}


# ResponseProtocol.criteria: a row per scale, each threshold with its own tag and source.
_THRESHOLDS = ("response_pct", "response_points", "relapse_at_or_above", "min_baseline")
_ROW_KEYS = {"remission", *_THRESHOLDS, "note"}


def _criteria_plain(row: ScaleCriteria) -> dict[str, Any]:
    plain: dict[str, Any] = {"remission": None if row.remission is None else {
        "score": str(row.remission.score), "inclusive": row.remission.inclusive, "tag": row.remission.tag,
        "source": row.remission.source}}
    for name in _THRESHOLDS:
        threshold = getattr(row, name)
        plain[name] = None if threshold is None else {"value": str(threshold.value), "tag": threshold.tag,
                                                      "source": threshold.source}
    plain["note"] = row.note
    return plain


def _criteria_parsed(value: Mapping[str, Any]) -> tuple[ScaleCriteria, ...]:
    order = [row.scale for row in response.DEFAULT_CRITERIA]
    scales = sorted(value, key=lambda scale: (order.index(scale) if scale in order else len(order), scale))
    return tuple(_row_parsed(_exact(str)(scale), value[scale]) for scale in scales)


def _row_parsed(scale: str, row: Mapping[str, Any]) -> ScaleCriteria:
    if not isinstance(row, Mapping) or set(row) - _ROW_KEYS:
        raise TypeError
    remission = row.get("remission")
    parsed = {name: _threshold_parsed(row.get(name)) for name in _THRESHOLDS}
    return ScaleCriteria(scale, remission=None if remission is None else Remission(
        _decimal(remission["score"]), _exact(bool)(remission["inclusive"]), _exact(str)(remission["tag"]),
        _exact(str)(remission["source"])), note=_exact(str)(row.get("note", "")), **parsed)


def _threshold_parsed(value: Any) -> Threshold | None:
    if value is None:
        return None
    return Threshold(_decimal(value["value"]), _exact(str)(value["tag"]), _exact(str)(value["source"]))
