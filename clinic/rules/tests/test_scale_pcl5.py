"""PCL-5 scoring against the VA National Center for PTSD scoring (Weathers 2013; Blevins 2015; Bovin 2016)
[37] and clinical-reference §7.1–§7.3."""

import pytest

from clinic.rules.scales import pcl5
from clinic.rules.scales.base import AnswerError, InvalidProtocol

SCORE = pcl5.INSTRUMENT.score
REFERENCE_ANSWERS = [2, 2, 1, 1, 2, 2, 1, 2, 1, 1, 2, 2, 1, 0, 1, 2, 2, 1, 1, 2]


def test_reference_fixture_meets_the_dsm5_rule_below_the_cutoff():
    """clinical-reference §7.3: total 29, below the cut-off; clusters B 3, C 1, D 3, E 3 symptoms → DSM-5
    rule met → provisional PTSD."""
    result = SCORE(REFERENCE_ANSWERS)

    assert (result.total, result.severity, result.alerts) == (29, None, ())
    assert [result.subscores[f"{cluster}_symptoms"] for cluster in "BCDE"] == [3, 1, 3, 3]
    assert result.flags == ("PROVISIONAL_PTSD", "DSM5_RULE_MET")


def test_cluster_subscores_are_the_sums_of_their_items():
    """clinical-reference §7.1: clusters B 1–5, C 6–7, D 8–14, E 15–20; on the §7.3 answers the sums are 8, 3, 9, 9."""
    result = SCORE(REFERENCE_ANSWERS)

    assert [result.subscores[cluster] for cluster in "BCDE"] == [8, 3, 9, 9]


def test_minimum_and_maximum_totals():
    """clinical-reference §7.1: 20 × 0–4, total 0–80; no bands."""
    lowest, highest = SCORE([0] * 20), SCORE([4] * 20)

    assert (lowest.total, lowest.severity, lowest.flags) == (0, None, ())
    assert (highest.total, highest.flags) == (80, ("PROVISIONAL_PTSD", "CUTOFF_MET", "DSM5_RULE_MET"))


def test_total_of_33_meets_the_default_cutoff_without_the_dsm5_rule():
    """clinical-reference §7.2: provisional PTSD if total ≥ cut-off (default 33 [D]); here cluster C has no item ≥ 2."""
    answers = [4, 4, 4, 4, 4, 1, 1, 4, 4, 3] + [0] * 10

    result = SCORE(answers)

    assert result.total == 33
    assert result.flags == ("PROVISIONAL_PTSD", "CUTOFF_MET")


def test_total_of_32_misses_the_default_cutoff():
    """clinical-reference §7.2: 32 is one below the default cut-off of 33, and the DSM-5 rule is not met."""
    answers = [4, 4, 4, 4, 4, 1, 1, 4, 4, 2] + [0] * 10

    result = SCORE(answers)

    assert (result.total, result.flags) == (32, ())


def test_the_clinic_can_lower_the_cutoff():
    """clinical-reference §7.2: the cut-off is a clinic setting [D] (literature 31–33)."""
    answers = [4, 4, 4, 4, 4, 1, 1, 4, 4, 1] + [0] * 10

    result = SCORE(answers, {"protocol": pcl5.Pcl5Protocol(provisional_cutoff=31)})

    assert (result.total, result.flags) == (31, ("PROVISIONAL_PTSD", "CUTOFF_MET"))


@pytest.mark.parametrize("cluster_short", ["B", "C", "D", "E"])
def test_dsm5_rule_fails_when_one_cluster_is_one_symptom_short(cluster_short):
    """clinical-reference §7.2 DSM-5 rule: items ≥ 2 count, with B ≥ 1, C ≥ 1, D ≥ 2, E ≥ 2; each cluster one
    short fails it."""
    minimum = {"B": [2, 0, 0, 0, 0], "C": [2, 0], "D": [2, 2, 0, 0, 0, 0, 0], "E": [2, 2, 0, 0, 0, 0]}
    one_short = {"B": [1] * 5, "C": [1, 1], "D": [2, 1, 1, 1, 1, 1, 1], "E": [2, 1, 1, 1, 1, 1]}
    answers = [points for cluster in "BCDE" for points in (one_short if cluster == cluster_short else minimum)[cluster]]

    met = SCORE([points for cluster in "BCDE" for points in minimum[cluster]])
    short = SCORE(answers)

    assert met.flags == ("PROVISIONAL_PTSD", "DSM5_RULE_MET")
    assert short.flags == ()


def test_item_wording_is_included_because_the_pcl5_is_public_domain():
    """clinical-reference §7.2 licences: PCL-5 is public domain (VA)."""
    assert all(item.text for item in pcl5.INSTRUMENT.items)
    assert pcl5.INSTRUMENT.items[0].options[4].label == "Extremely"


def test_unverified_loinc_codes_are_not_presented_as_fact():
    """clinical-reference §7.2: PCL-5 LOINC codes are [U]; they are noted as unverified and not set."""
    assert (pcl5.INSTRUMENT.loinc_panel, pcl5.INSTRUMENT.loinc_total) == (None, None)
    assert any("unverified" in note for note in pcl5.INSTRUMENT.notes)


def test_a_protocol_of_the_wrong_kind_is_refused():
    """clinical-reference §7.2 PCL-5 [D]: the provisional cut-off is a clinic setting (default 33); settings that
    are not a PCL-5 protocol are refused naming them, never half-read."""
    with pytest.raises(InvalidProtocol) as error:
        SCORE([0] * 20, {"protocol": {"provisional_cutoff": 10}})

    assert error.value.field == "context.protocol"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 PCL-5: 20 items; 19 answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 19)

    assert error.value.field == "answers"


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 PCL-5: 20 items × 0–4; a 5 on item 15 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 14 + [5] + [0] * 5)

    assert error.value.field == "item 15"


@pytest.mark.parametrize("cutoff", [0, 81, True, "33"])
def test_an_impossible_cutoff_is_refused(cutoff):
    """clinical-reference §7.2 PCL-5 [D]: the cut-off (default 33; literature 31–33) is a whole number from 1 to 80
    (the total runs 0–80); 0, 81, a yes/no or text is refused naming the setting."""
    with pytest.raises(InvalidProtocol) as error:
        pcl5.Pcl5Protocol(provisional_cutoff=cutoff)

    assert error.value.field == "provisional_cutoff"
