"""Writing the patient's other diagnoses: the code checked against the code set and described from it,
the dates checked against today at the site, the audit event and the revision in the same transaction
(clinical-reference §2.1, "Codes that screening must read")."""

import datetime as dt

import pytest

from clinic.audit.models import AuditEvent
from clinic.patients import actions
from clinic.patients.models import OtherDiagnosis, RecordRevision
from clinic.patients.tests.factories import OtherDiagnosisFactory, PatientFactory
from clinic.rules.errors import DomainError

pytestmark = pytest.mark.django_db

PAST_BIPOLAR = {"icd10_code": "f3181", "status": "past", "onset_on": dt.date(2019, 3, 1),
                "resolved_on": dt.date(2021, 6, 1), "noted_on": dt.date(2026, 11, 20)}
# The root `now` is 2026-11-24 09:30 in New York, the main site's zone.
TODAY = dt.date(2026, 11, 24)
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture
def patient(main_site):
    return PatientFactory(site=main_site)


def add(patient, nurse, now, **fields):
    return actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="other_diagnosis",
                                   values={**PAST_BIPOLAR, **fields})


def test_records_the_normalised_code_with_the_code_sets_description_and_who_when(patient, nurse, now):
    """clinical-reference §2.1: F31.81 bipolar II disorder, as the ICD-10-CM tabular list writes it."""
    diagnosis = add(patient, nurse, now)

    diagnosis.refresh_from_db()
    assert (diagnosis.icd10_code, diagnosis.description, diagnosis.status) == ("F31.81", "Bipolar II disorder", "past")
    assert (diagnosis.recorded_by, diagnosis.recorded_at) == (nurse, now)
    event = AuditEvent.objects.get(action="patients.other_diagnosis_added")
    assert (event.actor, event.occurred_at, [link.patient_id for link in event.patient_links.all()]) == (
        nurse, now, [patient.pk])
    revision = RecordRevision.objects.get()
    assert (revision.change, revision.changes["icd10_code"], revision.changes["description"]) == (
        "create", [None, "F31.81"], [None, "Bipolar II disorder"])


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"icd10_code": "F99.99"}, "ICD10_UNKNOWN", "icd10_code"),
    ({"icd10_code": "F20-F29"}, "ICD10_UNKNOWN", "icd10_code"),
    ({"icd10_code": "   "}, "ICD10_UNKNOWN", "icd10_code"),
    ({"onset_on": TOMORROW}, "DATE_IN_FUTURE", "onset_on"),
    ({"resolved_on": TOMORROW}, "DATE_IN_FUTURE", "resolved_on"),
    ({"noted_on": TOMORROW}, "DATE_IN_FUTURE", "noted_on"),
    ({"status": "current"}, "CURRENT_DIAGNOSIS_RESOLVED", "resolved_on"),
    ({"resolved_on": dt.date(2019, 2, 28)}, "DATES_OUT_OF_ORDER", "resolved_on"),
], ids=["unknown", "block", "empty", "onset", "resolved", "noted", "current-resolved", "resolved-before-onset"])
def test_each_refusal_names_its_field_and_writes_nothing(fields, code, field, patient, nurse, now):
    """clinical-reference §2.1: only a code of the code set, with dates that can be true, reaches screening."""
    with pytest.raises(DomainError) as refused:
        add(patient, nurse, now, **fields)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert (OtherDiagnosis.objects.count(), RecordRevision.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize("fields", [
    {"onset_on": TODAY, "resolved_on": TODAY, "noted_on": TODAY},
    {"resolved_on": dt.date(2019, 3, 1)},
    {"status": "current", "resolved_on": None, "onset_on": None},
], ids=["all-today", "resolved-on-onset-day", "current-without-dates"])
def test_dates_on_the_limits_are_accepted(fields, patient, nurse, now):
    """clinical-reference §2.1 history: today at the site and a same-day resolution are possible dates."""
    diagnosis = add(patient, nurse, now, **fields)

    assert OtherDiagnosis.objects.get() == diagnosis


def test_today_is_the_sites_date_not_the_servers(patient, nurse):
    """clinical-reference §2.1 history: at 21:00 in New York on 24 November it is already 25 November in
    UTC, and the 25th is still tomorrow at the site."""
    evening = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)

    with pytest.raises(actions.DateInFuture) as refused:
        add(patient, nurse, evening, noted_on=dt.date(2026, 11, 25))

    assert refused.value.message == ("The noted date 25 Nov 2026 is after today at the site (24 Nov 2026). "
                                     "Check the day and the year.")


