"""The demo clinic: idempotent, deterministic, every indication, every hard stop, made-up people."""

import datetime as dt
import zoneinfo
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from clinic.accounts.models import StaffUser
from clinic.audit import verification
from clinic.audit.models import AuditEvent
from clinic.consents.models import Consent
from clinic.courses.models import CoursePhaseChange, TreatmentCourse
from clinic.demo import intake, seed
from clinic.letters.models import Letter, LetterDispatch
from clinic.patients.models import (
    BodyMeasurement,
    Indication,
    IndicationCode,
    Medication,
    Patient,
    ReferringClinician,
    Result,
    SafetyHistory,
    TreatmentTrial,
)
from clinic.questionnaires.models import (
    Alert,
    AlertNotification,
    PatientLink,
    QuestionnaireRequest,
    QuestionnaireResponse,
    SuicideRiskAssessment,
    TabletSession,
)
from clinic.rules.indications import ICD10_PREFIXES
from clinic.screening.models import CautionDecision, DecisionAddendum, EligibilityDecision, ScreeningRun

# Loading the clinic takes over a second; the module shares one load, rolled back at the end.
pytestmark = pytest.mark.slow
# The root conftest's `now`; a module-wide load cannot take a per-test fixture.
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
PASSWORD = "demo-password-for-tests"


