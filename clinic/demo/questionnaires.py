"""Demo questionnaire histories, written through the questionnaire actions: each patient whose intake
has begun answered PHQ-9 and GAD-7 on the clinic tablet at the intake visit, and the clinician who
took the history entered the intake screens (AUDIT-C, DAST-10, C-SSRS screener) from paper. Patients
whose intake is complete then answered PHQ-9 (GAD-7 for anxiety) from home every two weeks up to
yesterday, scores easing over time.

Every answer stays below every alert but one: one patient's latest PHQ-9 has item 9 at 1, so the demo
holds exactly one open suicide-risk alert for the prescriber to acknowledge. Each site's director is
its on-call clinician. Answers come from a fixed seed, so every machine gets the same histories.
"""

import datetime as dt
import random
import zoneinfo
from collections.abc import Iterator

from django.db.models import Prefetch

from clinic.accounts.models import StaffUser
from clinic.patients import actions as patient_actions
from clinic.patients.models import Indication, Patient, SafetyHistory
from clinic.questionnaires import actions
from clinic.questionnaires.actions import PatientActor
from clinic.questionnaires.models import Mode, QuestionnaireResponse, SiteAlertSettings
from clinic.sites.models import Organisation, Site

SEED = 20261213
FOLLOW_UP_DAYS = 14
# Primary scale of the follow-ups by primary indication; the others answer PHQ-9 every two weeks.
SERIES_SCALE = {"ANXIETY": "gad7"}
# Starting totals by profile of the first score: moderately severe to severe depression, moderate anxiety.
BASELINE = {"phq9": (15, 22), "gad7": (11, 17)}
# Intake screens that find nothing: AUDIT-C 1 (below both cut-offs), DAST-10 0 (item 3 "Yes" scores 0),
# C-SSRS every answer No (items 3–5 not asked).
INTAKE_SCREENS = (("audit_c", [1, 0, 0]), ("dast10", [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
                  ("cssrs_screener", [0, 0, None, None, None, 0]))
ITEMS = {"phq9": 9, "gad7": 7}
SUICIDE_ITEM = 9


def seed_alert_settings(*, sites: dict[str, Site], director: StaffUser, now: dt.datetime) -> None:
    """Each site's on-call clinician for high-risk alerts: its medical director; set once, at `now`."""
    for site in sites.values():
        if not SiteAlertSettings.objects.filter(site=site).exists():
            actions.save_alert_settings(site=site, actor=director, now=now, on_call=director, crisis_text="",
                                        crisis_text_high="")


def assign_prescribers(*, organisation: Organisation, clinicians: dict[str, StaffUser]) -> None:
    """A prescriber for every demo patient without one: the clinician who takes histories at their site,
    recorded as of registration."""
    for patient in organisation.patients.filter(prescriber__isnull=True).select_related("site").order_by("pk"):
        clinician = clinicians[patient.site.code]
        patient_actions.update_patient(actor=clinician, now=patient.created_at, patient=patient, prescriber=clinician)


def seed_histories(*, organisation: Organisation, now: dt.datetime) -> int:
    """Questionnaire histories for the demo patients, once; returns how many responses were added."""
    if QuestionnaireResponse.objects.filter(patient__organisation=organisation).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - made-up demo data, repeatable on purpose; no secrets
    patients = list(organisation.patients.filter(safety_history__isnull=False)
                    .select_related("site", "prescriber", "safety_history")
                    .prefetch_related(Prefetch("indications", Indication.objects.filter(is_primary=True)))
                    .order_by("mrn"))
    alerted = _alerted_patient(patients)
    added = 0
    for patient in patients:
        added += _history(rng, patient, now=now, item_9_positive=patient == alerted)
    return added


def _alerted_patient(patients: list[Patient]) -> Patient:
    """The first patient treated for depression whose intake is complete: their latest PHQ-9 is the alert."""
    return next(patient for patient in patients
                if _complete(patient.safety_history) and _series_scale(patient) == "phq9")


def _complete(history: SafetyHistory) -> bool:
    return None not in history.answers().values()


def _series_scale(patient: Patient) -> str:
    primary = next(iter(patient.indications.all()), None)
    return SERIES_SCALE.get(primary.code if primary else "", "phq9")


def _history(rng: random.Random, patient: Patient, *, now: dt.datetime, item_9_positive: bool) -> int:
    history = patient.safety_history
    clinician = history.updated_by
    visit_at = history.updated_at + dt.timedelta(minutes=10)
    tablet = PatientActor(patient, handed_over_by=clinician)
    for code, given in INTAKE_SCREENS:
        actions.submit_response(patient=patient, instrument=code, answers=given, actor=clinician, now=visit_at,
                                mode=Mode.PAPER)
    scale = _series_scale(patient)
    baselines = {code: rng.randint(*BASELINE[code]) for code in ITEMS}
    for code in ITEMS:
        actions.submit_response(patient=patient, instrument=code, answers=_answers(rng, code, baselines[code]),
                                actor=tablet, now=visit_at + dt.timedelta(minutes=5), mode=Mode.TABLET)
    added = len(INTAKE_SCREENS) + len(ITEMS)
    if not _complete(history):
        return added
    visits = list(_follow_ups(rng, patient, first=visit_at, now=now))
    for number, answered_at in enumerate(visits, start=1):
        # Scores ease towards about 40 % of the baseline, most in the first weeks, as a response would.
        total = max(1, round(baselines[scale] * (0.4 + 0.6 * 0.7 ** number)) + rng.randint(-1, 1))
        positive = item_9_positive and number == len(visits)
        actions.submit_response(patient=patient, instrument=scale, answers=_answers(rng, scale, total, positive),
                                actor=PatientActor(patient), now=answered_at, mode=Mode.REMOTE)
    return added + len(visits)


def _follow_ups(rng: random.Random, patient: Patient, *, first: dt.datetime, now: dt.datetime) -> Iterator[dt.datetime]:
    """Every two weeks after the intake visit, in the evening at the patient's site, up to yesterday."""
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    yesterday = now.astimezone(zone).date() - dt.timedelta(days=1)
    day = first.astimezone(zone).date() + dt.timedelta(days=FOLLOW_UP_DAYS)
    while day <= yesterday:
        yield dt.datetime.combine(day, dt.time(19, rng.randrange(0, 60, 5)), tzinfo=zone)
        day += dt.timedelta(days=FOLLOW_UP_DAYS)


def _answers(rng: random.Random, code: str, total: int, item_9_positive: bool = False) -> list[int]:
    """Answers of 0–3 adding up to `total`, spread over the items at random; PHQ-9 item 9 stays 0 unless
    the one alert is wanted, when it is 1 and counts in the total."""
    count = ITEMS[code]
    answers = [0] * count
    open_items = [index for index in range(count) if not (code == "phq9" and index == SUICIDE_ITEM - 1)]
    if item_9_positive:
        answers[SUICIDE_ITEM - 1] = 1
        total -= 1
    for _ in range(min(total, 3 * len(open_items))):
        index = rng.choice([index for index in open_items if answers[index] < 3])
        answers[index] += 1
    return answers
