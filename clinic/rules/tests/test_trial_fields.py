"""Which fields of a prior treatment apply to each kind (issue 12, point 3)."""

import pytest

from clinic.rules import trd
from clinic.rules.trial_fields import (
    COMMON_FIELDS,
    FIELD_LABELS,
    FIELDS_BY_KIND,
    KIND_OF_FIELD,
    NAME_LABELS,
    FieldNotForKind,
    applies,
    check_fields_for_kind,
)


def test_every_kind_of_the_trd_rules_has_its_fields():
    assert set(FIELDS_BY_KIND) == set(trd.TRIAL_KINDS) == set(NAME_LABELS)


def test_every_kind_specific_field_has_a_label_and_a_kind_to_point_to():
    specific = {name for names in FIELDS_BY_KIND.values() for name in names}

    assert specific == set(FIELD_LABELS) == set(KIND_OF_FIELD)
    assert not specific & set(COMMON_FIELDS)


@pytest.mark.parametrize(("kind", "fields", "refused_field", "message"), [
    ("psychotherapy", {"max_daily_dose": 200}, "max_daily_dose",
     "Dose does not apply to a psychotherapy: clear it or choose the medicine kind."),
    ("psychotherapy", {"sessions_count": 16, "weeks_at_adequate_dose": 16}, None, None),
    ("psychotherapy", {"route": "oral"}, "route",
     "Route does not apply to a psychotherapy: clear it or choose the medicine or ketamine kind."),
    ("medication", {"max_daily_dose": 200, "dose_unit": "mg", "route": "oral", "adherence": "good"}, None, None),
    ("medication", {"sessions_count": 6}, "sessions_count",
     "Sessions does not apply to a medicine: clear it or choose the psychotherapy, TMS, ECT or ketamine kind."),
    ("tms", {"sessions_count": 36, "weeks_at_adequate_dose": 7}, None, None),
    ("tms", {"drug_class": "ssri"}, "drug_class",
     "Drug class does not apply to TMS: clear it or choose the medicine kind."),
    ("ect", {"cognitive_effects": "Memory gaps"}, None, None),
    ("ketamine", {"route": "IV", "sessions_count": 6, "non_medical": True}, None, None),
    ("ketamine", {"weeks_at_adequate_dose": 3}, "weeks_at_adequate_dose",
     "Weeks does not apply to ketamine: clear it or choose the medicine, psychotherapy, TMS or ECT kind."),
    ("psychotherapy", {"non_medical": True}, "non_medical",
     "Non-medical use does not apply to a psychotherapy: clear it or choose the ketamine kind."),
    ("medication", {"cognitive_effects": "Fog"}, "cognitive_effects",
     "Cognitive effects does not apply to a medicine: clear it or choose the ECT or ketamine kind."),
])
def test_a_field_that_makes_no_sense_for_the_kind_is_refused_naming_it(kind, fields, refused_field, message):
    if refused_field is None:
        assert check_fields_for_kind(kind=kind, fields=fields) is None
        return
    with pytest.raises(FieldNotForKind) as error:
        check_fields_for_kind(kind=kind, fields=fields)
    assert (error.value.code, error.value.field, error.value.message) == ("FIELD_NOT_FOR_KIND", refused_field,
                                                                          message)


@pytest.mark.parametrize("empty", [None, "", False])
def test_an_empty_or_unticked_field_of_another_kind_is_no_refusal(empty):
    fields = {"max_daily_dose": empty, "dose_unit": empty, "adequate_dose": empty, "non_medical": empty}

    assert check_fields_for_kind(kind="psychotherapy", fields=fields) is None


def test_common_fields_apply_to_every_kind():
    assert all(applies(kind, name) for kind in FIELDS_BY_KIND for name in COMMON_FIELDS)
    assert not applies("psychotherapy", "max_daily_dose")
    assert applies("medication", "max_daily_dose")
