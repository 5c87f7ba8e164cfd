"""Pregnancy at screening: HS_PREGNANT, and the negative test the course's first infusion needs
(clinical-reference §3).

Several tests on one date: the most serious counts, whatever order they were entered in. A date
with any positive test is positive, so it is never "a negative test in the window". The missing
negative test blocks the start of infusion 1, not the booking (the rule's `blocks_infusion_start`).
"""

from datetime import date, timedelta

from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import Intake
from clinic.rules.eligibility.trigger import Trigger
from clinic.rules.typed_values import day_text


def results_by_date(intake: Intake) -> dict[date, bool]:
    """Each test date and whether it is positive: True when any test that day is (the most serious counts)."""
    results: dict[date, bool] = {}
    for test in intake.pregnancy_tests:
        results[test.taken_on] = results.get(test.taken_on, False) or test.positive
    return results


def _latest(intake: Intake) -> tuple[date, bool] | None:
    return max(results_by_date(intake).items(), default=None)


def pregnant(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_PREGNANT: positive test (the latest date's; any positive that day counts) or reported pregnancy
    [28, 11]."""
    latest = _latest(intake)
    positive_on = latest[0] if latest is not None and latest[1] else None
    reported = intake.said_yes("pregnant")
    if not reported and positive_on is None:
        return None
    message = "Pregnancy reported." if reported else ""
    if positive_on is not None:
        message = f"{message} Latest pregnancy test ({day_text(positive_on)}) positive.".strip()
    return Trigger(message, {"reported": reported,
                             "positive_test_on": None if positive_on is None else positive_on.isoformat()})


def pregnancy_test(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 intake set [D]: when the patient could become pregnant (or that is not yet asked), a negative test ≤ 7
    days old at the course's first infusion; a missing one blocks the start of infusion 1, not the booking. Repeat
    tests "whenever pregnancy is possible" are the clinician's call; no source sets that schedule."""
    if intake.safety.get("could_become_pregnant") is False:
        return None
    first = intake.first_infusion_date
    earliest = first - timedelta(days=protocol.pregnancy_test_max_age_days)
    results = results_by_date(intake)
    if any(not positive and earliest <= taken_on <= first for taken_on, positive in results.items()):
        return None
    latest = _latest(intake)
    found = "No pregnancy test is recorded." if latest is None else (
        f"The latest test ({day_text(latest[0])}, {'positive' if latest[1] else 'negative'}) is not a negative test "
        "from that window.")
    return Trigger(f"A negative pregnancy test taken {day_text(earliest)} to {day_text(first)} is needed before "
                   f"the first infusion starts. {found}",
                   {"could_become_pregnant": intake.safety.get("could_become_pregnant"),
                    "window": [earliest.isoformat(), first.isoformat()],
                    "latest_test_on": None if latest is None else latest[0].isoformat(),
                    "latest_test_positive": None if latest is None else latest[1]})
