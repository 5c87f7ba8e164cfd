"""The intake of one demo patient: indications, other diagnoses, medicines, allergies, prior
treatments, safety history, measurements and results, as the fields the patient actions take.

Each builder draws from the caller's seeded random generator, so the same seed gives the same
histories. Dates count back from the patient's intake visit.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clinic.demo import catalogue
from clinic.rules.safety_history import SAFETY_LABELS

REFERRED, STARTED, COMPLETE = "referred", "intake started", "intake complete"
DEPRESSION = ("TRD_UNIPOLAR", "TRD_BIPOLAR")
WEIGHT_KG = {"female": (52, 96), "male": (64, 118), "other": (55, 100)}
HEIGHT_CM = {"female": (152, 177), "male": (165, 193), "other": (158, 185)}
# (systolic mmHg range, diastolic mmHg range) by safety profile; others by age.
BLOOD_PRESSURE_MMHG = {"htn_uncontrolled": ((166, 184), (100, 112)), "htn_controlled": ((124, 138), (78, 88))}
INTOLERANCE_REASONS = ("Nausea and agitation", "Sexual side effects", "Weight gain", "Daytime sedation",
                       "Headache and insomnia")
PRESCRIBED_ON_SCREEN = {"benzodiazepine": "Benzodiazepines", "stimulant": "Amphetamines"}
# (indication, stage, profile) of the one patient with a bipolar II diagnosis beside the
# indication: screening reads it with the indication's code (clinical-reference §2.1).
BIPOLAR_II_BESIDE_PTSD = ("PTSD", COMPLETE, "clear")
BIPOLAR_II_NOTES = ("Bipolar II disorder diagnosed in their twenties, no mood episode for five years; "
                         "no psychosis, heart or vessel disease, bladder or liver problems reported.")


@dataclass(frozen=True)
class Person:
    stage: str
    indication: str
    profile: str
    sex: str
    birth_date: dt.date
    age_years: int
    could_become_pregnant: bool
    referred_on: dt.date
    intake_on: dt.date
    results_on: dt.date
    recheck_on: dt.date


def indications(rng: random.Random, person: Person) -> list[dict[str, Any]]:
    code = (catalogue.PSYCHOTIC_BIPOLAR_CODE if person.profile == "psychosis"
            else rng.choice(catalogue.ICD10_CODES[person.indication]))
    items = [{"code": person.indication, "icd10_code": code, "is_primary": True, "noted_on": person.intake_on}]
    if rng.random() < 0.35:
        other = rng.choice(catalogue.COMORBID[person.indication])
        items.append({"code": other, "icd10_code": rng.choice(catalogue.ICD10_CODES[other]),
                      "is_primary": False, "noted_on": person.intake_on})
    return items


def other_diagnoses(person: Person) -> list[dict[str, Any]]:
    """A bipolar II disorder (F31.81) for one PTSD patient, none for the others. It is current, with
    no mood episode for years: a bipolar diagnosis is lifelong, so it has no resolved date. It draws
    nothing from the random generator, so every other patient stays as the seed made them."""
    if (person.indication, person.stage, person.profile) != BIPOLAR_II_BESIDE_PTSD:
        return []
    return [{"icd10_code": "F31.81", "status": "current", "onset_on": _years_before(person.intake_on, 9),
             "noted_on": person.intake_on}]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def medicines(rng: random.Random, person: Person) -> list[dict[str, Any]]:
    keys = rng.choice(catalogue.REGIMENS[person.indication]) + catalogue.PROFILE_MEDICINES.get(person.profile, ())
    items = []
    for key in keys:
        name, drug_class, dose_text, lorazepam_mg = catalogue.MEDICINES[key]
        items.append({"name": name, "drug_class": drug_class, "dose_text": dose_text,
                      "lorazepam_equivalent_mg_per_day": Decimal(lorazepam_mg) if lorazepam_mg else None,
                      "started_on": person.intake_on - dt.timedelta(days=rng.randint(45, 900))})
    return items


def allergies(rng: random.Random) -> list[dict[str, str]]:
    count = rng.choices((0, 1, 2), (55, 35, 10))[0]
    return [{"substance": substance, "reaction": reaction, "severity": severity}
            for substance, reaction, severity in rng.sample(catalogue.ALLERGIES, count)]


def treatment_trials(rng: random.Random, person: Person, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Prior treatments, oldest first. Some patients have two or more adequate failed trials in
    this episode (the usual TRD definition), some fewer."""
    taking = {item["name"].split()[0].lower() for item in current}
    trials = _medication_trials(rng, person, taking=taking) + _other_treatments(rng, person)
    if person.stage == STARTED:
        # Still being gathered: the first half so far, adequacy not yet confirmed by a prescriber.
        return [trial | {"adequate_dose": False, "source": "patient"} for trial in trials[: max(1, len(trials) // 2)]]
    return trials


def _medication_trials(rng: random.Random, person: Person, *, taking: set[str]) -> list[dict[str, Any]]:
    pool = [key for key in catalogue.TRIAL_POOLS[person.indication]
            if catalogue.TRIAL_DRUGS[key][0].split()[0].lower() not in taking]
    rng.shuffle(pool)
    failures = rng.randint(2, 3) if rng.random() < 0.65 else rng.randint(0, 1)
    kinds = ["failed"] * failures + rng.sample(["intolerance", "switched_early"], rng.randint(0, 2))
    rng.shuffle(kinds)
    trials, stopped_on = [], person.intake_on - dt.timedelta(days=rng.randint(7, 35))
    for key, kind in zip(pool, kinds, strict=False):
        trial = _medication_trial(rng, key, kind)
        started_on = stopped_on - dt.timedelta(weeks=trial["weeks_at_adequate_dose"] + rng.randint(2, 4))
        trials.append(trial | {"started_on": started_on, "stopped_on": stopped_on})
        stopped_on = started_on - dt.timedelta(days=rng.randint(7, 42))
    if len(pool) > len(kinds) and rng.random() < 0.3:
        trials.append(_earlier_episode_trial(rng, pool[len(kinds)], before=stopped_on))
    return trials[::-1]


def _medication_trial(rng: random.Random, key: str, kind: str) -> dict[str, Any]:
    name, drug_class, dose, unit = catalogue.TRIAL_DRUGS[key]
    trial = {"kind": "medication", "name": name, "drug_class": drug_class, "max_daily_dose": Decimal(dose),
             "dose_unit": unit, "current_episode": True, "source": rng.choice(("records", "patient")),
             "adherence": rng.choices(("good", "partial"), (80, 20))[0]}
    if kind == "failed":
        return trial | {"weeks_at_adequate_dose": rng.randint(6, 14), "adequate_dose": True,
                        "outcome": rng.choice(("no_response", "partial_response")),
                        "reason_stopped": "Not enough benefit at a full dose"}
    if kind == "switched_early":
        return trial | {"weeks_at_adequate_dose": rng.randint(2, 4), "adequate_dose": True,
                        "outcome": "no_response", "reason_stopped": "Switched early by the prescriber"}
    return trial | {"max_daily_dose": Decimal(dose) / 2, "weeks_at_adequate_dose": 0, "adequate_dose": False,
                    "outcome": "intolerance", "reason_stopped": rng.choice(INTOLERANCE_REASONS)}


def _earlier_episode_trial(rng: random.Random, key: str, *, before: dt.date) -> dict[str, Any]:
    name, drug_class, dose, unit = catalogue.TRIAL_DRUGS[key]
    weeks = rng.randint(20, 40)
    stopped_on = before - dt.timedelta(days=365 * rng.randint(2, 6))
    return {"kind": "medication", "name": name, "drug_class": drug_class, "max_daily_dose": Decimal(dose),
            "dose_unit": unit, "weeks_at_adequate_dose": weeks, "adequate_dose": True, "adherence": "good",
            "outcome": "response", "reason_stopped": "Tapered off after recovery", "current_episode": False,
            "source": "patient", "started_on": stopped_on - dt.timedelta(weeks=weeks + 2),
            "stopped_on": stopped_on}


def _other_treatments(rng: random.Random, person: Person) -> list[dict[str, Any]]:
    items = []
    if rng.random() < 0.8:
        items.append(_psychotherapy(rng, person))
    if person.indication in catalogue.TMS_PROTOCOLS and rng.random() < 0.35:
        items.append(_tms(rng, person))
    if person.indication in DEPRESSION and rng.random() < 0.15:
        items.append(_ect(rng, person))
    if person.profile == "ketamine_misuse_past":
        items.append(_non_medical_ketamine(rng, person))
    elif person.indication in (*DEPRESSION, "PTSD") and rng.random() < 0.2:
        items.append(_prior_ketamine(rng, person))
    # The prescriber's adequacy flag is about medicine doses; other treatments are never counted.
    return sorted((item | {"adequate_dose": False} for item in items), key=lambda item: item["started_on"])


def _dates(rng: random.Random, person: Person, *, weeks: int) -> dict[str, dt.date]:
    # Ended before the intake visit: a history date is never after the day it is recorded.
    stopped_on = person.intake_on - dt.timedelta(days=rng.randint(14, 700))
    return {"started_on": stopped_on - dt.timedelta(weeks=weeks), "stopped_on": stopped_on}


def _psychotherapy(rng: random.Random, person: Person) -> dict[str, Any]:
    sessions = rng.randint(8, 24)
    return {"kind": "psychotherapy", "name": rng.choice(catalogue.PSYCHOTHERAPIES[person.indication]),
            "sessions_count": sessions, "current_episode": rng.random() < 0.7,
            "outcome": rng.choice(("partial_response", "no_response", "response_then_relapse")),
            "reason_stopped": rng.choice(catalogue.THERAPY_STOP_REASONS), **_dates(rng, person, weeks=sessions)}


def _tms(rng: random.Random, person: Person) -> dict[str, Any]:
    return {"kind": "tms", "name": rng.choice(catalogue.TMS_PROTOCOLS[person.indication]),
            "sessions_count": rng.choice((30, 36)), "current_episode": True,
            "outcome": rng.choice(("partial_response", "no_response", "response_then_relapse")),
            "reason_stopped": "Course completed", **_dates(rng, person, weeks=7)}


def _ect(rng: random.Random, person: Person) -> dict[str, Any]:
    outcome = rng.choice(("response_then_relapse", "intolerance"))
    return {"kind": "ect", "name": rng.choice(catalogue.ECT_PROTOCOLS), "sessions_count": rng.randint(6, 12),
            "cognitive_effects": rng.choice(catalogue.ECT_COGNITIVE_EFFECTS), "outcome": outcome,
            "current_episode": True, "source": "records",
            "reason_stopped": ("Relapsed within three months" if outcome == "response_then_relapse"
                               else "Memory problems; stopped at the patient's request"),
            **_dates(rng, person, weeks=4)}


def _prior_ketamine(rng: random.Random, person: Person) -> dict[str, Any]:
    if rng.random() < 0.5:
        return {"kind": "ketamine", "name": "IV ketamine at another clinic", "route": "IV", "sessions_count": 6,
                "outcome": "response_then_relapse", "current_episode": True,
                "reason_stopped": "Relief lasted about a month; that clinic closed", **_dates(rng, person, weeks=3)}
    return {"kind": "ketamine", "name": "Esketamine nasal spray", "route": "nasal",
            "sessions_count": rng.randint(8, 16), "outcome": "partial_response", "current_episode": True,
            "reason_stopped": "Travel to the treatment centre twice a week too hard",
            **_dates(rng, person, weeks=8)}


def _non_medical_ketamine(rng: random.Random, person: Person) -> dict[str, Any]:
    return {"kind": "ketamine", "name": "Ketamine, non-medical", "route": "nasal", "non_medical": True,
            "outcome": "unknown", "current_episode": False, "source": "patient",
            "reason_stopped": "Stopped on their own",
            "started_on": person.intake_on - dt.timedelta(days=rng.randint(6 * 365, 8 * 365)),
            "stopped_on": person.intake_on - dt.timedelta(days=rng.randint(4 * 365, 5 * 365))}


def safety_history(rng: random.Random, person: Person) -> dict[str, Any]:
    """Every item answered once intake is complete; several still unknown while it is under way."""
    flagged, notes = catalogue.PROFILES[person.profile]
    bipolar = person.indication == "TRD_BIPOLAR" or bool(other_diagnoses(person))
    yes = set(flagged) | ({"bipolar_disorder"} if bipolar else set())
    answers: dict[str, bool | None] = {name: name in yes for name in SAFETY_LABELS}
    answers["could_become_pregnant"] = person.could_become_pregnant
    if person.indication == "TRD_BIPOLAR" and not flagged:
        notes = "Bipolar II disorder, currently depressed; no mania or hypomania now."
    elif other_diagnoses(person):
        notes = BIPOLAR_II_NOTES
    if person.stage == STARTED:
        not_asked = rng.sample(sorted(set(answers) - yes), rng.randint(6, 12))
        answers |= dict.fromkeys(not_asked, None)
        notes = (notes if flagged else "History still being taken.") + " Items left blank were not asked yet."
    return {"answers": answers, "notes": notes}


def measurements(rng: random.Random, person: Person) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the nurse records at the intake visit (the referral letter's reading and the visit's
    own), then at the later check."""
    weight_kg = rng.uniform(*WEIGHT_KG[person.sex])
    height_cm = rng.uniform(*HEIGHT_CM[person.sex])
    from_letter = {"measured_on": person.referred_on - dt.timedelta(days=rng.randint(10, 40)),
                   "weight_kg": _tenths(weight_kg + rng.uniform(-2, 2)), **_blood_pressure(rng, person)}
    at_intake = {"measured_on": person.intake_on, "weight_kg": _tenths(weight_kg),
                 **_blood_pressure(rng, person), "heart_rate_bpm": rng.randint(58, 92)}
    if person.stage == COMPLETE or rng.random() < 0.5:
        at_intake["height_cm"] = _tenths(height_cm)
    recheck = {"measured_on": person.recheck_on, "weight_kg": _tenths(weight_kg + rng.uniform(-1.5, 1.5)),
               **_blood_pressure(rng, person), "heart_rate_bpm": rng.randint(58, 92)}
    return [from_letter, at_intake], [recheck]


def _tenths(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


def _blood_pressure(rng: random.Random, person: Person) -> dict[str, int]:
    default = ((120, 142), (70, 88)) if person.age_years >= 60 else ((104, 132), (62, 84))
    systolic, diastolic = BLOOD_PRESSURE_MMHG.get(person.profile, default)
    return {"systolic_mmhg": rng.randint(*systolic), "diastolic_mmhg": rng.randint(*diastolic)}


def results(rng: random.Random, person: Person, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tests back from the lab once intake is complete; sent but pending while it is under way."""
    if person.stage == STARTED:
        return _pending_results(rng, person)
    on = person.results_on
    items = []
    if person.could_become_pregnant:
        items.append(_result("pregnancy_test", on, "positive", "Urine hCG positive") if person.profile == "pregnant"
                     else _result("pregnancy_test", on, "negative", "Urine hCG negative"))
    if person.profile == "liver" or rng.random() < 0.6:
        items.append(_liver_tests(rng, person, on))
    if person.age_years >= 50 or person.profile.startswith("htn") or rng.random() < 0.3:
        items.append(_ecg(rng, person, on))
    if person.profile in ("sud_past", "ketamine_misuse_past") or rng.random() < 0.2:
        items.append(_urine_toxicology(current, on))
    return items


def _pending_results(rng: random.Random, person: Person) -> list[dict[str, Any]]:
    items = []
    if person.could_become_pregnant:
        items.append(_result("pregnancy_test", person.intake_on, "pending", "Sent to the lab"))
    if person.profile == "liver":
        items.append(_liver_tests(rng, person, person.referred_on - dt.timedelta(days=20)))
    elif rng.random() < 0.5:
        items.append(_result("liver_tests", person.intake_on, "pending", "Sent to the lab"))
    return items


def _result(kind: str, taken_on: dt.date, outcome: str, summary: str) -> dict[str, Any]:
    return {"kind": kind, "taken_on": taken_on, "outcome": outcome, "summary": summary}


def _liver_tests(rng: random.Random, person: Person, on: dt.date) -> dict[str, Any]:
    if person.profile == "liver":
        return _result("liver_tests", on, "positive", f"ALT {rng.randint(70, 95)} U/L, "
                       f"AST {rng.randint(55, 80)} U/L, GGT {rng.randint(90, 140)} U/L")
    return _result("liver_tests", on, "negative", f"ALT {rng.randint(14, 38)} U/L, AST {rng.randint(13, 34)} U/L, "
                   f"bilirubin 0.{rng.randint(3, 9)} mg/dL")


def _ecg(rng: random.Random, person: Person, on: dt.date) -> dict[str, Any]:
    if person.profile == "htn_uncontrolled":
        return _result("ecg", on, "positive", "Sinus rhythm 84 bpm; left ventricular hypertrophy by "
                       "voltage criteria; QTc 432 ms")
    if person.age_years >= 65 and rng.random() < 0.4:
        return _result("ecg", on, "borderline", "Sinus rhythm 62 bpm; first-degree AV block (PR 216 ms); "
                       "QTc 438 ms")
    return _result("ecg", on, "negative", f"Sinus rhythm {rng.randint(58, 88)} bpm, PR {rng.randint(130, 190)} ms, "
                   f"QTc {rng.randint(398, 440)} ms")


def _urine_toxicology(current: list[dict[str, Any]], on: dt.date) -> dict[str, Any]:
    prescribed = [f"{PRESCRIBED_ON_SCREEN[item['drug_class']]} positive, as prescribed ({item['name'].lower()})"
                  for item in current if item["drug_class"] in PRESCRIBED_ON_SCREEN]
    if prescribed:
        return _result("urine_toxicology", on, "positive", "; ".join(prescribed) + "; otherwise negative")
    return _result("urine_toxicology", on, "negative",
                   "Negative for amphetamines, benzodiazepines, cannabinoids, cocaine, opiates and ketamine")
