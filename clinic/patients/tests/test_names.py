"""Names stored as typed but clean, and compared by a folded key (clinic.patients.names).

The expected values are Unicode facts: NFC and NFKD from the Unicode Character Database, the
Default_Ignorable_Code_Point list of DerivedCoreProperties.txt, and CLDR's Latin-ASCII folds.
"""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.patients import names

JOSE_MUNOZ = "José Muñoz"
DECOMPOSED = unicodedata.normalize("NFD", JOSE_MUNOZ)


def test_the_decomposed_form_is_really_a_different_string():
    assert (DECOMPOSED != JOSE_MUNOZ, len(DECOMPOSED), len(JOSE_MUNOZ)) == (True, 12, 10)


@pytest.mark.parametrize(("typed", "stored"), [
    (DECOMPOSED, JOSE_MUNOZ),                                # NFD is stored composed (NFC)
    ("Jo\u200bsé Muñoz", JOSE_MUNOZ),                        # zero-width space
    ("José\u200c Mu\u200dñoz", JOSE_MUNOZ),                  # zero-width non-joiner and joiner
    ("\ufeffJosé Muñoz", JOSE_MUNOZ),                        # byte order mark
    ("José Mu\u00adñoz", JOSE_MUNOZ),                        # soft hyphen
    ("\u202eJosé\u202c \u200eMuñoz\u200f", JOSE_MUNOZ),      # bidi override, pop, LRM, RLM
    ("\u2066José\u2069 Muñoz\u061c", JOSE_MUNOZ),            # bidi isolates, Arabic letter mark
    ("Jos\u2060é Muñoz", JOSE_MUNOZ),                        # word joiner
    ("  José \t\n Muñoz  ", JOSE_MUNOZ),                     # white space collapsed and trimmed
    ("José\u00a0\u2003Muñoz", JOSE_MUNOZ),                   # no-break and em spaces
    ("José\x00\x1b Muñoz\x7f", JOSE_MUNOZ),                  # control characters
    ("\u3164José Muñoz", JOSE_MUNOZ),                        # Hangul filler, a blank "letter"
    ("JOSÉ MUÑOZ", "JOSÉ MUÑOZ"),                            # case kept as typed
    ("Jose Munoz", "Jose Munoz"),                            # no accents added
    ("Ｊｏｓé", "Ｊｏｓé"),                                   # full-width kept as typed
    ("O’Brien-Smith", "O’Brien-Smith"),                      # punctuation kept as typed
    ("葛\U000e0100飾", "葛\U000e0100飾"),                      # a variation selector chooses the glyph: kept
])
def test_a_name_is_stored_as_typed_in_nfc_without_invisible_characters(typed, stored):
    assert names.clean_name(typed) == stored


@pytest.mark.parametrize("typed", [
    JOSE_MUNOZ, DECOMPOSED, "JOSÉ MUÑOZ", "josé muñoz", "Jose Munoz", "JOSE MUNOZ", "Jo\u200bsé Muñoz",
    "José\u00a0Muñoz", "  José   Muñoz ", "Ｊｏｓé Ｍｕñｏｚ", "José Mun\u0303oz", "José-Muñoz",
])
def test_every_way_of_typing_jose_munoz_gives_one_key(typed):
    assert names.name_key(typed) == "jose munoz"


@pytest.mark.parametrize(("typed", "key"), [
    ("Øre", "ore"), ("Æble", "aeble"), ("Œuvre", "oeuvre"), ("Straße", "strasse"), ("STRAẞE", "strasse"),
    ("Łukasz", "lukasz"), ("Đorđe", "dorde"), ("Þór", "thor"), ("Ðóra", "dora"), ("Ħal", "hal"),
    ("Kırmızı", "kirmizi"), ("İpek", "ipek"), ("Ŋgugi", "ngugi"), ("Ɓello", "bello"), ("Ɗanjuma", "danjuma"),
    ("Ƙasim", "kasim"), ("Ƴusuf", "yusuf"),
])
def test_letters_without_a_decomposition_fold_as_cldr_latin_ascii_does(typed, key):
    assert names.name_key(typed) == key


@pytest.mark.parametrize(("typed", "key"), [
    ("ＭＵＮＯＺ", "munoz"),               # full-width letters (NFKC)
    ("ｍｕñｏｚ", "munoz"),
    ("ﬁnnegan", "finnegan"),             # ligature fi
    ("Louis Ⅻ", "louis xii"),            # Roman numeral twelve
    ("ſophie", "sophie"),                # long s
    ("ｶﾞﾄｳ", "ガトウ"),                   # half-width katakana, voicing mark joined back
])
def test_compatibility_forms_fold_to_their_plain_letters(typed, key):
    assert names.name_key(typed) == key


@pytest.mark.parametrize("typed", [
    "O'Brien", "O’Brien", "O‘Brien", "Oʼbrien", "O´Brien", "O`Brien", "O＇Brien", "OBrien", "obrien",
])
def test_apostrophes_of_every_kind_are_left_out_of_the_key(typed):
    assert names.name_key(typed) == "obrien"


@pytest.mark.parametrize("typed", [
    "Smith-Jones", "Smith–Jones", "Smith—Jones", "Smith\u2010Jones", "Smith\u2011Jones", "Smith Jones",
    "Smith - Jones", "Smith.Jones", "SMITH/JONES",
])
def test_hyphens_dashes_and_other_punctuation_separate_words(typed):
    assert names.name_key(typed) == "smith jones"


