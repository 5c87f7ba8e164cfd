"""Each maintenance visit against the course baseline, relapse, and the proposal after infusion 6
(clinical-reference §6.2–§6.4)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import maintenance, response
from clinic.rules.maintenance import VisitWindow, assess_visit, propose_after_induction
from clinic.rules.response import (
    NON_RESPONSE,
    NOT_EVALUABLE,
    PARTIAL,
    REMISSION,
    RESPONSE,
    WORSE,
    classify,
)

VISIT = date(2027, 3, 16)
RELAPSE_WINDOW = VisitWindow(date(2027, 3, 23), date(2027, 3, 17), date(2027, 3, 23))


def _assess(scale, baseline, current, previous=(RESPONSE,), weeks=3, early=False):
    return assess_visit(visit_on=VISIT, baseline=baseline, current=current, scale=scale,
                        previous_categories=previous, current_interval_weeks=weeks, symptoms_returned_early=early)


@pytest.mark.parametrize(("baseline", "current", "category", "relapse", "weeks", "window"), [
    # Baseline 30: 21 is 30 % (partial, shorten); 22 is the relapse threshold.
    (30, 21, PARTIAL, False, 2, VisitWindow(date(2027, 3, 30), date(2027, 3, 30), date(2027, 4, 2))),
    (30, 22, PARTIAL, True, 2, RELAPSE_WINDOW),
    # Baseline 44: 22 is still a 50 % response, yet MADRS ≥ 22 is relapse whatever the class.
    (44, 21, RESPONSE, False, 4, VisitWindow(date(2027, 4, 13), date(2027, 4, 10), date(2027, 4, 16))),
    (44, 22, RESPONSE, True, 2, RELAPSE_WINDOW),
])
def test_maintenance_at_madrs_21_and_22(baseline, current, category, relapse, weeks, window):
    """clinical-reference §6.4: relapse is MADRS ≥ 22 [7] → a visit within 7 days and a prescriber
    review; at 21 the visit follows §6.2 and the interval rules (partial − 1 week; response at this
    and the last visit + 1 week), with the window counted from this visit."""
    result = _assess("madrs", baseline, current)

    assert (result.classification.category, result.relapse, result.prescriber_review) == (category, relapse, relapse)
    assert (result.interval.interval_weeks, result.next_window) == (weeks, window)
    if relapse:
        assert result.reasons[0].startswith("Relapse: score 22 is at or above 22 [L]")


@pytest.mark.parametrize(("current", "previous", "category", "relapse"), [
    (16, (RESPONSE,), NON_RESPONSE, True),
    (21, (REMISSION, PARTIAL), WORSE, True),
    (16, (PARTIAL, PARTIAL), NON_RESPONSE, False),
    (15, (RESPONSE,), PARTIAL, False),
    (16, (), NON_RESPONSE, False),
])
def test_former_responder_now_non_responding_on_phq9_is_a_relapse(current, previous, category, relapse):
    """clinical-reference §6.4: on scales other than MADRS, a patient who had responded (at the end
    of induction or any earlier visit) and is now non-responding or worse has relapsed. PHQ-9
    baseline 20: 16 is 20 % (non-response), 15 is 25 % (partial), 21 is worse."""
    result = _assess("phq9", 20, current, previous=previous)

    assert (result.classification.category, result.relapse) == (category, relapse)
    assert result.prescriber_review is (category != PARTIAL)
    assert result.interval.earlier_visit is relapse
    assert (result.next_window == RELAPSE_WINDOW) is relapse
    if relapse:
        assert "had responded" in result.reasons[0]


@pytest.mark.parametrize(("current", "previous", "weeks", "change"), [
    (4, (RESPONSE,), 4, "lengthen"),
    (4, (PARTIAL,), 3, "keep"),
    (9, (REMISSION,), 4, "lengthen"),
    (12, (RESPONSE,), 2, "shorten"),
])
def test_each_visit_is_classified_against_the_course_baseline(current, previous, weeks, change):
    """clinical-reference §6.4: each visit is classified against the course baseline (PHQ-9 20) as in
    §6.2, then response or remission at this and the last visit → + 1 week; at this one only → keep;
    partial → − 1 week."""
    result = _assess("phq9", 20, current, previous=previous)

    assert (result.interval.interval_weeks, result.interval.change) == (weeks, change)
    assert result.next_window == maintenance.visit_window(last_visit_on=VISIT, interval_weeks=weeks)


def test_remission_with_symptoms_returning_early_proposes_a_visit_but_keeps_the_interval():
    """clinical-reference §6.4: symptoms returning early → a visit within 7 days and a prescriber
    review; remission never shortens the interval."""
    result = _assess("phq9", 20, 3, previous=(REMISSION,), early=True)

    assert (result.classification.category, result.relapse, result.prescriber_review) == (REMISSION, False, True)
    assert (result.interval.interval_weeks, result.next_window) == (3, RELAPSE_WINDOW)


@pytest.mark.parametrize(("scale", "baseline", "current"), [("phq9", 9, 4), ("pcl5", 40, 20)])
def test_a_visit_the_rules_cannot_grade_goes_to_the_prescriber(scale, baseline, current):
    """clinical-reference §6.2: not evaluable (PHQ-9 baseline below 10) or no agreed threshold
    (PCL-5): the interval stays and the prescriber reviews."""
    result = _assess(scale, baseline, current)

    assert (result.relapse, result.prescriber_review, result.interval.change) == (False, True, "keep")


def test_assessment_refuses_an_unknown_earlier_class():
    """clinical-reference §6.2 names the classes; an earlier class outside them is refused."""
    with pytest.raises(maintenance.UnknownCategory) as error:
        _assess("phq9", 20, 4, previous=(RESPONSE, "improved"))

    assert error.value.field == "previous_categories[1]"


@given(current=st.integers(0, 60), weeks=st.integers(2, 6),
       previous=st.lists(st.sampled_from(response.CATEGORIES), max_size=3))
def test_madrs_relapse_is_exactly_22_or_more(current, weeks, previous):
    """clinical-reference §6.4, property: on MADRS, relapse is the score at or above 22 [7], whatever
    the class or history; relapse always asks for review and a visit within 7 days."""
    result = assess_visit(visit_on=VISIT, baseline=40, current=current, scale="madrs", previous_categories=previous,
                          current_interval_weeks=weeks)

    assert result.relapse is (current >= 22)
    if result.relapse:
        assert result.prescriber_review and result.next_window == RELAPSE_WINDOW


SIXTH = date(2026, 12, 18)


@pytest.mark.parametrize(("current", "category"), [(4, REMISSION), (9, RESPONSE)])
def test_remission_or_response_proposes_maintenance_from_day_14(current, category):
    """clinical-reference §6.3: remission or response → plan maintenance; §6.4: first infusion day 14
    after infusion 6, its window opening no earlier than infusion 6 + 2 weeks."""
    result = classify(baseline=20, current=current, scale="phq9")

    proposal = propose_after_induction(classification=result, sixth_infusion_on=SIXTH)

    assert (proposal.proposal, result.category) == ("maintenance", category)
    assert (proposal.first_maintenance_on, proposal.starting_interval_weeks) == (date(2027, 1, 1), 2)
    assert proposal.first_maintenance_window == VisitWindow(date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 4))
    assert "window 2027-01-01 to 2027-01-04" in proposal.message
    assert "prescriber decides" in proposal.message


def test_partial_proposes_review_with_more_infusions_or_titration():
    """clinical-reference §6.3: partial → prescriber review; more infusions, or titration 0.5 → 0.75 mg/kg [5]."""
    result = classify(baseline=20, current=12, scale="phq9")

    proposal = propose_after_induction(classification=result, sixth_infusion_on=SIXTH)

    assert proposal.proposal == "prescriber_review"
    assert [option.code for option in proposal.options] == ["MORE_INFUSIONS", "TITRATE"]
    assert "0.5 → 0.75 mg/kg" in proposal.options[1].label
    assert (proposal.first_maintenance_on, proposal.first_maintenance_window) == (None, None)


@pytest.mark.parametrize(("current", "opening"), [(18, "No response"), (22, "Worse than at baseline")])
def test_non_response_or_worse_proposes_stop_and_lists_the_alternatives(current, opening):
    """clinical-reference §6.3: non-response → stop, and list TMS, ECT, esketamine, medication change
    or augmentation, psychotherapy; a score worse than baseline (§6.2) is no better."""
    result = classify(baseline=20, current=current, scale="phq9")

    proposal = propose_after_induction(classification=result, sixth_infusion_on=SIXTH)

    assert proposal.proposal == "stop"
    assert [option.code for option in proposal.options] == ["TMS", "ECT", "ESKETAMINE", "MEDICATION_CHANGE",
                                                           "PSYCHOTHERAPY"]
    assert "augmentation" in proposal.options[3].label
    assert proposal.message.startswith(opening)


@pytest.mark.parametrize(("scale", "baseline", "category"), [
    ("phq9", 0, NOT_EVALUABLE), ("phq9", 9, NOT_EVALUABLE), ("pcl5", 40, "no_agreed_threshold")])
def test_unclassifiable_course_goes_to_the_prescriber_with_every_option(scale, baseline, category):
    """clinical-reference §6.2: a baseline of 0 or below the moderate band, or a scale without a
    threshold, gives no class; §6.3 then leaves every option to the prescriber."""
    result = classify(baseline=baseline, current=4, scale=scale)

    proposal = propose_after_induction(classification=result, sixth_infusion_on=SIXTH)

    assert (result.category, proposal.proposal) == (category, "prescriber_review")
    assert {"MAINTENANCE", "MORE_INFUSIONS", "TITRATE", "TMS", "PSYCHOTHERAPY"} <= {o.code for o in proposal.options}


def test_proposal_on_an_unverified_threshold_says_so():
    """clinical-reference §6.2: an [U] threshold is never shown as fact; the §6.3 proposal carries the caveat."""
    result = classify(baseline=15, current=4, scale="gad7")

    proposal = propose_after_induction(classification=result, sixth_infusion_on=SIXTH)

    assert proposal.proposal == "maintenance"
    assert "unverified threshold [U]" in proposal.message


@pytest.mark.parametrize(("scale", "baseline", "caveat"), [("hamd17", 13, True), ("pain_nrs", 3, True),
                                                           ("phq9", 9, False), ("midas", 10, False)])
def test_a_course_not_evaluable_below_an_unverified_floor_is_marked_unverified(scale, baseline, caveat):
    """clinical-reference §6.2 and §7.2: the HAM-D17 and pain NRS floors come from [U] moderate bands,
    so the classification the §6.3 proposal carries is unverified below them; below the [D] PHQ-9
    and MIDAS floors it is not."""
    result = classify(baseline=baseline, current=0, scale=scale)

    proposal = propose_after_induction(classification=result, sixth_infusion_on=SIXTH)

    assert (result.category, proposal.proposal) == (NOT_EVALUABLE, "prescriber_review")
    assert proposal.classification.unverified == caveat
    assert proposal.message.endswith("This rests on an unverified threshold [U].") == caveat
    assert result.basis[0].split(" (")[0].endswith("[U]" if caveat else "[D]")
