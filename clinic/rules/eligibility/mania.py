"""YMRS before every infusion for a bipolar diagnosis (clinical-reference §8, Mania row [D]; §3 intake set).

Every patient with a bipolar diagnosis (a yes to the question, a TRD_BIPOLAR indication or any F31
code, whatever the indication treated) has the YMRS rated before each infusion, and the next infusion
is held at 12 or more (CA_MANIA_SCORE, §7.2). A YMRS not rated on the day of the infusion screened for
is not that rating, however recent: the finding blocks the start of that infusion, not its booking.
The baseline YMRS the intake needs stays on HS_INTAKE_INCOMPLETE's list (completeness).
"""

from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import Intake
from clinic.rules.eligibility.trigger import Trigger
from clinic.rules.typed_values import day_text


def ymrs_due(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§8 Mania [D]: YMRS before each infusion for every patient with a bipolar diagnosis (F31.x), whatever the
    indication; a YMRS rated on another day than the infusion's, or with no date, does not count."""
    if not intake.is_bipolar():
        return None
    recorded = intake.screens.ymrs is not None
    rated_on = intake.ymrs_rated_on if recorded else None
    if rated_on == intake.infusion_date:
        return None
    if not recorded:
        last = "No YMRS is recorded."
    elif rated_on is None:
        last = "The YMRS recorded has no rating date."
    else:
        last = f"The last YMRS was rated on {day_text(rated_on)}."
    return Trigger(f"Bipolar disorder: the YMRS is rated before every infusion. Rate it on "
                   f"{day_text(intake.infusion_date)}, before this infusion starts. {last}",
                   {"needed_on": intake.infusion_date.isoformat(),
                    "last_rated_on": None if rated_on is None else rated_on.isoformat(), "ymrs_recorded": recorded})
