"""Each letter says, in words, what the decision was: for the patient without naming the drug, for the
referring clinician with the patient's name, date of birth and MRN."""

import datetime as dt
from types import SimpleNamespace

import pytest

from clinic.letters.content import LetterFacts, UnknownOutcome, compose

SIGNED_AT = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
PATIENT = SimpleNamespace(given_name="Zoë", family_name="Ñúñez-Øster", display_name="Zoë Ñúñez-Øster",
                          birth_date=dt.date(1980, 4, 9), mrn="MAIN-000123", address="14 Willow Lane\nBrooklyn, NY")
REFERRER = SimpleNamespace(name="Dr Łukasz Dvořák", credentials="MD", practice="Riverside Family Practice",
                           address="200 River Road\nNew York, NY 10001")
SITE = SimpleNamespace(name="Main", address="1 Clinic Plaza\nNew York, NY 10010", phone="212-555-0100",
                       time_zone="America/New_York")


class Signer:
    credentials = "MD"

    def get_full_name(self) -> str:
        return "Maya Okafor"

    def get_username(self) -> str:
        return "mokafor"

    def get_role_display(self) -> str:
        return "Prescriber"


def facts(outcome: str, **fields) -> LetterFacts:
    return LetterFacts(outcome=outcome, summary=fields.pop("summary", "Discussed with the patient today."),
                       signed_by=Signer(), signed_at=SIGNED_AT, **fields)


def text_of(reason: str, recipient: str, letter_facts: LetterFacts, *, now=SIGNED_AT) -> str:
    letter = compose(reason=reason, recipient=recipient, facts=letter_facts, patient=PATIENT, referrer=REFERRER,
                     site=SITE, organisation_name="Harbor Clinic", now=now)
    parts = [*letter.letterhead, letter.date_text, *letter.recipient_lines, letter.re_line, letter.title,
             letter.salutation, *(f"{section.heading}: {' '.join(section.paragraphs + section.items)}"
                                  for section in letter.sections), *letter.signature, letter.footer]
    return "\n".join(parts)


# (reason, outcome, words the patient's letter says, words the referrer's letter says)
EXPECTED = [
    ("eligibility_outcome", "eligible", "decided that you can start infusion treatment at Harbor Clinic.",
     "Zoë Ñúñez-Øster is eligible to start ketamine infusion treatment."),
    ("eligibility_outcome", "eligible_with_conditions", "you can start infusion treatment at Harbor Clinic, on the "
     "conditions set out below", "is eligible to start ketamine infusion treatment, with the conditions"),
    ("eligibility_outcome", "not_eligible", "infusion treatment at Harbor Clinic is not right for you at this time",
     "Zoë Ñúñez-Øster is not eligible for ketamine infusion treatment at this time"),
    ("induction_assessment", "remission", "The result is remission: the symptom scores are now in the range of few",
     "Compared with the baseline score before the first infusion, the assessment shows remission"),
    ("induction_assessment", "response", "The result is a response", "the assessment shows a response"),
    ("induction_assessment", "partial", "The result is a partial response", "the assessment shows a partial response"),
    ("induction_assessment", "non_response", "The result is no response: the symptom scores have changed little",
     "the assessment shows no response"),
    ("induction_assessment", "not_evaluable", "The result is no measurable result: the scores before treatment were "
     "too low", "the assessment shows no measurable result"),
    ("course_stopped", "stopped", "Your course of infusion treatment has stopped.",
     "The course of ketamine infusion treatment for Zoë Ñúñez-Øster has stopped."),
    ("course_stopped", "maintenance", "Your course of infusion treatment continues with maintenance infusions",
     "for Zoë Ñúñez-Øster continues with maintenance infusions"),
    ("alternative_referral", "non_response", "the prescriber has talked with you about other treatments",
     "Ketamine infusion treatment has not helped Zoë Ñúñez-Øster enough to continue"),
]


@pytest.mark.parametrize(("reason", "outcome", "to_patient", "to_referrer"), EXPECTED,
                         ids=[f"{row[0]}-{row[1]}" for row in EXPECTED])
