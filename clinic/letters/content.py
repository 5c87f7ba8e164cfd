"""What a letter says: the facts a decision hands over (LetterFacts) and the letter composed from them for
the patient or for the referring clinician, in plain language, ready for clinic.letters.pdf to lay out.

The patient's letter speaks of "infusion treatment" and never names the drug or a diagnosis: letters
lie on kitchen tables. The referring clinician's letter names the treatment and the patient in full.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from clinic.rules.errors import DomainError
from clinic.rules.typed_values import day_text


@dataclass(frozen=True, kw_only=True)
class LetterFacts:
    """What the letter says, as the decision left it.

    `outcome` is the decision's result: an eligibility outcome ("eligible", "eligible_with_conditions",
    "not_eligible"), the course's assessment class ("remission", "response", "partial", "non_response",
    "worse", "not_evaluable") or the course's new phase ("stopped", "maintenance", "taper", ...).
    `summary` is the prescriber's words; `conditions` what the patient is to do (the decision's own
    conditions, in both letters); `cautions` each caution with the written decision on it, which name
    diagnoses and medicines and so go to the referring clinician only, never into the patient's letter;
    `alternatives` the treatments proposed instead; `next_steps` replaces the usual closing advice.
    """

    outcome: str
    summary: str
    conditions: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    signed_by: Any
    signed_at: dt.datetime
    next_steps: str = ""

    def __post_init__(self) -> None:
        # Lists are accepted from callers and kept as tuples, so the facts stay frozen.
        object.__setattr__(self, "conditions", tuple(text for text in self.conditions if text.strip()))
        object.__setattr__(self, "cautions", tuple(text for text in self.cautions if text.strip()))
        object.__setattr__(self, "alternatives", tuple(text for text in self.alternatives if text.strip()))


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class LetterText:
    """Everything the page prints, as plain text."""

    letterhead: tuple[str, ...]
    date_text: str
    recipient_lines: tuple[str, ...]
    re_line: str
    title: str
    salutation: str
    sections: tuple[Section, ...]
    closing: str
    signature: tuple[str, ...]
    footer: str
    author: str = ""


class UnknownOutcome(DomainError):
    code = "LETTER_OUTCOME_UNKNOWN"


TREATMENT = {"patient": "infusion treatment", "referrer": "ketamine infusion treatment"}
CRISIS_LINE = ("If you are in crisis or thinking about harming yourself, call or text 988 (the Suicide and "
               "Crisis Lifeline) at any hour, or call 911 in an emergency.")

ELIGIBILITY = {
    "eligible": ("{prescriber} has reviewed your assessment and decided that you can start {treatment} "
                 "at {clinic}.",
                 "{prescriber} has completed the eligibility assessment: {name} is eligible to start "
                 "{treatment}."),
    "eligible_with_conditions": (
        "{prescriber} has reviewed your assessment and decided that you can start {treatment} at {clinic}, "
        "on the conditions set out below.",
        "{prescriber} has completed the eligibility assessment: {name} is eligible to start {treatment}, "
        "with the conditions set out below."),
    "not_eligible": ("{prescriber} has reviewed your assessment and decided that {treatment} at {clinic} is "
                     "not right for you at this time.",
                     "{prescriber} has completed the eligibility assessment: {name} is not eligible for "
                     "{treatment} at this time."),
}
ELIGIBILITY_NEXT = {
    "eligible": ("The clinic will contact you to book your first infusions. Someone will need to take you "
                 "home after each visit: you may not drive that day.",
                 "We will book the induction series and write to you again after the assessment that "
                 "follows it."),
    "not_eligible": ("No treatment will be booked. Please talk to your referring clinician or call the clinic "
                     "about other options.",
                     "No treatment will be booked. We would be glad to discuss other options with you."),
}

ASSESSMENT_CLASSES = {
    "remission": "remission: the symptom scores are now in the range of few or no symptoms",
    "response": "a response: the symptom scores have improved by as much as counts as a response to "
                "treatment",
    "partial": "a partial response: the symptom scores have improved, but by less than a response",
    "non_response": "no response: the symptom scores have changed little",
    "worse": "no improvement: the symptom scores are higher than before treatment",
    "not_evaluable": "no measurable result: the scores before treatment were too low to measure a change "
                     "against, so the prescriber decided without one",
}
ASSESSMENT_NEXT = {
    "remission": ("We plan to continue with maintenance infusions, spaced further apart. The clinic will "
                  "contact you to book them.",
                  "We plan maintenance infusions, the interval adjusted to how {name} holds up."),
    "response": ("We plan to continue with maintenance infusions, spaced further apart. The clinic will "
                 "contact you to book them.",
                 "We plan maintenance infusions, the interval adjusted to how {name} holds up."),
    "partial": ("The prescriber will talk with you about whether more infusions or a change of dose may help.",
                "The prescriber will review whether further infusions or a change of dose are worthwhile."),
    "non_response": ("Infusions will not continue. The prescriber will talk with you about other treatments.",
                     "Infusions will not continue. We will write about other treatments."),
    "worse": ("Infusions will not continue. The prescriber will talk with you about other treatments.",
              "Infusions will not continue. We will write about other treatments."),
}
PHASES = {
    "stopped": "has stopped",
    "stop": "has stopped",
    "taper": "is being tapered: the infusions will be spaced further apart before they stop",
    "tapering": "is being tapered: the infusions will be spaced further apart before they stop",
    "maintenance": "continues with maintenance infusions, spaced further apart",
    "induction": "continues with further induction infusions",
    "paused": "is paused",
    "completed": "is complete",
}
STOPPED_NEXT = ("No further infusions will be booked. If your symptoms return or get worse, please contact your "
                "clinician or the clinic.",
                "No further infusions will be booked. Please let us know if you would like {name} seen again.")
CHANGED_NEXT = ("The clinic will contact you about your next visit.",
                "We will write again when the course next changes.")
REFERRAL_NEXT = ("Please talk to your referring clinician about arranging the treatment you choose.",
                 "We would be grateful if you would consider arranging the treatment chosen. We are happy to "
                 "discuss it.")


def check_outcome(*, reason: str, outcome: str) -> None:
    """Refuse an eligibility outcome or an assessment class the letter has no words for: a letter must never
    guess at a decision. A new phase or a referral's outcome is read out as written."""
    known = {"eligibility_outcome": ELIGIBILITY, "induction_assessment": ASSESSMENT_CLASSES}.get(reason)
    if known is not None and outcome not in known:
        raise UnknownOutcome(f"No letter can say the outcome {outcome!r}. Use one of {', '.join(sorted(known))}.",
                             field="outcome")


