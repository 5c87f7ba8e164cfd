"""What patient search compares besides the folded names: a surname's one-letter slips and the
digits of the patient's phone.

One typo in a surname (a letter replaced, added, left out, or two neighbours swapped) is found with
the symmetric-delete method: each surname word is stored with every form it takes when one letter is
left out, each with the position and letter left out. A typed word and a stored word are one typo
apart exactly when one of these holds (Damerau–Levenshtein distance 1, adjacent swaps counted once):

- the typed word equals the stored word, or the stored word less one letter (a letter left out);
- the typed word less one letter equals the stored word (a letter added);
- both less the letter at the same position are equal (a letter replaced);
- both less one letter at neighbouring positions are equal and the letters left out are the same
  letter (two neighbours swapped: "qeunby" less its "e" and "quenby" less its "e" are both "qunby").

Every test is an equality on the stored form, so the lookup is one indexed IN (...) on SQLite and
PostgreSQL alike. Plain Python, no Django: the migration that fills the rows uses it too.
"""

import unicodedata
from typing import NamedTuple

from clinic.patients import names

# Words shorter than this get no typo matching, typed or stored: one slip in "Lee", "Ng" or "Kim"
# reaches dozens of other short names ("Lea", "Le", "Kin", "Ko"), so a front desk would scroll past
# strangers to find the caller. A product choice, not a clinical number.
TYPO_MIN_LETTERS = 4

# A phone search needs this many digits: fewer ("555") would list a large part of a clinic whose
# numbers share an area code or exchange. A product choice.
PHONE_MIN_DIGITS = 4

# What people type between the digits of a phone number: "(555) 014-2", "+1 555.014.2".
PHONE_PUNCTUATION = frozenset(" +()-./")

# The North American Numbering Plan's country code: "+1 555 0142" and "1-555-0142" are 555 0142.
NANP_COUNTRY_CODE = "1"
NANP_NUMBER_DIGITS = 10


class Variant(NamedTuple):
    """A surname word less at most one letter: the letter's position and the letter (None and "" for
    the whole word)."""

    text: str
    deleted_position: int | None
    deleted_letter: str


def one_letter_less(word: str) -> list[Variant]:
    """The word less each of its letters in turn."""
    return [Variant(word[:position] + word[position + 1:], position, word[position])
            for position in range(len(word))]


def typo_words(family_name: str) -> list[str]:
    """The words of the folded surname long enough for typo matching, each once."""
    words = names.name_key(family_name).split()
    return list(dict.fromkeys(word for word in words if typo_matchable(word)))


def typo_matchable(word: str) -> bool:
    """Whether a folded word gets typo matching: long enough, with a letter and no digit (a word with
    digits is an MRN or a phone number, never a surname)."""
    return (len(word) >= TYPO_MIN_LETTERS and any(char.isalpha() for char in word)
            and not any(char.isdigit() for char in word))


def surname_variants(family_name: str) -> list[Variant]:
    """What is stored for one patient's surname: each long word whole and less each letter."""
    variants: dict[Variant, None] = {}
    for word in typo_words(family_name):
        variants[Variant(word, None, "")] = None
        variants.update(dict.fromkeys(one_letter_less(word)))
    return list(variants)


def phone_digits(phone: str) -> str:
    """The digits of a phone number as typed, without the +1 country code of a North American number,
    so that "+1 (555) 014-2000" and "555 014 2000" give the same digits."""
    digits = "".join(char for char in unicodedata.normalize("NFKC", phone) if char.isdigit() and char.isascii())
    if len(digits) == NANP_NUMBER_DIGITS + 1 and digits.startswith(NANP_COUNTRY_CODE):
        return digits[1:]
    if phone.strip().startswith("+" + NANP_COUNTRY_CODE) and len(digits) <= NANP_NUMBER_DIGITS + 1:
        return digits[1:]
    return digits


def phone_query_digits(query: str) -> str:
    """The digits of a search that reads as a phone number (digits and what people type between them,
    at least PHONE_MIN_DIGITS digits); "" for any other search."""
    typed = unicodedata.normalize("NFKC", query).strip()
    if not typed or any(not (char.isdigit() or char in PHONE_PUNCTUATION) for char in typed):
        return ""
    digits = phone_digits(typed)
    return digits if len(digits) >= PHONE_MIN_DIGITS else ""
