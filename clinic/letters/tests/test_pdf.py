"""The PDF read back as text: US Letter pages, accents kept, long notes wrapped onto more pages with no
word lost, and each page numbered."""

import io
import re

import pypdf
from reportlab.lib.pagesizes import LETTER

from clinic.letters import pdf
from clinic.letters.content import compose
from clinic.letters.tests.test_content import PATIENT, REFERRER, SITE, facts


def rendered(letter_facts, *, recipient="referrer", reason="eligibility_outcome") -> pypdf.PdfReader:
    letter = compose(reason=reason, recipient=recipient, facts=letter_facts, patient=PATIENT, referrer=REFERRER,
                     site=SITE, organisation_name="Harbor Clinic", now=letter_facts.signed_at)
    return pypdf.PdfReader(io.BytesIO(pdf.render(letter)))


def text_of(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def words(text: str) -> str:
    return " ".join(text.split())


def test_a_letter_is_one_us_letter_page_numbered_with_names_accented_as_written():
    reader = rendered(facts("eligible"))

    text = text_of(reader)
    assert len(reader.pages) == 1
    assert [float(value) for value in reader.pages[0].mediabox[2:]] == list(LETTER)
    assert "Dr Łukasz Dvořák, MD" in text
    assert "Re: Zoë Ñúñez-Øster, born 9 Apr 1980, MRN MAIN-000123" in text
    assert "Zoë Ñúñez-Øster · MRN MAIN-000123 · Confidential" in text
    assert "Page 1 of 1" in text
    assert "Harbor Clinic" in text and "Phone 212-555-0100" in text


def test_a_long_note_wraps_onto_more_pages_with_every_word_kept():
    note = " ".join(f"Sentence {number} of the prescriber's long note about the decision." for number in range(1, 200))

    reader = rendered(facts("eligible", summary=note))

    text = words(text_of(reader))
    assert len(reader.pages) >= 3
    assert [f"Page {number} of {len(reader.pages)}" in text for number in range(1, len(reader.pages) + 1)] == [
        True] * len(reader.pages)
    assert re.findall(r"Sentence (\d+) of", text) == [str(number) for number in range(1, 200)]
    assert "Sentence 199 of the prescriber's long note about the decision." in text


def test_a_word_longer_than_a_line_is_broken_rather_than_cut_off():
    long_word = "Hydroxy" + "x" * 150 + "END"

    text = text_of(rendered(facts("eligible", summary=f"See {long_word} here.")))

    assert long_word in "".join(text.split())


def test_text_outside_latin_1_survives():
    reader = rendered(facts("eligible", summary="Referred by Dr Ольга Петрова; notes from Θεσσαλονίκη; Łódź."))

    assert "Dr Ольга Петрова; notes from Θεσσαλονίκη; Łódź." in words(text_of(reader))


def test_the_patients_letter_lists_the_conditions_and_the_crisis_line():
    reader = rendered(facts("eligible_with_conditions", cautions=("CA_HTN — proceed, BP every 15 min",),
                            conditions=("Bring someone to take you home after each visit.",)), recipient="patient")

    text = words(text_of(reader))
    assert "Conditions of your treatment • Bring someone to take you home after each visit." in text
    assert "CA_HTN" not in text
    assert "call or text 988" in text
    assert "Re:" not in text
