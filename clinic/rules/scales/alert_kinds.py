"""What each alert a scale raises is about, and which call for the on-call clinician at once.

Source: clinical-reference §7.2 "Bands and alerts": PHQ-9 item 9, MADRS item 10, QIDS-SR16 item 12 and
HAM-D17 item 3 above 0 are suicide alerts; the C-SSRS screener at moderate risk needs a same-day
review and at high risk immediate evaluation and precautions [L]; YMRS ≥ 12 holds the next infusion for
review; a full CADSS above 4 and above the pre-dose score is marked dissociation; AUDIT-C and DAST-10
positives lead to CA_SUD_HISTORY. Every alert code the scales raise has a kind here, and a code
without one is refused rather than filed under nothing.
"""

from clinic.rules.errors import DomainError

SUICIDE_RISK = "suicide_risk"
MANIA = "mania"
DISSOCIATION = "dissociation"
SUBSTANCE_USE = "substance_use"

KINDS = {
    "SUICIDE_RISK": SUICIDE_RISK,  # PHQ-9 9, MADRS 10, QIDS-SR16 12, HAM-D17 3 above 0
    "SUICIDE_RISK_HIGH": SUICIDE_RISK,
    "SUICIDE_RISK_MODERATE": SUICIDE_RISK,
    "SUICIDE_RISK_LOW": SUICIDE_RISK,  # only where the clinic adds low (§7.2 allows adding alerts)
    "HOLD_NEXT_INFUSION": MANIA,
    "MARKED_DISSOCIATION": DISSOCIATION,
    "AUDIT_C_POSITIVE": SUBSTANCE_USE,
    "DAST10_POSITIVE": SUBSTANCE_USE,
}

# High risk: immediate evaluation and precautions [L], so the site's on-call clinician is told at once
# as well as the patient's prescriber, and a patient sees the emergency crisis text.
HIGH_RISK_CODES = frozenset({"SUICIDE_RISK_HIGH"})


class UnknownAlert(DomainError):
    code = "UNKNOWN_ALERT"


def kind_of(code: str) -> str:
    try:
        return KINDS[code]
    except KeyError:
        raise UnknownAlert(f"The alert {code!r} has no kind in clinic.rules.scales.alert_kinds: add it there, "
                           "so that it reaches a clinician.", field="code") from None


def is_high_risk(code: str) -> bool:
    return code in HIGH_RISK_CODES