@pytest.mark.parametrize(("typed", "key"), [
    ("ΟΔΥΣΣΕΥΣ", "οδυσσευσ"), ("Οδυσσεύς", "οδυσσευσ"),    # Greek: tonos dropped, final sigma folded
    ("Фёдор", "федор"),                                    # Cyrillic: diaeresis dropped
    ("Nguyễn Thị Ánh", "nguyen thi anh"),                   # Vietnamese: stacked accents dropped
    ("שָׁלוֹם", "שלום"),                                      # Hebrew points dropped
    ("أحمد", "احمد"), ("إبراهيم", "ابراهيم"),                 # Arabic hamza on alif folded
    ("कुमार", "कुमार"),                                       # Devanagari vowel sign kept
    ("김민준", "김민준"),                                     # Hangul syllables come back whole
    ("ガ", "ガ"),                                            # the kana voicing mark changes the sound: kept
])
def test_other_scripts_drop_optional_marks_and_keep_the_letters_own(typed, key):
    assert names.name_key(typed) == key


@pytest.mark.parametrize("typed", [
    "", "   ", "\t\n", "\u200b", "\u200b\u200c\u200d\ufeff", "\u00ad", "\u202e\u202c", "\u3164",
    "-", "'", "’", "...", "—", "()", "?", "123", "1-2", "ʼ", "\u0301",
    "ˈˈ", "\u0640", "\u30fc\u30fc", "ˈ-ˈ",                     # modifier letters alone
])
def test_a_name_with_no_visible_letter_has_none(typed):
    assert not names.has_letter(typed)


@pytest.mark.parametrize("typed", ["A", "Ø", "李", "ऋ", "Ⅻ", "José", "X Æ A-12", "Zoë\u00ad", "ルーシー", "Haʻaheo"])
def test_a_name_with_a_letter_has_one(typed):
    assert names.has_letter(typed)


@pytest.mark.parametrize("typed", ["", "  ", "\u200b", "-", "123"])
def test_a_required_name_without_a_letter_is_refused_naming_its_field(typed):
    with pytest.raises(names.NameWithoutLetter) as refused:
        names.checked_name(typed, field="family_name", label="family name", required=True)

    assert (refused.value.code, refused.value.field) == ("NAME_WITHOUT_LETTER", "family_name")
    assert refused.value.message.startswith("The family name has no letter")


def test_an_optional_name_may_be_left_empty_or_hold_only_invisible_characters():
    assert names.checked_name(" \u200b ", field="preferred_name", label="preferred name", required=False) == ""


def test_an_optional_name_typed_with_punctuation_only_is_refused_saying_it_may_stay_empty():
    with pytest.raises(names.NameWithoutLetter) as refused:
        names.checked_name("--", field="escort_name", label="escort's name", required=False)

    assert refused.value.message.endswith("Type the escort's name as the person writes it, or leave it empty.")


def test_a_key_that_would_unfold_past_its_column_is_cut_to_fit():
    # U+FDFA, one Arabic ligature, unfolds into 18 letters and spaces under NFKC.
    assert len(names.name_key("\ufdfa" * 100)) == names.KEY_MAX_CHARS


def test_the_person_key_keeps_family_and_given_names_apart():
    assert names.person_key(given_name="Anne Marie", family_name="Smith") == "smith, anne marie"
    assert names.person_key(given_name="Marie", family_name="Smith Anne") == "smith anne, marie"


def test_search_text_holds_the_folded_names_and_the_mrn():
    text = names.search_text(given_name="José", family_name="Muñoz", preferred_name="Pepé", mrn="K000123")

    assert text == "munoz jose pepe k000123"


def test_the_invisible_table_is_unicodes_default_ignorable_list_without_variation_selectors():
    """Unicode 14.0 DerivedCoreProperties.txt lists 4,174 Default_Ignorable_Code_Point code points;
    260 of them are variation selectors (4 Mongolian, 16, 240 supplementary)."""
    invisible = {point for first, last in names.INVISIBLE_RANGES for point in range(first, last + 1)}
    selectors = {point for first, last in names.VARIATION_SELECTOR_RANGES for point in range(first, last + 1)}

    assert (len(invisible), len(selectors), invisible & selectors) == (4174 - 260, 260, set())
    assert {0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202E, 0x2066, 0x2069, 0xFEFF} <= invisible


names_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(names_text)
def test_cleaning_twice_changes_nothing(typed):
    once = names.clean_name(typed)

    assert names.clean_name(once) == once
    assert once == unicodedata.normalize("NFC", once)
    assert once == once.strip() and "  " not in once


@given(names_text)
def test_the_key_of_the_stored_name_is_the_key_of_what_was_typed(typed):
    assert names.name_key(names.clean_name(typed)) == names.name_key(typed)


@given(names_text)
def test_the_key_is_the_same_composed_or_decomposed(typed):
    assert names.name_key(unicodedata.normalize("NFD", typed)) == names.name_key(unicodedata.normalize("NFC", typed))


@given(names_text, st.integers(min_value=0, max_value=40), st.sampled_from("\u200b\u200c\u200d\ufeff\u00ad\u2060"))
def test_an_invisible_character_anywhere_leaves_the_key_unchanged(typed, at, invisible):
    assert names.name_key(typed[:at] + invisible + typed[at:]) == names.name_key(typed)


@given(st.text(st.characters(whitelist_categories=("Lu", "Ll", "Zs")), max_size=40))
def test_capitals_and_small_letters_give_one_key(typed):
    assert names.name_key(typed.upper()) == names.name_key(typed.lower())


@given(names_text)
def test_a_key_holds_only_letters_marks_and_digits_in_words_split_by_single_spaces(typed):
    key = names.name_key(typed)

    assert all(unicodedata.category(char)[0] in "LMN" for char in key.replace(" ", ""))
    assert key == " ".join(key.split())
