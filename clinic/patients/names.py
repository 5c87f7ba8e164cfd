"""Person names as people see them: stored as typed but clean, compared by a folded key.

A name is kept as it was typed (case and accents included) in Unicode NFC, without the characters
that show nothing, with single spaces and no spaces at the ends. Two names are the same name when
their keys are equal: the key folds case, accents, compatibility forms (full-width letters,
ligatures) and letters that have no decomposition (Ø, Ł, Þ), drops apostrophes and reads hyphens
and other punctuation as spaces, so "José Muñoz", "JOSE MUNOZ" and "Jose\u200b Muñoz" share one key.

Plain Python on the Unicode Character Database that ships with Python (unicodedata; Unicode 14.0
in Python 3.11). A name is not a clinical rule, so this lives beside its one user, the registry.
"""

import unicodedata
from collections.abc import Iterable

from clinic.rules.errors import DomainError

# A folded name is cut here: a few compatibility characters unfold into many letters (U+FDFA into
# 18), and the key must fit its column and index whatever was typed.
KEY_MAX_CHARS = 200


def _code_points(ranges: Iterable[tuple[int, int]]) -> list[int]:
    return [point for first, last in ranges for point in range(first, last + 1)]


# Default_Ignorable_Code_Point of Unicode 14.0 (DerivedCoreProperties.txt, UAX #44): characters
# that show nothing — soft hyphen, zero-width space, non-joiner and joiner, the bidirectional marks,
# embeddings, overrides and isolates, word joiner, byte order mark, Hangul fillers, tag characters —
# less the variation selectors (180B..180D, 180F, FE00..FE0F, E0100..E01EF), which choose how the
# character before them is drawn and so stay in a name as typed.
INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE00FF), (0xE01F0, 0xE0FFF),
)
VARIATION_SELECTOR_RANGES = ((0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
# Control characters that are not white space (NUL, escape, delete, C1 controls): never part of a name.
CONTROLS = [point for point in range(0xA0) if unicodedata.category(chr(point)) == "Cc" and not chr(point).isspace()]
REMOVED_FROM_NAMES = dict.fromkeys(_code_points(INVISIBLE_RANGES) + CONTROLS)

# Apostrophes and what people type for one, dropped from the key so that O'Brien, O’Brien, O´Brien
# and OBrien compare equal: the apostrophes and primes that CLDR's Latin-ASCII transform folds to
# "'" (U+02B9, 02BB, 02BC, 02BD, 2018, 2019, 201B, 2032, FF07), the grave and acute accents typed
# alone, and the Catalan middle dot (l·l). Dropped before NFKC, which would split U+00B4 into a
# space and a combining accent, and again after it, which writes ŉ as U+02BC and n.
APOSTROPHES = dict.fromkeys(map(ord, "'`\u00b4\u00b7\u02b9\u02bb\u02bc\u02bd\u2018\u2019\u201b\u2032\uff07"))

# Combining marks the key drops after NFKD: the combining diacritical blocks that NFKD splits from
# Latin, Greek and Cyrillic letters (é → e + U+0301), Hebrew points and Arabic vowel marks (written
# or left out at will; U+0654 hamza above also folds أ into ا). Marks that are part of the letter in
# other scripts (Indic vowel signs, the kana voicing mark) are kept: without them it is another name.
ACCENT_RANGES = (
    (0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F),
    (0x0591, 0x05C7), (0x064B, 0x065F), (0x0670, 0x0670),
)
ACCENTS = [point for point in _code_points(ACCENT_RANGES) if unicodedata.category(chr(point)) == "Mn"]

# Letters with no decomposition, as CLDR's Latin-ASCII transform folds them (ICU
# data/translit/Latin_ASCII.txt), small letters only since the key is case-folded first. ß needs no
# entry: case folding gives "ss".
LETTERS = {
    "æ": "ae", "ð": "d", "ø": "o", "þ": "th", "đ": "d", "ħ": "h", "ı": "i", "ĸ": "q", "ł": "l",
    "ŋ": "n", "œ": "oe", "ŧ": "t", "ƀ": "b", "ƃ": "b", "ƈ": "c", "ƌ": "d", "ƒ": "f", "ƕ": "hv",
    "ƙ": "k", "ƚ": "l", "ƞ": "n", "ƣ": "oi", "ƥ": "p", "ƫ": "t", "ƭ": "t", "ƴ": "y", "ƶ": "z",
    "ǥ": "g", "ȡ": "d", "ȥ": "z", "ȴ": "l", "ȵ": "n", "ȶ": "t", "ȷ": "j", "ȸ": "db", "ȹ": "qp",
    "ȼ": "c", "ȿ": "s", "ɀ": "z", "ɇ": "e", "ɉ": "j", "ɍ": "r", "ɏ": "y", "ɓ": "b", "ɖ": "d",
    "ɗ": "d", "ɛ": "e", "ɠ": "g", "ɨ": "i", "ɩ": "i", "ɲ": "n", "ɳ": "n", "ʈ": "t", "ʉ": "u",
    "ʋ": "v", "ⱥ": "a", "ⱦ": "t",
}
KEY_FOLDS = {**APOSTROPHES, **dict.fromkeys(ACCENTS + _code_points(VARIATION_SELECTOR_RANGES)),
             **{ord(letter): folded for letter, folded in LETTERS.items()}}
BASE_LETTER_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lo"})  # every letter but the modifier letters (Lm)
WORD_CATEGORIES = frozenset("LMN")  # letters, marks, numbers; anything else separates words


class NameWithoutLetter(DomainError):
    code = "NAME_WITHOUT_LETTER"


def clean_name(typed: str) -> str:
    """The name as typed, in NFC, without invisible characters, with single spaces and none at the ends."""
    visible = typed.translate(REMOVED_FROM_NAMES)
    return unicodedata.normalize("NFC", " ".join(visible.split()))


def name_key(name: str) -> str:
    """The name folded for comparison: words of case-folded letters and digits without accents,
    separated by single spaces."""
    text = unicodedata.normalize("NFKC", clean_name(name).translate(APOSTROPHES)).casefold()
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text).translate(KEY_FOLDS))
    spaced = "".join(char if unicodedata.category(char)[0] in WORD_CATEGORIES else " " for char in text)
    return " ".join(spaced.split())[:KEY_MAX_CHARS]