def compose(*, reason: str, recipient: str, facts: LetterFacts, patient: Any, referrer: Any, site: Any,
            organisation_name: str, now: dt.datetime) -> LetterText:
    """The letter for this reason to this recipient ("patient" or "referrer"), dated `now` in the site's zone."""
    check_outcome(reason=reason, outcome=facts.outcome)
    zone = zoneinfo.ZoneInfo(site.time_zone)
    to_patient = recipient == "patient"
    words = {"prescriber": person(facts.signed_by), "treatment": TREATMENT[recipient],
             "clinic": organisation_name, "name": full_name(patient)}
    sections = (_decision(reason, to_patient=to_patient, facts=facts, words=words)
                + _written(facts, to_patient=to_patient)
                + (Section("What happens next", (_next_steps(reason, to_patient=to_patient, facts=facts,
                                                             words=words),)),))
    if to_patient:
        sections += (Section("If you need help now", (CRISIS_LINE,)),)
    return LetterText(
        letterhead=letterhead(site=site, organisation_name=organisation_name),
        date_text=day_text(now.astimezone(zone).date()),
        recipient_lines=_patient_lines(patient) if to_patient else _referrer_lines(referrer),
        re_line="" if to_patient else (f"Re: {full_name(patient)}, born {day_text(patient.birth_date)}, "
                                       f"MRN {patient.mrn}"),
        title=_title(reason, to_patient=to_patient),
        salutation=f"Dear {patient.display_name if to_patient else referrer.name},",
        sections=sections,
        closing="Yours sincerely,",
        signature=(person(facts.signed_by), role_of(facts.signed_by),
                   f"Decision signed {day_text(facts.signed_at.astimezone(zone).date())}"),
        footer=f"{full_name(patient)} · MRN {patient.mrn} · Confidential",
        author=organisation_name,
    )


def letterhead(*, site: Any, organisation_name: str) -> tuple[str, ...]:
    lines = [organisation_name]
    if site.name and site.name != organisation_name:
        lines.append(site.name)
    lines += _lines(site.address)
    if site.phone:
        lines.append(f"Phone {site.phone}")
    return tuple(lines)


