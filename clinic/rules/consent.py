"""The informed consent document a patient reads and signs before the first infusion.

Every paragraph states a fact of clinical-reference.md with its source: the off-label use of racemic
ketamine (§2.1, §4.1), what the course and an infusion day are like (§5.1–§5.2, §5.5, §6.1, §6.4),
every adverse effect of §5.4 in plain words with how long it lasts where the reference says so, the
long-term cautions (§8), the driving rule (§5.5, the stricter of the two) and the alternatives (§6.3,
§10). Numbers the clinic sets come from its protocol sections, so a change of protocol that changes
what the patient is told makes a new text; frequencies the reference does not give are not stated.

The text is data: sections of paragraphs, each with its source, stored as JSON with its hash, so a
signed consent shows exactly the words that were signed whatever changes later.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clinic.rules import course_plan, discharge, long_term_safety, maintenance, visits
from clinic.rules.vitals import thresholds

SOURCE = "clinical-reference §2.1, §4.1, §5, §6.1, §6.3, §6.4, §8, §10"


@dataclass(frozen=True)
class Paragraph:
    text: str
    source: str


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    paragraphs: tuple[Paragraph, ...]


def document(sections: Mapping[str, Any]) -> tuple[Section, ...]:
    """The document from the protocol's section objects (by catalogue key; a missing one is its default)."""
    induction = sections.get("induction") or course_plan.InductionProtocol()
    maint = sections.get("maintenance") or maintenance.MaintenanceProtocol()
    vitals = sections.get("vitals") or thresholds.VitalsProtocol()
    leaving = sections.get("discharge") or discharge.DischargeProtocol()
    long_term = sections.get("long_term") or long_term_safety.LongTermProtocol()
    visit = sections.get("visits") or visits.VisitProtocol()
    return (
        _off_label(sections.get("dosing")),
        _course(induction, maint),
        _infusion_day(vitals, leaving, visit),
        Section("side_effects", "Side effects, and how long they last", SIDE_EFFECTS),
        _long_term(long_term),
        _driving(visit),
        _alternatives(),
    )


def as_json(doc: Sequence[Section]) -> list[dict[str, Any]]:
    return [{"key": part.key, "heading": part.heading,
             "paragraphs": [{"text": item.text, "source": item.source} for item in part.paragraphs]}
            for part in doc]


def from_json(stored: Sequence[Mapping[str, Any]]) -> tuple[Section, ...]:
    return tuple(Section(part["key"], part["heading"],
                         tuple(Paragraph(item["text"], item["source"]) for item in part["paragraphs"]))
                 for part in stored)


