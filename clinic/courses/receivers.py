"""The course's answer to a withdrawn consent: the patient's open courses stop, in the withdrawal's
transaction, recorded by whoever recorded the withdrawal and marked as caused by it."""

from typing import Any

from clinic.courses import actions


def stop_courses_on_consent_withdrawal(*, patient: Any, consent: Any, actor: Any, now: Any, **_: Any) -> None:
    actions.stop_for_withdrawn_consent(patient=patient, consent=consent, actor=actor, now=now)