def test_each_letter_says_the_outcome_in_words_to_each_recipient(reason, outcome, to_patient, to_referrer):
    decision = facts(outcome, alternatives=("TMS", "ECT"))

    patient_letter = text_of(reason, "patient", decision)
    referrer_letter = text_of(reason, "referrer", decision)

    assert to_patient in patient_letter
    assert to_referrer in referrer_letter
    assert "Dear Zoë Ñúñez-Øster," in patient_letter
    assert "Dear Dr Łukasz Dvořák," in referrer_letter
    assert "Re: Zoë Ñúñez-Øster, born 9 Apr 1980, MRN MAIN-000123" in referrer_letter
    assert "Maya Okafor, MD\nPrescriber\nDecision signed 2 Dec 2026" in referrer_letter


@pytest.mark.parametrize("reason", ["eligibility_outcome", "induction_assessment", "course_stopped",
                                    "alternative_referral"])
def test_the_patients_letter_never_names_the_drug_and_carries_the_crisis_line(reason):
    outcome = {"eligibility_outcome": "eligible", "induction_assessment": "response"}.get(reason, "stopped")

    letter = text_of(reason, "patient", facts(outcome, summary="Ready to begin."))

    assert "ketamine" not in letter.lower()
    assert "call or text 988" in letter


def test_the_eligibility_letter_lists_each_condition_and_what_happens_next():
    decision = facts("eligible_with_conditions", conditions=["Escort home after each visit", " "],
                     cautions=["CA_HTN — proceed, BP every 15 min", " ",
                               "CA_BLADDER — proceed; ask about urinary symptoms"])

    letter = text_of("eligibility_outcome", "referrer", decision)

    assert decision.conditions == ("Escort home after each visit",)
    assert decision.cautions == ("CA_HTN — proceed, BP every 15 min",
                                 "CA_BLADDER — proceed; ask about urinary symptoms")
    assert "Conditions of treatment: Escort home after each visit" in letter
    assert ("Cautions and the decision on each: CA_HTN — proceed, BP every 15 min "
            "CA_BLADDER — proceed; ask about urinary symptoms") in letter
    assert "What happens next: We will book the induction series and write to you again" in letter


def test_the_patients_letter_carries_the_conditions_and_never_the_cautions():
    decision = facts("eligible_with_conditions", conditions=["Escort home after each visit"],
                     cautions=["Substance use history: in remission since 2019"])

    letter = text_of("eligibility_outcome", "patient", decision)

    assert "Conditions of your treatment: Escort home after each visit" in letter
    assert "Substance use history" not in letter and "remission" not in letter and "Cautions" not in letter


def test_the_referral_letter_lists_the_alternatives():
    decision = facts("non_response", alternatives=("Transcranial magnetic stimulation (TMS)",
                                                   "Electroconvulsive therapy (ECT)", "Esketamine nasal spray"))

    letter = text_of("alternative_referral", "referrer", decision)

    assert ("Alternatives: Transcranial magnetic stimulation (TMS) Electroconvulsive therapy (ECT) "
            "Esketamine nasal spray") in letter


def test_the_prescribers_next_steps_replace_the_usual_advice():
    letter = text_of("course_stopped", "patient", facts("stopped", next_steps="Book a review in 4 weeks."))

    assert "What happens next: Book a review in 4 weeks." in letter
    assert "No further infusions will be booked" not in letter


def test_a_new_phase_without_words_is_read_out_as_written():
    letter = text_of("course_stopped", "referrer", facts("on_hold_for_surgery"))

    assert "for Zoë Ñúñez-Øster has changed: on hold for surgery." in letter


def test_the_letter_is_dated_in_the_sites_zone():
    late_evening_in_new_york = dt.datetime(2026, 12, 3, 3, 30, tzinfo=dt.UTC)

    letter = text_of("course_stopped", "patient", facts("stopped"), now=late_evening_in_new_york)

    assert "\n2 Dec 2026\n" in letter


@pytest.mark.parametrize(("reason", "outcome"), [("eligibility_outcome", "maybe"),
                                                 ("induction_assessment", "eligible")])
def test_an_outcome_the_letter_has_no_words_for_is_refused(reason, outcome):
    with pytest.raises(UnknownOutcome) as refused:
        text_of(reason, "patient", facts(outcome))

    assert refused.value.code == "LETTER_OUTCOME_UNKNOWN"
    assert f"No letter can say the outcome '{outcome}'" in refused.value.message
