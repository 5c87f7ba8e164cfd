"""The informed consent text (clinical-reference §2.1, §4.1, §5, §6, §8, §10)."""

import dataclasses

from clinic.rules import consent, discharge, protocols, visits
from clinic.rules.vitals import thresholds

DEFAULTS = protocols.build_all({})


def _text(doc: tuple[consent.Section, ...]) -> str:
    return "\n".join(paragraph.text for section in doc for paragraph in section.paragraphs)


def test_covers_every_topic_the_patient_must_be_told_in_order():
    doc = consent.document(DEFAULTS)

    assert [section.key for section in doc] == ["off_label", "course", "infusion_day", "side_effects", "long_term",
                                                "driving", "alternatives"]
    assert all(paragraph.source for section in doc for paragraph in section.paragraphs)


def test_says_the_use_is_off_label_and_the_standard_dose():
    text = _text(consent.document(DEFAULTS))

    assert "off-label" in text
    assert "0.5 mg for each kg of body weight, given over 40 minutes" in text


def test_side_effects_say_how_long_they_last_where_the_reference_does():
    side_effects = _text((consent.document(DEFAULTS)[3],))

    assert "passes by 1 to 1.5 hours" in side_effects
    assert "generally passes by about 1.5 hours" in side_effects
    assert "back to where they started within 1.5 hours" in side_effects
    assert "can last days" in side_effects
    for plain_words in ("Dizziness", "vision", "Jerky movements", "sick", "appetite", "irregular heartbeat",
                        "breathing", "Anxiety", "rash", "anaphylaxis", "urinary", "detached", "look, sound or feel"):
        assert plain_words in side_effects


def test_long_term_cautions_name_bladder_liver_memory_and_misuse():
    text = _text((consent.document(DEFAULTS)[4],))

    assert [line.split(":")[0] for line in text.splitlines()[:4]] == ["Bladder", "Liver", "Memory and thinking",
                                                                       "Misuse"]
    assert "every 6 months" in text


def test_driving_text_is_the_protocol_s_visit_instruction():
    changed = visits.VisitProtocol(no_driving_text="No driving for 48 hours.")

    doc = consent.document({**DEFAULTS, "visits": changed})

    assert doc[5].paragraphs[0].text == "No driving for 48 hours."
    assert _text((consent.document(DEFAULTS)[5],)) == visits.NO_DRIVING_TEXT


def test_alternatives_name_tms_ect_esketamine_medication_and_psychotherapy():
    text = _text((consent.document(DEFAULTS)[6],))

    for alternative in ("(TMS)", "(ECT)", "esketamine", "change of medicine", "psychotherapy"):
        assert alternative in text


def test_numbers_come_from_the_protocol():
    protocol = {**DEFAULTS, "discharge": dataclasses.replace(discharge.DischargeProtocol(), min_observation_min=90),
                "vitals": dataclasses.replace(thresholds.VitalsProtocol(), bp_stop_systolic_at_or_above_mmhg=190)}

    text = _text(consent.document(protocol))

    assert "at least 90 minutes after it ends" in text
    assert "stopped at 190/120 mmHg" in text


def test_fasting_instruction_appears_once_the_clinic_sets_it():
    assert "Before each infusion:" not in _text(consent.document(DEFAULTS))

    doc = consent.document({**DEFAULTS, "visits": visits.VisitProtocol(fasting_text=visits.FASTING_SUGGESTION)})

    assert doc[2].paragraphs[0].text == f"Before each infusion: {visits.FASTING_SUGGESTION}"


def test_hash_changes_only_when_the_words_do():
    same = consent.document(protocols.build_all({"plausibility": {}}))
    changed = consent.document({**DEFAULTS, "visits": visits.VisitProtocol(no_driving_text="Never drive.")})

    assert consent.content_hash(same) == consent.content_hash(consent.document(DEFAULTS))
    assert consent.content_hash(changed) != consent.content_hash(same)


def test_json_round_trip_keeps_the_text():
    doc = consent.document(DEFAULTS)

    assert consent.from_json(consent.as_json(doc)) == doc
