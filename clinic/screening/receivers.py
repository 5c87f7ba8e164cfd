"""The screening app's answer to an intake change: a new run in the same transaction."""

from typing import Any

from clinic.screening import actions
from clinic.screening.models import Trigger


def screen_again_on_intake_change(*, patient: Any, actor: Any, now: Any, **_: Any) -> None:
    actions.screen_patient(patient=patient, actor=actor, now=now, trigger=Trigger.INTAKE_CHANGED)
