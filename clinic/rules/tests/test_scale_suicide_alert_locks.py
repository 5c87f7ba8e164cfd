"""The locked suicide alerts of clinical-reference §7.2: no clinic may switch a suicide-item alert off or
make it less sensitive (PHQ-9 item 9, MADRS item 10, QIDS-SR16 item 12, HAM-D17 item 3, the C-SSRS
levels); a clinic may only add alerts."""

from decimal import Decimal

import pytest

from clinic.rules.scales import cssrs_screener, hamd17, madrs, phq9, qids_sr16
from clinic.rules.scales.base import AlertLocked, InvalidProtocol

# (module, protocol class, item count, suicide item, the item's highest score)
SUICIDE_ITEM_SCALES = [
    pytest.param(phq9, phq9.Phq9Protocol, 9, 9, 3, id="phq9"),
    pytest.param(madrs, madrs.MadrsProtocol, 10, 10, 6, id="madrs"),
    pytest.param(qids_sr16, qids_sr16.QidsSr16Protocol, 16, 12, 3, id="qids_sr16"),
    pytest.param(hamd17, hamd17.Hamd17Protocol, 17, 3, 4, id="hamd17"),
]
NOT_ASKED = [None, None, None]


def with_item(count: int, item: int, points: int) -> list[int]:
    answers = [0] * count
    answers[item - 1] = points
    return answers


@pytest.mark.parametrize(("module", "protocol_class", "count", "item", "highest"), SUICIDE_ITEM_SCALES)
@pytest.mark.parametrize(("points", "alerted"), [(0, False), (1, True)])
def test_suicide_item_above_0_alerts_and_0_does_not(module, protocol_class, count, item, highest, points, alerted):
    """clinical-reference §7.2: PHQ-9 item 9, MADRS item 10, QIDS-SR16 item 12 and HAM-D17 item 3 above 0
    raise the suicide alert; 0 does not (both sides of the limit)."""
    result = module.INSTRUMENT.score(with_item(count, item, points))

    assert [(alert.code, alert.item) for alert in result.alerts] == ([("SUICIDE_RISK", item)] if alerted else [])


@pytest.mark.parametrize(("module", "protocol_class", "count", "item", "highest"), SUICIDE_ITEM_SCALES)
def test_the_highest_suicide_item_score_alerts(module, protocol_class, count, item, highest):
    """clinical-reference §7.2: every score above 0 alerts, the item's highest included."""
    result = module.INSTRUMENT.score(with_item(count, item, highest))

    assert [alert.item for alert in result.alerts] == [item]


@pytest.mark.parametrize(("module", "protocol_class", "count", "item", "highest"), SUICIDE_ITEM_SCALES)
@pytest.mark.parametrize("threshold", [None, 1, 2, -1, True, False, Decimal(0), 0.0, "0"])
def test_a_suicide_alert_threshold_other_than_0_is_refused_naming_the_lock(module, protocol_class, count, item,
                                                                           highest, threshold):
    """clinical-reference §7.2 "Locked": None would switch the alert off and a higher threshold would make
    it less sensitive; no clinic may do either. A threshold below 0 or not a whole number is no setting
    at all. Each is refused, naming the scale, the item and the lock."""
    with pytest.raises(AlertLocked) as error:
        protocol_class(suicide_alert_above=threshold)

    assert (error.value.code, error.value.field) == ("ALERT_LOCKED", "suicide_alert_above")
    assert f"item {item} suicide alert is locked" in error.value.message
    assert "no clinic may switch it off or make it less sensitive" in error.value.message


@pytest.mark.parametrize(("module", "protocol_class", "count", "item", "highest"), SUICIDE_ITEM_SCALES)
def test_the_locked_threshold_of_0_is_accepted_and_alerts(module, protocol_class, count, item, highest):
    """clinical-reference §7.2: a clinic's stored protocol may state the threshold, 0."""
    context = {"protocol": protocol_class(suicide_alert_above=0)}

    result = module.INSTRUMENT.score(with_item(count, item, 1), context)

    assert [alert.item for alert in result.alerts] == [item]