@pytest.fixture(scope="module")
def demo_clinic(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed.seed(now=NOW, password=PASSWORD)
        transaction.set_rollback(True)


def _age_years(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def test_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    before = _table_counts()

    with pytest.raises(CommandError, match="only runs in demo mode"):
        call_command("seed_demo", stdout=StringIO())

    assert _table_counts() == before


def test_second_run_adds_nothing_twice(db, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setenv("DEMO_PASSWORD", "first-password-1")
    call_command("seed_demo", stdout=StringIO())
    after_first = _table_counts()
    monkeypatch.setenv("DEMO_PASSWORD", "second-password-2")
    output = StringIO()

    call_command("seed_demo", stdout=output)

    # Each run prints a fresh sign-in link for the demo patient: that link and its audit event, nothing else.
    link_rows = {"questionnaires_patientlink": 1, "audit_auditevent": 1, "audit_auditeventpatient": 1}
    assert _table_counts() == {table: count + link_rows.get(table, 0) for table, count in after_first.items()}
    assert after_first["patients_patient"] == 40
    assert "40 patients, 7 referring clinicians (already loaded)" in output.getvalue()
    assert "second-password-2" in output.getvalue()
    users = StaffUser.objects.filter(username__in=["director", "prescriber", "nurse", "frontdesk", "nurse.north"])
    assert [user.check_password("second-password-2") for user in users] == [True] * 5


def test_loads_34_patients_at_main_and_6_at_north(demo_clinic, db):
    by_site = Counter(Patient.objects.values_list("site__code", flat=True))

    assert demo_clinic.patients_added == 40
    assert by_site == {"MAIN": 34, "NORTH": 6}


def delete_every_patient() -> None:
    """Every patient and the records that hold them, inside the caller's transaction. The append-only
    triggers of the decision and course tables stand aside as they do for the test teardown (design §4.5);
    the caller rolls everything back."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_teardown_guard (opened) VALUES (1)")
    for model in (CoursePhaseChange, TreatmentCourse, Consent, LetterDispatch, Letter, DecisionAddendum,
                  CautionDecision, EligibilityDecision, ScreeningRun, AlertNotification, Alert, SuicideRiskAssessment,
                  QuestionnaireResponse, QuestionnaireRequest, PatientLink, TabletSession):
        model.objects.all().delete()
    Patient.objects.all().delete()


def test_same_seed_gives_the_same_patients(demo_clinic, db):
    first = list(Patient.objects.order_by("mrn").values_list("mrn", "given_name", "family_name", "birth_date"))

    with transaction.atomic():
        delete_every_patient()
        seed.seed(now=NOW, password=PASSWORD)
        again = list(Patient.objects.order_by("id").values_list("given_name", "family_name", "birth_date"))
        transaction.set_rollback(True)

    assert again == [row[1:] for row in first]


def test_directory_holds_seven_made_up_referring_clinicians(demo_clinic, db):
    clinicians = ReferringClinician.objects.all()

    assert clinicians.count() == 7
    assert all(clinician.email.endswith("@example.com") and "555-01" in clinician.phone for clinician in clinicians)
    assert Patient.objects.filter(referring_clinician__isnull=False).count() >= 25


def test_every_indication_code_is_present_with_a_valid_icd10_code(demo_clinic, db):
    indications = list(Indication.objects.all())

    assert {indication.code for indication in indications} == set(IndicationCode.values)
    assert all(indication.icd10_code.startswith(ICD10_PREFIXES[indication.code]) for indication in indications)


def test_each_hard_stop_has_a_patient(demo_clinic, db):
    today = NOW.date()
    minors = [patient for patient in Patient.objects.all() if _age_years(patient.birth_date, today) < 18]
    uncontrolled = SafetyHistory.objects.get(hypertension_uncontrolled=True).patient
    pregnant = SafetyHistory.objects.get(pregnant=True).patient

    assert SafetyHistory.objects.filter(psychosis_current=True, psychotic_features_this_episode=True).count() == 1
    assert [_age_years(patient.birth_date, today) for patient in minors] == [17]
    assert uncontrolled.measurements.first().systolic_mmhg >= 160
    assert pregnant.results.get(kind="pregnancy_test").outcome == "positive"


def test_cautions_include_hypertension_past_addiction_bipolar_liver_cystitis_and_age(demo_clinic, db):
    flagged = {name: SafetyHistory.objects.filter(**{name: True}).count()
               for name in ("hypertension_controlled", "substance_use_disorder_past", "bipolar_disorder",
                            "liver_disease", "cystitis_past", "ketamine_misuse_past")}
    ages = [_age_years(birth_date, NOW.date()) for birth_date in Patient.objects.values_list("birth_date", flat=True)]

    assert min(flagged.values()) >= 1
    assert flagged["bipolar_disorder"] >= 4
    assert sum(age >= 65 for age in ages) >= 3


def test_most_safety_histories_are_unremarkable(demo_clinic, db):
    hard_stops = SafetyHistory.objects.filter(psychosis_current=True) | SafetyHistory.objects.filter(
        pregnant=True) | SafetyHistory.objects.filter(hypertension_uncontrolled=True)

    assert SafetyHistory.objects.count() == 34
    assert hard_stops.count() == 3


def test_one_ptsd_patient_has_a_bipolar_ii_disorder_coded_beside_the_indication(demo_clinic, db):
    """clinical-reference §2.1: a bipolar diagnosis beside a PTSD indication must reach screening."""
    histories = SafetyHistory.objects.filter(notes=intake.BIPOLAR_II_NOTES)

    [history] = histories
    assert history.bipolar_disorder is True
    assert list(history.patient.indications.values_list("code", "is_primary")) == [("PTSD", True)]
    assert list(history.patient.other_diagnoses.values_list("icd10_code", "status", "resolved_on")) == [
        ("F31.81", "current", None)]


def test_patients_are_at_every_stage_of_intake(demo_clinic, db):
    referred = Patient.objects.filter(indications__isnull=True, safety_history__isnull=True)
    histories = list(SafetyHistory.objects.all())
    under_way = [history for history in histories if None in history.answers().values()]
    complete = [history for history in histories if None not in history.answers().values()]

    assert referred.count() == 6
    assert len(under_way) == 9
    assert len(complete) == 25


def test_some_depressed_patients_meet_two_adequate_failed_trials_and_some_do_not(demo_clinic, db):
    counted = Counter(TreatmentTrial.objects.filter(
        kind="medication", current_episode=True, adequate_dose=True, weeks_at_adequate_dose__gte=6,
        outcome__in=["no_response", "partial_response"]).values_list("patient_id", flat=True))
    depressed = Indication.objects.filter(is_primary=True, code__in=["TRD_UNIPOLAR", "TRD_BIPOLAR"])
    failures = [counted[patient_id] for patient_id in depressed.values_list("patient_id", flat=True)]

    assert sum(count >= 2 for count in failures) >= 5
    assert sum(count < 2 for count in failures) >= 3


def test_prior_treatments_cover_medicines_psychotherapy_tms_ect_and_ketamine(demo_clinic, db):
    kinds = Counter(TreatmentTrial.objects.values_list("kind", flat=True))
    non_medical = TreatmentTrial.objects.get(kind="ketamine", non_medical=True)

    assert set(kinds) == {"medication", "psychotherapy", "tms", "ect", "ketamine"}
    assert kinds["medication"] >= 60
    assert non_medical.patient.safety_history.ketamine_misuse_past is True


def test_current_medicines_carry_classes_and_benzodiazepines_a_lorazepam_equivalent(demo_clinic, db):
    """clinical-reference §2.2–§3: the drug classes screening and the TRD count read, lithium and the
    atypical antipsychotics in their own classes."""
    classes = set(Medication.objects.values_list("drug_class", flat=True))
    benzodiazepines = Medication.objects.filter(drug_class="benzodiazepine")
    names = set(Medication.objects.values_list("name", flat=True))

    assert {"ssri", "snri", "antidepressant_other", "mood_stabiliser", "lithium", "antipsychotic_atypical",
            "benzodiazepine"} <= classes
    assert set(Medication.objects.filter(name="Lithium carbonate").values_list("drug_class", flat=True)) == {
        "lithium"}
    assert {"Bupropion XL", "Lithium carbonate", "Lamotrigine", "Quetiapine", "Lorazepam"} <= names
    assert benzodiazepines.exists()
    assert all(medicine.lorazepam_equivalent_mg_per_day > 0 for medicine in benzodiazepines)


def test_measurements_are_plausible_and_taken_over_time(demo_clinic, db):
    readings = list(BodyMeasurement.objects.all())
    per_patient = Counter(reading.patient_id for reading in readings)

    assert all(45 <= reading.weight_kg <= 125 for reading in readings if reading.weight_kg)
    assert all(150 <= reading.height_cm <= 195 for reading in readings if reading.height_cm)
    assert all(95 <= reading.systolic_mmhg <= 190 and 55 <= reading.diastolic_mmhg <= 115 for reading in readings)
    assert all(55 <= reading.heart_rate_bpm <= 95 for reading in readings if reading.heart_rate_bpm)
    assert Counter(per_patient.values()) == {3: 25, 2: 9}


def test_results_include_pregnancy_liver_ecg_and_toxicology(demo_clinic, db):
    results = Counter(Result.objects.values_list("kind", "outcome"))
    could_become_pregnant = SafetyHistory.objects.filter(could_become_pregnant=True).values_list(
        "patient_id", flat=True)

    assert {kind for kind, _ in results} == {"pregnancy_test", "liver_tests", "ecg", "urine_toxicology"}
    assert results["liver_tests", "positive"] >= 2
    assert results["liver_tests", "pending"] >= 1
    assert set(could_become_pregnant) <= set(Result.objects.filter(kind="pregnancy_test").values_list(
        "patient_id", flat=True))


def test_contacts_are_made_up_and_most_have_emergency_contact_and_escort(demo_clinic, db):
    patients = list(Patient.objects.all())

    assert all(patient.email.endswith("@example.com") and "555-01" in patient.phone for patient in patients)
    assert sum(bool(patient.emergency_contact_phone) for patient in patients) >= 34
    assert sum(bool(patient.escort_name) for patient in patients) >= 25
    assert {patient.preferred_channel for patient in patients} == {"sms", "email", "phone"}


def test_every_date_lies_before_now(demo_clinic, db):
    latest_event = AuditEvent.objects.order_by("-occurred_at").first().occurred_at

    assert latest_event < NOW
    assert Patient.objects.order_by("created_at").first().created_at > NOW - dt.timedelta(days=160)
    assert BodyMeasurement.objects.order_by("-measured_on").first().measured_on < NOW.date()


def test_audit_trail_of_the_load_verifies(demo_clinic, db):
    reports = verification.verify_all_chains()

    assert [report.intact for report in reports] == [True]
    assert reports[0].events_checked == AuditEvent.objects.count() > 40 * 5
