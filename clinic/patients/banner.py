"""What the patient banner shows on every patient page: who the patient is, their age on the site's
today, whether allergies are recorded, and the flags of the rules' screening of the current intake.

The flags come from running clinic.rules.eligibility.screen on the intake as it stands, for today at
the site, with the site's protocol version in force: its eligibility section (with its TRD part) and
each intake screen's scoring settings, exactly as a stored screening run reads them (clinic.screening
screens through `current_intake` with the same version). Nothing passes by being missing: an intake
the rules refuse shows as a hard stop naming the error, and an incomplete one as the hard stop saying
what is still to record. Front desk gets the administrative part alone; the clinical rows are not read
for them at all.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import prefetch_related_objects

from clinic.patients import queries
from clinic.patients.models import Patient
from clinic.protocols.models import ClinicProtocol
from clinic.protocols.queries import current_protocol
from clinic.questionnaires import queries as questionnaire_queries
from clinic.rules import eligibility, scales, trd
from clinic.rules.eligibility import CAUTION, HARD_STOP, INFORMATION
from clinic.rules.errors import DomainError
from clinic.sites.queries import site_today

# The protocol section whose rules screen an intake and whose adult age marks a patient under age.
ELIGIBILITY = "eligibility"
# A pregnancy result that is a test outcome; "pending" and "borderline" are not yet one.
PREGNANCY_OUTCOMES = {"positive": True, "negative": False}
MEASUREMENT_WORDS = {"blood_pressure": "seated blood pressure", "blood_pressure_recheck": "blood pressure recheck"}


@dataclass(frozen=True)
class Flag:
    """One finding as the banner shows it: `text` is the rule's title, or for an incomplete or
    refused intake what is missing or wrong; `detail` is the rules' full message."""

    code: str
    kind: str
    text: str
    detail: str


@dataclass(frozen=True)
class ClinicalBanner:
    allergies: tuple[str, ...]
    nkda_recorded_at: dt.datetime | None
    nkda_recorded_by: Any
    flags: tuple[Flag, ...]
    # Open clinical alerts (clinic.questionnaires), newest first.
    alerts: tuple[Any, ...] = ()

    @property
    def nkda(self) -> bool:
        """"No known drug allergies" only when someone recorded it and no allergy is listed."""
        return self.nkda_recorded_at is not None and not self.allergies

    @property
    def hard_stops(self) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.flags if flag.kind == HARD_STOP)

    @property
    def cautions(self) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.flags if flag.kind == CAUTION)

    @property
    def information(self) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.flags if flag.kind == INFORMATION)


@dataclass(frozen=True)
class Banner:
    patient: Patient
    today: dt.date
    age_years: int
    under_age: bool  # under the adult age of the site's protocol (18 unless the clinic raised it)
    adult_age_years: int
    clinical: ClinicalBanner | None  # None when the user does not see clinical data


def banner_for(*, patient: Patient, user: Any, now: dt.datetime, protocol: ClinicProtocol | None = None) -> Banner:
    """The banner of one patient for one user, at `now`; clinical rows only for clinical staff. `protocol`
    is the site's version in force when the page has read it already."""
    protocol = protocol or current_protocol(site=patient.site, now=now)
    today = site_today(site=patient.site, now=now)
    age = eligibility.age_years(patient.birth_date, today)
    clinical = _clinical(patient, today=today, protocol=protocol) if user.sees_clinical_data else None
    adult_age = protocol.rules(ELIGIBILITY).adult_age_years
    return Banner(patient=patient, today=today, age_years=age, under_age=age < adult_age, adult_age_years=adult_age,
                  clinical=clinical)


def _clinical(patient: Patient, *, today: dt.date, protocol: ClinicProtocol) -> ClinicalBanner:
    # Rows a page already prefetched (the chart, the intake) are not read again.
    prefetch_related_objects([patient], "allergies", "safety_history", "indications", "medications",
                             "measurements", "treatment_trials", "results")
    return ClinicalBanner(
        allergies=tuple(allergy.substance for allergy in patient.allergies.all()),
        nkda_recorded_at=patient.nkda_recorded_at,
        nkda_recorded_by=patient.nkda_recorded_by if patient.nkda_recorded_by_id else None,
        flags=screening_flags(patient, today=today, protocol=protocol),
        alerts=tuple(questionnaire_queries.open_alerts(patient=patient)),
    )