@pytest.mark.parametrize(("module", "protocol_class", "count", "item", "highest"), SUICIDE_ITEM_SCALES)
def test_only_the_suicide_item_raises_the_suicide_alert(module, protocol_class, count, item, highest):
    """clinical-reference §7.2: the alert is on PHQ-9 item 9, MADRS item 10, QIDS-SR16 item 12 and HAM-D17
    item 3; every other item at its highest, with the suicide item at 0, raises no suicide alert, so an
    alert wired to the wrong item is caught."""
    answers = [len(entry.options) - 1 for entry in module.INSTRUMENT.items]
    answers[item - 1] = 0

    result = module.INSTRUMENT.score(answers)

    assert [alert.code for alert in result.alerts if alert.code == "SUICIDE_RISK"] == []
    assert result.total > 0


@pytest.mark.parametrize("build", [
    pytest.param(lambda: phq9.Phq9Protocol(suicide_alert_above=None), id="phq9-off"),
    pytest.param(lambda: hamd17.Hamd17Protocol(suicide_alert_above=1), id="hamd17-less-sensitive"),
    pytest.param(lambda: cssrs_screener.CssrsScreenerProtocol(alert_on_moderate=False), id="cssrs-moderate-off"),
])
def test_a_caller_refusing_impossible_settings_also_refuses_a_softened_alert(build):
    """clinical-reference §7.2 "Locked": a settings page refuses every setting the rules cannot apply as
    InvalidProtocol; a softened suicide alert reaches it the same way, with its own ALERT_LOCKED code, so
    it is never saved."""
    with pytest.raises(InvalidProtocol) as error:
        build()

    assert error.value.code == "ALERT_LOCKED"


def test_cssrs_moderate_alert_cannot_be_switched_off():
    """clinical-reference §7.2: the C-SSRS alerts are locked; moderate → same-day review may not be
    switched off."""
    with pytest.raises(AlertLocked) as error:
        cssrs_screener.CssrsScreenerProtocol(alert_on_moderate=False)

    assert (error.value.code, error.value.field) == ("ALERT_LOCKED", "alert_on_moderate")
    assert "moderate-risk alert is locked" in error.value.message


@pytest.mark.parametrize("setting", [{"alert_on_moderate": "no"}, {"alert_on_low": 1}, {"alert_on_low": None}])
def test_cssrs_alert_settings_must_be_true_or_false(setting):
    """clinical-reference §7.2: a setting the rules cannot read is refused, naming it."""
    with pytest.raises(InvalidProtocol) as error:
        cssrs_screener.CssrsScreenerProtocol(**setting)

    assert error.value.field == next(iter(setting))


@pytest.mark.parametrize(("answers", "risk", "codes"), [
    ([1, 0, *NOT_ASKED, 0], "low", []),
    ([1, 1, 1, 0, 0, 0], "moderate", ["SUICIDE_RISK_MODERATE"]),
    ([1, 1, 0, 1, 0, 0], "high", ["SUICIDE_RISK_HIGH"]),
])
def test_cssrs_default_alerts_on_high_and_moderate_only(answers, risk, codes):
    """clinical-reference §7.2: high → immediate evaluation [L]; moderate → same-day review [D]; low alone
    raises nothing by default."""
    result = cssrs_screener.INSTRUMENT.score(answers)

    assert (result.risk, [alert.code for alert in result.alerts]) == (risk, codes)


@pytest.mark.parametrize(("answers", "risk", "alerts"), [
    ([0, 0, *NOT_ASKED, 0], None, []),
    ([1, 0, *NOT_ASKED, 0], "low", [("SUICIDE_RISK_LOW", 1)]),
    ([0, 1, 0, 0, 0, 0], "low", [("SUICIDE_RISK_LOW", 2)]),
    ([1, 1, 1, 0, 0, 0], "moderate", [("SUICIDE_RISK_MODERATE", 3)]),
    ([1, 0, *NOT_ASKED, 2], "high", [("SUICIDE_RISK_HIGH", 6)]),
])
def test_a_clinic_may_add_an_alert_on_low_risk(answers, risk, alerts):
    """clinical-reference §7.2: a clinic may only add alerts. With alert_on_low, low risk (Q1 or Q2 yes
    only) alerts too; nothing positive still raises nothing, and the higher levels keep their own alert."""
    context = {"protocol": cssrs_screener.CssrsScreenerProtocol(alert_on_low=True)}

    result = cssrs_screener.INSTRUMENT.score(answers, context)

    assert (result.risk, [(alert.code, alert.item) for alert in result.alerts]) == (risk, alerts)