def full_name(patient: Any) -> str:
    return f"{patient.given_name} {patient.family_name}"


def person(user: Any) -> str:
    """A signer by full name and credentials: "Maya Okafor, MD"."""
    name = user.get_full_name() or user.get_username()
    return f"{name}, {user.credentials}" if user.credentials else name


def role_of(user: Any) -> str:
    return user.get_role_display()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _patient_lines(patient: Any) -> tuple[str, ...]:
    return (full_name(patient), *_lines(patient.address))


def _referrer_lines(referrer: Any) -> tuple[str, ...]:
    name = f"{referrer.name}, {referrer.credentials}" if referrer.credentials else referrer.name
    return (name, *([referrer.practice] if referrer.practice else []), *_lines(referrer.address))


def _title(reason: str, *, to_patient: bool) -> str:
    titles = {
        "eligibility_outcome": ("Your assessment for treatment", "Eligibility for ketamine infusion treatment"),
        "induction_assessment": ("How your first infusions went", "Assessment after the induction infusions"),
        "course_stopped": ("A change to your treatment", "Change to the course of treatment"),
        "alternative_referral": ("Other treatments for you to consider", "Referral to an alternative treatment"),
    }
    return titles[reason][0 if to_patient else 1]


def _decision(reason: str, *, to_patient: bool, facts: LetterFacts, words: dict[str, str]) -> tuple[Section, ...]:
    side = 0 if to_patient else 1
    if reason == "eligibility_outcome":
        text = ELIGIBILITY[facts.outcome][side].format(**words)
        return (Section("Decision", (text,)),)
    if reason == "induction_assessment":
        result = ASSESSMENT_CLASSES[facts.outcome]
        text = (f"After your first series of infusions, your questionnaire scores were compared with your scores "
                f"before treatment. The result is {result}." if to_patient else
                f"{words['name']} has completed the induction series. Compared with the baseline score before "
                f"the first infusion, the assessment shows {result}.")
        return (Section("Result", (text,)),)
    if reason == "course_stopped":
        change = PHASES.get(facts.outcome, f"has changed: {_spoken(facts.outcome)}")
        text = (f"Your course of infusion treatment {change}." if to_patient else
                f"The course of ketamine infusion treatment for {words['name']} {change}.")
        return (Section("Decision", (text,)),)
    text = ("Infusion treatment has not helped you enough to continue, and the prescriber has talked with you "
            "about other treatments." if to_patient else
            f"Ketamine infusion treatment has not helped {words['name']} enough to continue. We recommend "
            "considering the alternatives below.")
    return (Section("Recommendation", (text,)),)


def _written(facts: LetterFacts, *, to_patient: bool) -> tuple[Section, ...]:
    sections = []
    if facts.summary.strip():
        sections.append(Section("In the prescriber's words" if to_patient else "The prescriber's summary",
                                tuple(_lines(facts.summary))))
    if facts.conditions:
        sections.append(Section("Conditions of your treatment" if to_patient else "Conditions of treatment",
                                items=facts.conditions))
    if facts.cautions and not to_patient:
        sections.append(Section("Cautions and the decision on each", items=facts.cautions))
    if facts.alternatives:
        sections.append(Section("Treatments to consider" if to_patient else "Alternatives",
                                items=facts.alternatives))
    return tuple(sections)


def _next_steps(reason: str, *, to_patient: bool, facts: LetterFacts, words: dict[str, str]) -> str:
    if facts.next_steps.strip():
        return facts.next_steps.strip()
    side = 0 if to_patient else 1
    if reason == "eligibility_outcome":
        key = "not_eligible" if facts.outcome == "not_eligible" else "eligible"
        return ELIGIBILITY_NEXT[key][side].format(**words)
    if reason == "induction_assessment":
        default = ("The prescriber will talk with you about the next steps.",
                   "The prescriber will decide the next steps with {name}.")
        return ASSESSMENT_NEXT.get(facts.outcome, default)[side].format(**words)
    if reason == "course_stopped":
        return (STOPPED_NEXT if facts.outcome in ("stopped", "stop") else CHANGED_NEXT)[side].format(**words)
    return REFERRAL_NEXT[side].format(**words)


def _spoken(code: str) -> str:
    """A code the letter has no words for, read out: "eligible_with_review" → "eligible with review"."""
    return code.replace("_", " ").strip() or "not recorded"