def screening_flags(patient: Patient, *, today: dt.date, protocol: ClinicProtocol) -> tuple[Flag, ...]:
    """The findings of the rules' screening of the current intake with the site's `protocol`, for an
    infusion today; an intake the rules refuse is one hard stop saying what is wrong."""
    try:
        findings = eligibility.screen(current_intake(patient, today=today, protocol=protocol),
                                      protocol.rules(ELIGIBILITY))
    except DomainError as error:
        return (Flag("INTAKE_INVALID", HARD_STOP, f"Intake has an error: {error.message}", error.message),)
    return tuple(_flag(finding) for finding in findings)


def _flag(finding: eligibility.Finding) -> Flag:
    if finding.code == "HS_INTAKE_INCOMPLETE":
        return Flag(finding.code, finding.kind, f"Intake incomplete: still to record {missing(finding.data)}",
                    finding.message)
    return Flag(finding.code, finding.kind, finding.title, finding.message)


def missing(data: dict[str, Any]) -> str:
    """HS_INTAKE_INCOMPLETE's data in a few words: "12 safety questions, indication, screens AUDIT-C,
    DAST-10, seated blood pressure"."""
    parts = []
    if count := len(data["safety_items"]):
        parts.append(f"{count} safety question{'s' if count > 1 else ''}")
    if data["indication_missing"]:
        parts.append("indication")
    if data["screens"]:
        parts.append("screens " + ", ".join(scales.instrument(code).name for code in data["screens"]))
    parts.extend(MEASUREMENT_WORDS[name] for name in data["measurements"])
    if data["benzodiazepine_doses"]:
        parts.append("lorazepam-equivalent dose of " + ", ".join(data["benzodiazepine_doses"]))
    return ", ".join(parts)


def current_intake(patient: Patient, *, today: dt.date, protocol: ClinicProtocol) -> eligibility.Intake:
    """The patient's intake as the rules read it, screened for a first infusion today at the site: with
    the latest stored score of each intake screen, scored with its settings in `protocol`, and the
    clinicians' suicide risk assessments."""
    history = getattr(patient, "safety_history", None)
    questionnaires = questionnaire_queries.screening_inputs(patient=patient, infusion_date=today, protocol=protocol)
    return eligibility.Intake(
        screens=questionnaires.screens,
        cssrs_screened_on=questionnaires.cssrs_screened_on,
        ymrs_rated_on=questionnaires.ymrs_rated_on,
        suicide_risk_assessments=questionnaires.assessments,
        birth_date=patient.birth_date,
        first_infusion_date=today,
        infusion_date=today,
        sex=patient.sex,
        indications=tuple(dict.fromkeys(item.code for item in patient.indications.all() if item.active)),
        safety=history.answers() if history is not None else {},
        diagnoses=queries.diagnoses_for_screening(patient),
        medications=tuple(
            eligibility.CurrentMedication(name=item.name, drug_class=item.drug_class,
                                          lorazepam_equivalent_mg_per_day=item.lorazepam_equivalent_mg_per_day)
            for item in patient.medications.all() if item.is_current),
        blood_pressures=_blood_pressures(patient),
        pregnancy_tests=tuple(
            eligibility.PregnancyTest(taken_on=result.taken_on, positive=PREGNANCY_OUTCOMES[result.outcome])
            for result in patient.results.all()
            if result.kind == "pregnancy_test" and result.outcome in PREGNANCY_OUTCOMES),
        treatment_trials=tuple(
            trd.TreatmentTrial(kind=trial.kind, name=trial.name, outcome=trial.outcome, drug_class=trial.drug_class,
                               weeks_at_adequate_dose=trial.weeks_at_adequate_dose,
                               current_episode=trial.current_episode, adequate_dose=trial.adequate_dose,
                               non_medical=trial.non_medical, adherence=trial.adherence)
            for trial in patient.treatment_trials.all()),
    )


def _blood_pressures(patient: Patient) -> tuple[eligibility.BloodPressure, ...]:
    """Each measured blood pressure at the site's local time. A measurement keeps its day and when it
    was entered, not the minute it was taken: the day with the time of entry orders a recheck after
    the first reading of the same day, which is what the uncontrolled-pressure rule compares. The rules'
    messages name only the day, so that entry time is never shown as the time measured."""
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    return tuple(
        eligibility.BloodPressure(
            measured_at=dt.datetime.combine(item.measured_on, item.recorded_at.astimezone(zone).time(), tzinfo=zone),
            systolic_mmhg=item.systolic_mmhg, diastolic_mmhg=item.diastolic_mmhg)
        for item in patient.measurements.all()
        if item.systolic_mmhg is not None and item.diastolic_mmhg is not None)
