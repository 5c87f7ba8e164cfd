"""Treatment-resistant depression: which trials count and when the criteria are met (clinical-reference §2.2)."""

from dataclasses import replace

import pytest

from clinic.rules import trd
from clinic.rules.drug_classes import ANTIDEPRESSANT_TRIAL_CLASSES
from clinic.rules.trd import TrdProtocol, TreatmentTrial

SERTRALINE = TreatmentTrial(kind="medication", name="sertraline", drug_class="ssri", outcome="no_response",
                            weeks_at_adequate_dose=8, current_episode=True, adequate_dose=True)
VENLAFAXINE = replace(SERTRALINE, name="venlafaxine", drug_class="snri", outcome="partial_response")
ESCITALOPRAM = replace(SERTRALINE, name="escitalopram")


def assess(trials, indication="TRD_UNIPOLAR", **settings_):
    return trd.trd_criteria_met(trials, indication=indication, protocol=TrdProtocol(**settings_))


def reason_codes(assessment, index):
    return [reason.code for reason in assessment.verdicts[index].reasons]


def test_two_adequate_failures_meet_unipolar_criteria():
    """clinical-reference §2.2 [D]: ≥ 2 failed trials of adequate dose and duration in the current episode
    (Gaynes 2020 [26])."""
    result = assess([SERTRALINE, VENLAFAXINE])

    assert (result.met, result.failed_trials, result.required) == (True, 2, 2)
    assert [verdict.name for verdict in result.counted] == ["sertraline", "venlafaxine"]
    assert result.not_counted == ()


def test_one_failure_does_not_meet_unipolar_criteria():
    """clinical-reference §2.2: unipolar needs 2 by default."""
    result = assess([SERTRALINE])

    assert (result.met, result.failed_trials, result.required) == (False, 1, 2)


def test_one_failure_meets_bipolar_criteria():
    """clinical-reference §2.2 [L]: in bipolar depression the most common definition is ≥ 1 failure [26]."""
    result = assess([SERTRALINE], indication="TRD_BIPOLAR")

    assert (result.met, result.required) == (True, 1)


def test_minimum_failures_are_a_setting_per_indication():
    """clinical-reference §2.2 [D]: trd_min_failed_trials is a setting (default 2 unipolar, 1 bipolar); a unipolar
    clinic setting of 1 is met by one failure, a bipolar setting of 2 is not."""
    assert assess([SERTRALINE], min_failed_trials_unipolar=1).met
    assert not assess([SERTRALINE], indication="TRD_BIPOLAR", min_failed_trials_bipolar=2).met


@pytest.mark.parametrize(("weeks", "min_weeks", "counted"), [(6, 6, True), (5, 6, False), (4, 4, True),
                                                             (3, 4, False), (8, 8, True), (7, 8, False)])
def test_weeks_at_adequate_dose_both_sides_of_the_minimum(weeks, min_weeks, counted):
    """clinical-reference §2.2 [D]: weeks at an adequate dose ≥ trd_min_weeks (default 6, allowed 4–8; [27])."""
    result = assess([replace(SERTRALINE, weeks_at_adequate_dose=weeks)], min_weeks=min_weeks)

    assert result.verdicts[0].counted is counted
    if not counted:
        assert reason_codes(result, 0) == ["TOO_SHORT"]


@pytest.mark.parametrize(("change", "reason"), [
    (dict(current_episode=False), "PAST_EPISODE"),
    (dict(current_episode=None), "EPISODE_NOT_RECORDED"),
    (dict(adequate_dose=None), "ADEQUACY_NOT_CONFIRMED"),
    (dict(adequate_dose=False), "DOSE_NOT_ADEQUATE"),
    (dict(weeks_at_adequate_dose=None), "WEEKS_NOT_RECORDED"),
    (dict(outcome="response"), "NOT_A_FAILURE"),
    (dict(outcome="response_then_relapse"), "NOT_A_FAILURE"),
    (dict(outcome="unknown"), "OUTCOME_UNKNOWN"),
    (dict(outcome="intolerance"), "INTOLERANCE_NOT_COUNTED"),
    (dict(kind="psychotherapy", drug_class=""), "NOT_MEDICATION"),
    (dict(kind="ect", drug_class=""), "NOT_MEDICATION"),
])
def test_each_reason_a_trial_does_not_count(change, reason):
    """clinical-reference §2.2: only medication trials, current episode, prescriber-confirmed adequate dose,
    enough weeks, and no or partial response count; intolerance is recorded but not counted by default [U]."""
    result = assess([replace(SERTRALINE, **change)])

    assert (result.failed_trials, reason_codes(result, 0)) == (0, [reason])


def test_every_reason_is_listed_not_only_the_first():
    """clinical-reference §2.2: a trial counts only in the current episode, at a prescriber-confirmed adequate dose,
    for ≥ 6 weeks, with no or partial response; every condition it misses is listed at once, not only the first."""
    trial = replace(SERTRALINE, current_episode=None, adequate_dose=None, weeks_at_adequate_dose=2, outcome="unknown")

    assert reason_codes(assess([trial]), 0) == ["EPISODE_NOT_RECORDED", "ADEQUACY_NOT_CONFIRMED", "TOO_SHORT",
                                                "OUTCOME_UNKNOWN"]


