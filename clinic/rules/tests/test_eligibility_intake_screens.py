"""The intake screens are a clinic setting (clinical-reference §3 intake set [D]): HS_INTAKE_INCOMPLETE asks
for the protocol's screens, the C-SSRS screener always among them."""

from dataclasses import replace

import pytest

from clinic.rules.eligibility import EligibilityProtocol
from clinic.rules.protocol import InvalidProtocol
from clinic.rules.tests.test_eligibility import codes, finding, make


def test_default_intake_screens_are_audit_c_dast10_and_the_cssrs_screener():
    assert EligibilityProtocol().intake_screens == ("audit_c", "dast10", "cssrs_screener")


def test_a_clinic_that_adds_pcl5_to_every_intake_is_told_it_is_missing():
    protocol = EligibilityProtocol(intake_screens=["audit_c", "dast10", "cssrs_screener", "pcl5"])
    intake = make()

    result = finding(intake, "HS_INTAKE_INCOMPLETE", protocol)

    assert protocol.intake_screens == ("audit_c", "dast10", "cssrs_screener", "pcl5")
    assert result.data["screens"] == ["pcl5"]
    assert "Screens not done: PCL-5 (intake screen)." in result.message


def test_a_screen_the_clinic_dropped_is_not_asked_for():
    intake = make()
    intake = replace(intake, screens=replace(intake.screens, dast10=None))
    protocol = EligibilityProtocol(intake_screens=("audit_c", "cssrs_screener"))

    assert "HS_INTAKE_INCOMPLETE" in codes(intake)
    assert "HS_INTAKE_INCOMPLETE" not in codes(intake, protocol)


@pytest.mark.parametrize(("screens", "words"), [
    (("audit_c", "dast10"), "Every intake needs the C-SSRS screener"),
    (("audit_c", "bprs", "cssrs_screener"), "Intake screens must be chosen from"),
    ("cssrs_screener", "Intake screens must be chosen from"),
])
def test_refuses_intake_screens_without_the_cssrs_screener_or_with_an_unknown_screen(screens, words):
    with pytest.raises(InvalidProtocol) as caught:
        EligibilityProtocol(intake_screens=screens)

    assert caught.value.field == "intake_screens"
    assert words in caught.value.message
