"""Plausible values through the intake actions: the same refusals as the rules, the override of a
weight change recorded in the revision and the audit event (issue 12, point 3)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients import actions
from clinic.patients.models import BodyMeasurement, RecordRevision
from clinic.patients.tests.factories import PatientFactory
from clinic.rules import icd10, indications, plausibility, trial_fields

TODAY = dt.date(2026, 11, 24)  # conftest's now, at the main site


@pytest.fixture
def patient(main_site):
    return PatientFactory(site=main_site)


def add(patient, nurse, now, entry, **fields):
    return actions.add_intake_item(actor=nurse, now=now, patient=patient, kind=entry, values=fields)


def measured(patient, nurse, now, weight_kg, on=dt.date(2026, 11, 2), **more):
    return add(patient, nurse, now, "measurement", measured_on=on, weight_kg=D(weight_kg), **more)


@pytest.mark.parametrize(("diastolic", "refused"), [(79, False), (80, True), (81, True)])
def test_a_diastolic_pressure_at_or_above_the_systolic_is_refused(patient, nurse, now, diastolic, refused):
    fields = {"measured_on": TODAY, "systolic_mmhg": 80, "diastolic_mmhg": diastolic}
    if not refused:
        assert add(patient, nurse, now, "measurement", **fields).diastolic_mmhg == diastolic
        return
    with pytest.raises(plausibility.BloodPressureSwapped) as error:
        add(patient, nurse, now, "measurement", **fields)
    assert error.value.field == "diastolic_mmhg"
    assert not BodyMeasurement.objects.filter(patient=patient).exists()


@pytest.mark.parametrize(("weight", "asks"), [("82.4", False), ("82.5", False), ("82.6", True)])
def test_a_weight_more_than_ten_percent_from_the_last_asks_for_confirmation(patient, nurse, now, weight, asks):
    measured(patient, nurse, now, 75)
    if not asks:
        assert measured(patient, nurse, now, weight, on=TODAY).weight_kg == D(weight)
        return
    with pytest.raises(plausibility.ChangesToConfirm, match="than the last weight"):
        measured(patient, nurse, now, weight, on=TODAY)
    assert BodyMeasurement.objects.filter(patient=patient).count() == 1


def test_a_weight_in_pounds_is_refused_with_the_likely_slip(patient, nurse, now):
    measured(patient, nurse, now, 75)

    with pytest.raises(plausibility.ChangesToConfirm, match="than the last weight") as error:
        measured(patient, nurse, now, 165, on=TODAY)

    assert error.value.message == ("165 kg is 120 % more than the last weight, 75 kg on 2 Nov 2026. "
                                   "Did you mean 75 kg? 165 lb = 74.8 kg.")


def test_a_confirmed_weight_change_is_saved_and_the_override_recorded(patient, nurse, now):
    measured(patient, nurse, now, 75)

    item = actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                                   values={"measured_on": TODAY, "weight_kg": D(165)}, confirmed=["WEIGHT_CHANGE"])

    assert item.weight_kg == D(165)
    revision = RecordRevision.objects.get(record_type="bodymeasurement", record_id=item.pk)
    assert revision.changes["confirmed"] == [None, ["WEIGHT_CHANGE"]]
    assert revision.changes["weight_kg"] == [None, "165"]
    event = AuditEvent.objects.get(action="patients.measurement_added", object_id=str(item.pk))
    assert event.data == {"confirmed": ["WEIGHT_CHANGE"]}
    assert "confirmed" not in event.changed_fields


def test_a_confirmation_not_needed_is_not_recorded(patient, nurse, now):
    item = actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                                   values={"measured_on": TODAY, "weight_kg": D(80)}, confirmed=["WEIGHT_CHANGE"])

    revision = RecordRevision.objects.get(record_type="bodymeasurement", record_id=item.pk)
    assert "confirmed" not in revision.changes
    assert AuditEvent.objects.get(action="patients.measurement_added", object_id=str(item.pk)).data == {}


def test_the_last_weight_is_the_latest_before_the_new_ones_date(patient, nurse, now):
    measured(patient, nurse, now, 75, on=dt.date(2026, 10, 1))
    actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                            values={"measured_on": dt.date(2026, 11, 20), "weight_kg": D(100)},
                            confirmed=["WEIGHT_CHANGE"])

    with pytest.raises(plausibility.ChangesToConfirm, match="than the last weight") as error:
        measured(patient, nurse, now, 76, on=dt.date(2026, 11, 22))

    assert "the last weight, 100 kg on 20 Nov 2026" in error.value.message
    assert measured(patient, nurse, now, 76, on=dt.date(2026, 10, 15)).weight_kg == D(76)


def test_changing_a_weight_asks_against_the_other_measurements_not_itself(patient, nurse, now):
    measured(patient, nurse, now, 75)
    item = measured(patient, nurse, now, 76, on=TODAY)

    with pytest.raises(plausibility.ChangesToConfirm, match="than the last weight"):
        actions.change_intake_item(actor=nurse, now=now, item=item, weight_kg=D(165))
    changed = actions.change_intake_item(actor=nurse, now=now, item=item, weight_kg=D(165),
                                         confirmed=["WEIGHT_CHANGE"])

    assert changed.weight_kg == D(165)
    revision = RecordRevision.objects.filter(record_id=item.pk, change="update").get()
    assert revision.changes == {"weight_kg": ["76.0", "165"], "confirmed": [None, ["WEIGHT_CHANGE"]]}


def test_changing_the_blood_pressure_alone_does_not_ask_about_the_weight(patient, nurse, now):
    measured(patient, nurse, now, 75)
    item = actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                                   values={"measured_on": TODAY, "weight_kg": D(165)}, confirmed=["WEIGHT_CHANGE"])

    changed = actions.change_intake_item(actor=nurse, now=now, item=item, systolic_mmhg=128, diastolic_mmhg=82)

    assert (changed.systolic_mmhg, changed.weight_kg) == (128, D(165))


def test_an_adult_height_far_from_the_last_asks_and_a_young_patients_does_not(patient, nurse, now, main_site):
    add(patient, nurse, now, "measurement", measured_on=dt.date(2026, 11, 2), height_cm=D(170))
    young = PatientFactory(site=main_site, birth_date=dt.date(2010, 1, 1))
    add(young, nurse, now, "measurement", measured_on=dt.date(2026, 11, 2), height_cm=D(150))

    with pytest.raises(plausibility.ChangesToConfirm, match="than the last height"):
        add(patient, nurse, now, "measurement", measured_on=TODAY, height_cm=D("175.1"))

    assert add(patient, nurse, now, "measurement", measured_on=TODAY, height_cm=D(175)).height_cm == D(175)
    assert add(young, nurse, now, "measurement", measured_on=TODAY, height_cm=D(160)).height_cm == D(160)


@pytest.mark.parametrize(("kind", "fields", "date_field"), [
    ("medication", {"name": "Sertraline", "drug_class": "ssri"}, "started_on"),
    ("medication", {"name": "Sertraline", "drug_class": "ssri"}, "stopped_on"),
    ("treatment_trial", {"kind": "medication", "name": "Sertraline", "outcome": "no_response"}, "started_on"),
    ("indication", {"code": "TRD_UNIPOLAR", "icd10_code": "F33.2"}, "noted_on"),
    ("measurement", {"weight_kg": D(70)}, "measured_on"),
    ("result", {"kind": "ecg", "outcome": "negative"}, "taken_on"),
])
@pytest.mark.parametrize(("day", "error_class"), [
    (TODAY, None), (TODAY + dt.timedelta(days=1), plausibility.DateInFuture),
    (dt.date(1980, 4, 9), None), (dt.date(1980, 4, 8), plausibility.DateBeforeBirth),
])
def test_history_dates_lie_between_birth_and_today_at_the_site(patient, nurse, now, kind, fields, date_field, day,
                                                               error_class):
    values = {**fields, date_field: day}
    if date_field == "stopped_on":
        values["started_on"] = dt.date(1980, 4, 9)
    if error_class is None:
        assert getattr(add(patient, nurse, now, kind, **values), date_field) == day
        return
    with pytest.raises(error_class) as error:
        add(patient, nurse, now, kind, **values)
    assert error.value.field == date_field


@pytest.mark.parametrize(("indication", "code", "error_class"), [
    ("TRD_UNIPOLAR", "F33.2", None),
    ("TRD_UNIPOLAR", "F41.1", indications.IndicationCodeMismatch),
    ("TRD_UNIPOLAR", "F33.99", icd10.UnknownDiagnosisCode),
])
def test_an_indications_code_must_exist_and_belong_to_it(patient, nurse, now, indication, code, error_class):
    fields = {"code": indication, "icd10_code": code, "noted_on": TODAY}
    if error_class is None:
        assert add(patient, nurse, now, "indication", **fields).icd10_code == code
        return
    with pytest.raises(error_class) as error:
        add(patient, nurse, now, "indication", **fields)
    assert error.value.field == "icd10_code"


def test_the_indication_is_taken_from_its_code_and_the_first_is_primary(patient, nurse, now):
    first = add(patient, nurse, now, "indication", code="", icd10_code="f4310", noted_on=TODAY)
    second = add(patient, nurse, now, "indication", code="", icd10_code="F33.2", noted_on=TODAY)

    assert (first.code, first.icd10_code, first.is_primary) == ("PTSD", "F43.10", True)
    assert (second.code, second.is_primary) == ("TRD_UNIPOLAR", False)


def test_changing_an_indications_code_to_another_indications_is_refused(patient, nurse, now):
    item = add(patient, nurse, now, "indication", code="TRD_UNIPOLAR", icd10_code="F33.2", noted_on=TODAY)

    with pytest.raises(indications.IndicationCodeMismatch):
        actions.change_intake_item(actor=nurse, now=now, item=item, icd10_code="F41.1")
    changed = actions.change_intake_item(actor=nurse, now=now, item=item, icd10_code="F33.1")

    assert changed.icd10_code == "F33.1"


@pytest.mark.parametrize(("kind", "fields", "refused_field"), [
    ("psychotherapy", {"max_daily_dose": D(200), "dose_unit": "mg"}, "max_daily_dose"),
    ("psychotherapy", {"sessions_count": 16, "weeks_at_adequate_dose": 16}, None),
    ("medication", {"sessions_count": 6}, "sessions_count"),
    ("ketamine", {"route": "IV", "sessions_count": 6}, None),
])
def test_a_prior_treatment_field_of_another_kind_is_refused(patient, nurse, now, kind, fields, refused_field):
    values = {"kind": kind, "name": "CBT", "outcome": "no_response", **fields}
    if refused_field is None:
        assert add(patient, nurse, now, "treatment_trial", **values).kind == kind
        return
    with pytest.raises(trial_fields.FieldNotForKind) as error:
        add(patient, nurse, now, "treatment_trial", **values)
    assert error.value.field == refused_field


def test_an_allergy_ends_an_earlier_no_known_drug_allergies(patient, nurse, now):
    patient.nkda_recorded_at, patient.nkda_recorded_by = now - dt.timedelta(days=3), nurse
    patient.save()

    allergy = add(patient, nurse, now, "allergy", substance="Penicillin")

    patient.refresh_from_db()
    assert (patient.nkda_recorded_at, patient.nkda_recorded_by) == (None, None)
    withdrawn = RecordRevision.objects.get(record_type="patient", record_id=patient.pk)
    assert (withdrawn.change, withdrawn.changes["nkda_recorded_by"], withdrawn.changed_by) == (
        "update", [nurse.pk, None], nurse)
    added = RecordRevision.objects.get(record_type="allergy", record_id=allergy.pk)
    assert (added.changes["substance"], "nkda_recorded_by" in added.changes) == ([None, "Penicillin"], False)


def test_the_history_tab_shows_an_allergy_withdrawing_no_known_drug_allergies(signed_in, patient, nurse, now):
    actions.record_no_known_drug_allergies(actor=nurse, now=now - dt.timedelta(days=3), patient=patient)

    add(patient, nurse, now, "allergy", substance="Penicillin")
    page = signed_in(nurse).get(reverse("patients:history", args=[patient.pk])).content.decode()

    rows = page[page.index("<tbody>"):].split("</tr>")
    assert "Allergy added" in rows[0]
    assert "Registration details changed" in rows[1]
    assert "No known drug allergies recorded</strong>: <time" in rows[1] and "21 Nov 2026" in rows[1]
    assert f"No known drug allergies recorded by</strong>: {nurse.get_full_name()}" in rows[1]
    assert rows[1].count("→ —") == 2


def test_a_weight_and_a_height_both_far_from_the_last_are_asked_about_together(patient, nurse, now):
    add(patient, nurse, now, "measurement", measured_on=dt.date(2026, 11, 2), weight_kg=D(75), height_cm=D(170))

    with pytest.raises(plausibility.ChangesToConfirm) as both:
        add(patient, nurse, now, "measurement", measured_on=TODAY, weight_kg=D(165), height_cm=D(120))
    with pytest.raises(plausibility.ChangesToConfirm) as height_left:
        actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                                values={"measured_on": TODAY, "weight_kg": D(165), "height_cm": D(120)},
                                confirmed=["WEIGHT_CHANGE"])
    item = actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                                   values={"measured_on": TODAY, "weight_kg": D(165), "height_cm": D(120)},
                                   confirmed=["WEIGHT_CHANGE", "HEIGHT_CHANGE"])

    assert [warning.code for warning in both.value.pending] == ["WEIGHT_CHANGE", "HEIGHT_CHANGE"]
    assert ([w.code for w in height_left.value.pending], [w.code for w in height_left.value.confirmed]) == (
        ["HEIGHT_CHANGE"], ["WEIGHT_CHANGE"])
    assert (item.weight_kg, item.height_cm) == (D(165), D(120))
    assert AuditEvent.objects.get(action="patients.measurement_added", object_id=str(item.pk)).data == {
        "confirmed": ["WEIGHT_CHANGE", "HEIGHT_CHANGE"]}