def test_intolerance_counts_when_the_clinic_chooses_so():
    """clinical-reference §2.2 [U]: definitions disagree; a clinic may count a trial stopped for intolerance
    before adequate duration."""
    stopped = replace(SERTRALINE, outcome="intolerance", weeks_at_adequate_dose=1, adequate_dose=None)

    assert assess([stopped], count_intolerance=True).failed_trials == 1
    assert reason_codes(assess([replace(stopped, current_episode=False)], count_intolerance=True), 0) == [
        "PAST_EPISODE"]


def test_distinct_classes_count_one_trial_per_class():
    """clinical-reference §2.2 [D]: with trd_require_distinct_classes, one per class (ATHF, Shiroma 2020 [22])."""
    result = assess([SERTRALINE, ESCITALOPRAM, VENLAFAXINE], require_distinct_classes=True)

    assert (result.met, result.failed_trials) == (True, 2)
    assert reason_codes(result, 1) == ["SAME_CLASS"]


def test_distinct_classes_off_by_default_counts_both_ssris():
    """clinical-reference §2.2 [D]: trd_require_distinct_classes defaults to False."""
    assert assess([SERTRALINE, ESCITALOPRAM]).failed_trials == 2


def test_distinct_classes_need_a_recorded_class():
    """clinical-reference §2.2 [D]: with trd_require_distinct_classes, one trial per class counts, so a trial
    without a recorded class cannot count and says why; the SNRI trial still counts."""
    result = assess([replace(SERTRALINE, drug_class=""), VENLAFAXINE], require_distinct_classes=True)

    assert (result.failed_trials, reason_codes(result, 0)) == (1, ["CLASS_NOT_RECORDED"])


def test_distinct_classes_leave_uncounted_trials_as_they_were():
    """clinical-reference §2.2 [D]: one per class is applied to the counted trials only; a past- episode SSRI trial
    stays uncounted for its own reason and the current-episode SSRI still counts."""
    result = assess([replace(SERTRALINE, current_episode=False), ESCITALOPRAM], require_distinct_classes=True)

    assert (result.failed_trials, reason_codes(result, 0)) == (1, ["PAST_EPISODE"])


def test_no_trials_recorded_is_a_finding_of_zero():
    """clinical-reference §2.2: the result is a flag for the prescriber, not a gate; with no trials recorded it is 0
    failed trials, criteria not met."""
    result = assess([])

    assert (result.met, result.failed_trials, result.verdicts) == (False, 0, ())


@pytest.mark.parametrize("settings_", [dict(min_weeks=3), dict(min_weeks=9), dict(min_failed_trials_unipolar=0),
                                       dict(min_failed_trials_bipolar=0)])
def test_refuses_settings_outside_what_the_reference_allows(settings_):
    """clinical-reference §2.2: trd_min_weeks is allowed 4–8; at least one failure is always required;
    the refusal names the setting."""
    with pytest.raises(trd.TrdProtocolInvalid) as error:
        TrdProtocol(**settings_)

    assert error.value.field == next(iter(settings_))


@pytest.mark.parametrize(("change", "field"), [(dict(kind="pill"), "trials[0].kind"),
                                               (dict(outcome="better"), "trials[0].outcome"),
                                               (dict(weeks_at_adequate_dose=-1), "trials[0].weeks_at_adequate_dose"),
                                               (dict(weeks_at_adequate_dose=True), "trials[0].weeks_at_adequate_dose")])
def test_refuses_an_impossible_trial_naming_the_field(change, field):
    """clinical-reference §2.2 intake history: a trial is a medication, psychotherapy, TMS, ECT or prior ketamine
    row with one of the listed outcomes and whole weeks at adequate dose; anything else is refused naming the
    trial's field."""
    with pytest.raises(trd.TrialInvalid) as error:
        assess([replace(SERTRALINE, **change)])

    assert error.value.field == field


def test_refuses_an_indication_without_trd_criteria():
    """clinical-reference §2.2: treatment resistance is defined for unipolar and bipolar depression only; asking it
    for an ANXIETY indication is refused naming the indication."""
    with pytest.raises(trd.TrialInvalid) as error:
        assess([SERTRALINE], indication="ANXIETY")

    assert error.value.field == "indication"


# --- which drug classes count, and adherence (issue 9 point 6) -----------------------------------------

@pytest.mark.parametrize("drug_class", sorted(ANTIDEPRESSANT_TRIAL_CLASSES))
def test_every_antidepressant_class_and_augmentation_counts(drug_class):
    """clinical-reference §2.2: SSRI, SNRI, TCA, MAOI, other antidepressants, and augmentation with lithium, an atypical
    antipsychotic or T3 count."""
    result = assess([replace(SERTRALINE, name=drug_class, drug_class=drug_class)], indication="TRD_BIPOLAR")

    assert (result.met, result.failed_trials, reason_codes(result, 0)) == (True, 1, [])