def has_letter(name: str) -> bool:
    """Whether the name holds a letter once folded: digits, punctuation and apostrophes alone are not a
    name, nor are modifier letters alone (a stress mark ˈ, the Arabic elongation ـ, the kana length
    mark ー), which only ever change a letter beside them."""
    return any(unicodedata.category(char) in BASE_LETTER_CATEGORIES for char in name_key(name))


def checked_name(typed: str, *, field: str, label: str, required: bool) -> str:
    """The name cleaned for storing; refused when it holds no letter (an optional name may be empty)."""
    name = clean_name(typed)
    if (name or required) and not has_letter(name):
        leave_empty = "" if required else ", or leave it empty"
        raise NameWithoutLetter(
            f"The {label} has no letter: it holds only spaces, punctuation, digits or invisible characters. "
            f"Type the {label} as the person writes it{leave_empty}.", field=field)
    return name


def person_key(*, given_name: str, family_name: str) -> str:
    """One key for a person's family and given names, compared to find a patient registered twice."""
    return f"{name_key(family_name)}, {name_key(given_name)}"


def search_text(*, given_name: str, family_name: str, preferred_name: str, mrn: str) -> str:
    """What patient search matches words against: the folded names, then the MRN in small letters."""
    parts = (name_key(family_name), name_key(given_name), name_key(preferred_name), mrn.strip().lower())
    return " ".join(part for part in parts if part)