def content_hash(doc: Sequence[Section]) -> str:
    """SHA-256 of the text in a canonical form: equal words, equal hash."""
    canonical = json.dumps(as_json(doc), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _p(text: str, source: str) -> Paragraph:
    return Paragraph(text, source)


def _off_label(dosing: Any) -> Section:
    duration_min = getattr(dosing, "duration_min", None)
    minutes = f"{duration_min.normalize():f}" if duration_min is not None else "40"
    return Section("off_label", "What this treatment is", (
        _p("You are offered low-dose racemic ketamine, given by a drip into a vein. Every use of racemic ketamine "
           "by vein for depression, anxiety, PTSD, OCD, fibromyalgia or chronic migraine is off-label: the "
           "medicine is not licensed for these conditions, and your prescriber is using it outside its licence.",
           "clinical-reference §2.1"),
        _p("The best evidence is in major depression without psychosis, and most of it comes from single "
           "infusions. The Canadian guideline (CANMAT) rates a single infusion as a third-line treatment for "
           "treatment-resistant depression, with strong evidence; the evidence for repeated infusions is weaker.",
           "clinical-reference §2.1 [1, 4]"),
        _p(f"The standard dose is 0.5 mg for each kg of body weight, given over {minutes} minutes. Some patients "
           "respond to less and others need more; your prescriber orders your dose and may change it during "
           "the course, for example from 0.5 to 0.75 mg/kg.",
           "clinical-reference §4.1 [1, 2, 5]; infusion time from the clinic's protocol"),
    ))


def _course(induction: course_plan.InductionProtocol, maint: maintenance.MaintenanceProtocol) -> Section:
    per_week = " or ".join(str(count) for count in induction.allowed_sessions_per_week)
    return Section("course", "Your course of treatment", (
        _p(f"The first series is {induction.induction_count} infusions, {per_week} a week, over about "
           f"{induction.target_window_min_days} to {induction.target_window_max_days} days, never on two days "
           f"in a row. Twice and thrice weekly series gave similar results in studies.",
           "clinical-reference §6.1 [5, 6, 17, 22, 31, 32]; counts from the clinic's protocol"),
        _p("Your questionnaire scores are compared with your scores before the first infusion. After the series "
           "your prescriber talks with you about what comes next: more infusions, maintenance, or stopping and "
           "trying another treatment.",
           "clinical-reference §6.2–§6.3"),
        _p(f"If the treatment helps, maintenance infusions are given every {maint.min_interval_weeks} to "
           f"{maint.max_interval_weeks} weeks, the interval adjusted to how you hold up. In one study, "
           "symptoms came back a median of 18 days after a series of 6 infusions. You and your prescriber may "
           "continue, taper or stop at any time, and the benefits and risks are reviewed every "
           f"{maint.benefit_risk_review_every_days} days.",
           "clinical-reference §6.4 [17, 12]; intervals from the clinic's protocol"),
    ))


def _infusion_day(vitals: thresholds.VitalsProtocol, leaving: discharge.DischargeProtocol,
                  visit: visits.VisitProtocol) -> Section:
    times = ", ".join(str(minute) for minute in vitals.infusion_timepoints_min)
    fasting = ([_p(f"Before each infusion: {visit.fasting_text}", "clinical-reference §5.2; the clinic's fasting "
                                                                     "instruction from its protocol")]
               if visit.fasting_text else [])
    return Section("infusion_day", "What an infusion day is like", (
        *fasting,
        _p(f"In the {vitals.pre_window_min} minutes before the start, a nurse checks your blood pressure, heart "
           "rate, oxygen level and breathing, asks how you feel, confirms who is taking you home, and where due "
           "checks a pregnancy test and that you have fasted as the clinic asked.",
           "clinical-reference §5.2; times from the clinic's protocol"),
        _p(f"During the infusion your oxygen level is watched all the time, and your blood pressure, heart rate, "
           f"breathing and how drowsy you are are checked at {times} minutes. At about {vitals.cadss6_at_min} "
           "minutes you answer a few questions about feeling detached or unreal.",
           "clinical-reference §5.1–§5.2 [1]; times from the clinic's protocol"),
        _p("Blood pressure usually rises during the infusion and peaks at about 40 minutes: in 2,342 infusions "
           "the average rise was 16/11 mmHg. Severe high blood pressure happened in 0.98 % of infusions "
           f"(12.5 % of patients at least once). The infusion is paused at {vitals.bp_pause_systolic_at_or_above_mmhg}"
           f"/{vitals.bp_pause_diastolic_at_or_above_mmhg} mmHg and stopped at "
           f"{vitals.bp_stop_systolic_at_or_above_mmhg}/{vitals.bp_stop_diastolic_at_or_above_mmhg} mmHg or "
           "with chest pain, a severe headache, a new change in your nerves or sight, breathlessness or "
           "confusion, and the prescriber is called.",
           "clinical-reference §5.1 [18], §5.3 [42, 43]; limits from the clinic's protocol"),
        _p(f"After the infusion you are checked every {vitals.post_every_min} minutes. You stay at least "
           f"{leaving.min_observation_min} minutes after it ends, and until your blood pressure and heart rate "
           "are back near where they started, drowsiness and detachment have passed, and you are alert, "
           "drinking and walking steadily.",
           "clinical-reference §5.2 [19], §5.5 [16]; times and margins from the clinic's protocol"),
        _p(visit.escort_text, "clinical-reference §5.5 [8]; the clinic's escort instruction from its protocol"),
    ))


SIDE_EFFECTS: tuple[Paragraph, ...] = (
    _p("Feeling dreamy, drowsy or sedated, or sleeping. With esketamine, a related medicine, drowsiness starts "
       "at about 15 minutes, is strongest at 30 to 45 minutes and passes by 1 to 1.5 hours.",
       "clinical-reference §5.1, §5.4 [11, 65]; the clinic's patient list"),
    _p("Feeling detached from your body, your surroundings or time (dissociation). It is strongest at about "
       "40 minutes and generally passes by about 1.5 hours.", "clinical-reference §5.1, §5.4 [11, 65]"),
    _p("Changes in how things look, sound or feel (perceptual changes).", "clinical-reference §5.4 [11]"),
    _p("Dizziness.", "clinical-reference §5.4; the clinic's patient list"),
    _p("Double or blurred vision, or flickering eye movements.", "clinical-reference §5.4 [8]"),
    _p("Jerky movements or stiff muscles.", "clinical-reference §5.4 [8]"),
    _p("Feeling sick or being sick, and a change in appetite.", "clinical-reference §5.4 [8]"),
    _p("High blood pressure or a fast heart rate. With ketamine by vein, blood pressure and heart rate were back "
       "to where they started within 1.5 hours; with esketamine, rises in blood pressure lasted about 4 hours.",
       "clinical-reference §5.1, §5.4 [8, 18, 20, 11]"),
    _p("Low blood pressure, a slow heart rate or an irregular heartbeat.", "clinical-reference §5.4 [8]"),
    _p("Slowed or stopped breathing, or a spasm of the voice box. This is why your breathing and oxygen are "
       "watched, and why you do not leave until it is ruled out.", "clinical-reference §5.4, §5.5 [8, 11]"),
    _p("Anxiety, low or uneasy mood and other effects on the mind as you come round; these can last days.",
       "clinical-reference §5.4 [8]"),
    _p("Soreness where the drip goes in, a rash, or a severe allergic reaction (anaphylaxis).",
       "clinical-reference §5.4 [8]"),
    _p("Bladder and urinary problems (see the long-term cautions).", "clinical-reference §5.4 [8, 11]"),
    _p("Where no time is given above, the sources do not give one. The nurse records each effect and when it "
       "passes, and you do not leave until the discharge checks are met.", "clinical-reference §5.4–§5.5"),
)


def _long_term(long_term: long_term_safety.LongTermProtocol) -> Section:
    liver_who = " if you have a liver condition" if long_term.lft_in_maintenance_only_if_ca_hepatic else ""
    return Section("long_term", "Long-term cautions", (
        _p("Bladder: frequent recreational use of ketamine can inflame the bladder, with pain or burning on "
           "passing water, urgency, going often, getting up at night and blood in the urine. It can progress to "
           "a shrunken bladder and kidney damage, and usually improves on stopping. One case has followed "
           "treatment use. You are asked about these symptoms before every infusion; tell the clinic at once "
           "if you notice any.", "clinical-reference §8 [52, 8, 11]"),
        _p("Liver: liver tests rose in some patients given long, repeated infusions of a related medicine, and "
           "liver problems have been reported after repeated supervised use. The clinic checks liver tests "
           f"every {long_term.lft_every_months} months in maintenance{liver_who}.",
           "clinical-reference §8 [54, 55]; interval from the clinic's protocol (a clinic default, not evidence)"),
        _p("Memory and thinking: the esketamine label warns of effects on thinking, and heavy recreational use is "
           "linked to problems that largely recover. You are asked about memory and concentration at "
           f"maintenance visits, with a formal check every {long_term.cognition_screen_every_months} months.",
           "clinical-reference §8 [11, 53]; interval from the clinic's protocol"),
        _p("Misuse: ketamine can be misused, and people who use it on their own at home tend to take more over "
           f"time. The clinic asks about alcohol and drug use every {long_term.misuse_screen_every_months} "
           "months, and a request for earlier visits or a higher dose is reviewed by the prescriber.",
           "clinical-reference §8 [11, 12, 33]; interval from the clinic's protocol"),
        _p("Long-term data on repeated treatment are scarce, so every side effect is recorded and reviewed.",
           "clinical-reference §8 [57]"),
    ))


def _driving(visit: visits.VisitProtocol) -> Section:
    return Section("driving", "Driving and the rest of the day", (
        _p(visit.no_driving_text, "clinical-reference §5.5 [11, 14]: the stricter of the two rules; the clinic's "
                                  "driving instruction from its protocol"),
    ))


def _alternatives() -> Section:
    return Section("alternatives", "Other treatments you could choose instead", (
        _p("Transcranial magnetic stimulation (TMS); electroconvulsive therapy (ECT); esketamine nasal spray "
           "(Spravato), given in a certified clinic that watches you for at least 2 hours after each dose; a "
           "change of medicine or an added medicine; and psychotherapy.",
           "clinical-reference §6.3, §10 [11]"),
        _p("You may refuse this treatment or stop it at any time. Withdrawing your consent stops your course; "
           "it does not affect the rest of your care.", "informed consent: the patient's right to withdraw"),
    ))