@pytest.mark.parametrize("drug_class", ["lithium", "antipsychotic_atypical", "thyroid_t3"])
def test_augmentation_counts_beside_an_antidepressant_toward_two(drug_class):
    """clinical-reference §2.2: augmentation with lithium, an atypical antipsychotic or T3 is a trial of its own."""
    augmentation = replace(SERTRALINE, name="augmentation", drug_class=drug_class)

    result = assess([SERTRALINE, augmentation])

    assert (result.met, result.failed_trials) == (True, 2)


@pytest.mark.parametrize(("drug_class", "label"), [("benzodiazepine", "Benzodiazepine"),
                                                   ("sedative_hypnotic", "Sedative-hypnotic")])
def test_a_benzodiazepine_or_hypnotic_trial_never_counts(drug_class, label):
    """clinical-reference §2.2: never a benzodiazepine or hypnotic, however long, adequate and failed the trial."""
    result = assess([replace(SERTRALINE, name="clonazepam", drug_class=drug_class, weeks_at_adequate_dose=52)],
                    indication="TRD_BIPOLAR")

    assert (result.met, result.failed_trials, reason_codes(result, 0)) == (False, 0, ["NEVER_COUNTS"])
    assert result.verdicts[0].reasons[0].message == f"{label}: never counts toward treatment resistance (§2.2)."


@pytest.mark.parametrize("drug_class", ["antipsychotic", "mood_stabiliser", "opioid", "stimulant",
                                        "antihypertensive", "other"])
def test_other_classes_do_not_count(drug_class):
    """clinical-reference §2.2: only the antidepressant classes and the three augmentations count (a typical
    antipsychotic or a mood stabiliser other than lithium does not)."""
    result = assess([replace(SERTRALINE, drug_class=drug_class)], indication="TRD_BIPOLAR")

    assert (result.failed_trials, reason_codes(result, 0)) == (0, ["NOT_ANTIDEPRESSANT"])


def test_a_trial_without_a_recorded_class_does_not_count_and_says_so():
    """clinical-reference §2.2: the count reads the drug class; one not recorded cannot be known to be an
    antidepressant."""
    result = assess([replace(SERTRALINE, drug_class="")], indication="TRD_BIPOLAR")

    assert (result.failed_trials, reason_codes(result, 0)) == (0, ["CLASS_NOT_RECORDED"])


@pytest.mark.parametrize(("adherence", "counted"), [("poor", False), ("partial", True), ("good", True),
                                                    ("unknown", True), ("", True)])
def test_poor_adherence_is_not_counted(adherence, counted):
    """clinical-reference §2.2: t.adherence != "poor" — only poor adherence stops an otherwise adequate failed
    trial counting."""
    result = assess([replace(SERTRALINE, adherence=adherence)], indication="TRD_BIPOLAR")

    assert (result.verdicts[0].counted, result.failed_trials) == (counted, int(counted))
    assert reason_codes(result, 0) == ([] if counted else ["POOR_ADHERENCE"])


def test_poor_adherence_is_listed_with_the_other_reasons():
    """clinical-reference §2.2 and style habit 6: every reason a trial did not count is listed."""
    result = assess([replace(SERTRALINE, adherence="poor", weeks_at_adequate_dose=2)])

    assert reason_codes(result, 0) == ["POOR_ADHERENCE", "TOO_SHORT"]


@pytest.mark.parametrize(("indication", "settings_", "expected"), [
    ("TRD_UNIPOLAR", {}, "at least 2 failed antidepressant trials of adequate dose for ≥ 6 weeks in the current "
                         "episode"),
    ("TRD_BIPOLAR", dict(min_weeks=4), "at least 1 failed antidepressant trial of adequate dose for ≥ 4 weeks in "
                                       "the current episode"),
    ("TRD_UNIPOLAR", dict(require_distinct_classes=True, count_intolerance=True),
     "at least 2 failed antidepressant trials of adequate dose for ≥ 6 weeks in the current episode, each of a "
     "different drug class, a trial stopped for intolerance counting as failed"),
])
def test_the_assessment_names_the_definition_it_applied(indication, settings_, expected):
    """clinical-reference §2.2 [L]: there is no consensus definition [26], so the one applied is stated with the
    protocol's figures."""
    assert assess([], indication=indication, **settings_).definition == expected


@pytest.mark.parametrize(("change", "field"), [(dict(adherence="bad"), "trials[0].adherence"),
                                               (dict(drug_class="herbal"), "trials[0].drug_class")])
def test_refuses_an_unknown_adherence_or_drug_class(change, field):
    """clinical-reference §2.2 intake history: adherence and drug class come from fixed lists."""
    with pytest.raises(trd.TrialInvalid) as error:
        assess([replace(SERTRALINE, **change)])

    assert error.value.field == field