def test_a_new_code_brings_its_own_description_and_both_are_kept_as_a_revision(patient, nurse, now):
    """clinical-reference §2.1: F20.9 schizophrenia, current, recorded in place of a wrong code."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse)

    changed = actions.change_intake_item(actor=nurse, now=now, item=diagnosis, icd10_code="f20.9",
                                         status="current", resolved_on=None)

    assert (changed.icd10_code, changed.description, changed.status) == ("F20.9", "Schizophrenia, unspecified",
                                                                         "current")
    revision = RecordRevision.objects.get(change="update")
    assert revision.changes["description"] == ["Bipolar II disorder", "Schizophrenia, unspecified"]
    assert AuditEvent.objects.filter(action="patients.other_diagnosis_changed").count() == 1


def test_the_recorded_code_keeps_its_recorded_description(patient, nurse, now):
    """clinical-reference §2.1: what was recorded does not change under a later code-set release."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse, description="Bipolar II (older wording)")

    changed = actions.change_intake_item(actor=nurse, now=now, item=diagnosis, icd10_code="f31.81",
                                         onset_on=dt.date(2018, 1, 1))

    assert (changed.icd10_code, changed.description) == ("F31.81", "Bipolar II (older wording)")
    assert RecordRevision.objects.get().changes == {"onset_on": [None, "2018-01-01"]}


def test_marking_a_past_diagnosis_current_without_clearing_its_resolved_date_is_refused(patient, nurse, now):
    """clinical-reference §2.1: a current diagnosis is one not resolved; the record stays as it was."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse, resolved_on=dt.date(2021, 6, 1))

    with pytest.raises(actions.CurrentDiagnosisResolved):
        actions.change_intake_item(actor=nurse, now=now, item=diagnosis, status="current")

    diagnosis.refresh_from_db()
    assert (diagnosis.status, RecordRevision.objects.count(), AuditEvent.objects.count()) == ("past", 0, 0)


def test_changing_to_an_unknown_code_is_refused_and_keeps_the_old_one(patient, nurse, now):
    """clinical-reference §2.1: only codes of the code set reach screening."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse)

    with pytest.raises(actions.icd10.UnknownDiagnosisCode):
        actions.change_intake_item(actor=nurse, now=now, item=diagnosis, icd10_code="F31.99")

    diagnosis.refresh_from_db()
    assert (diagnosis.icd10_code, diagnosis.description) == ("F31.81", "Bipolar II disorder")


def test_removing_keeps_the_code_and_description_in_the_history(patient, nurse, now):
    """clinical-reference §2.1: an entry made in error leaves screening's list but not the record."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse)

    actions.remove_intake_item(actor=nurse, now=now, item=diagnosis)

    revision = RecordRevision.objects.get(change="delete")
    assert (revision.changes["icd10_code"], revision.changes["description"]) == (
        ["F31.81", None], ["Bipolar II disorder", None])
    assert not OtherDiagnosis.objects.exists()
    assert AuditEvent.objects.filter(action="patients.other_diagnosis_removed").count() == 1


@pytest.mark.parametrize("field", ["onset_on", "resolved_on"])
def test_a_date_before_the_patients_birth_is_refused(patient, nurse, now, field):
    """clinical-reference §2.1: a diagnosis has its dates inside the patient's life; nothing is written."""
    before_birth = patient.birth_date - dt.timedelta(days=1)
    dates = {"onset_on": before_birth, "resolved_on": before_birth} if field == "onset_on" else {
        "onset_on": None, "resolved_on": before_birth}

    with pytest.raises(actions.DatesOutOfOrder) as error:
        add(patient, nurse, now, **dates)

    assert error.value.field == field
    assert "before the patient's birth date" in error.value.message
    assert not OtherDiagnosis.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", [False, True])
def test_the_code_is_checked_before_the_write_transaction_opens(patient, nurse, now, monkeypatch, change):
    """clinical-reference §2.1: the first check in a process loads the code set (about 1.5 s), which
    must never hold the database's write lock while it loads."""
    from django.db import connection

    from clinic.rules import icd10

    load = icd10._code_set
    in_transaction = []

    def watched_load():
        in_transaction.append(connection.in_atomic_block)
        return load()

    existing = OtherDiagnosisFactory(patient=patient, recorded_by=nurse) if change else None
    monkeypatch.setattr(icd10, "_code_set", watched_load)

    if change:
        actions.change_intake_item(actor=nurse, now=now, item=existing, icd10_code="F20.9", status="current",
                                   resolved_on=None)
    else:
        add(patient, nurse, now, icd10_code="F20.9", status="current", resolved_on=None)

    assert in_transaction[0] is False
    assert OtherDiagnosis.objects.get().icd10_code == "F20.9"


def test_loading_the_site_does_not_load_the_code_set():
    """The code set is loaded on first use only: starting the site and reading its URLs must not pay
    its 1.5 s and its memory (clinical-reference §2.1 codes are checked when one is recorded)."""
    import subprocess
    import sys
    from pathlib import Path

    script = ("import os, sys, django\n"
              "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings_test')\n"
              "django.setup()\n"
              "from django.urls import get_resolver\n"
              "get_resolver().url_patterns\n"
              "import config.wsgi\n"
              "print('simple_icd_10_cm' in sys.modules, 'django' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[3])

    assert result.stdout.split() == ["False", "True"]
