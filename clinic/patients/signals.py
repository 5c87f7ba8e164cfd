"""Signals the patient record sends.

`intake_changed` is sent, inside the write's transaction, by every action that changes what screening
reads (clinic.rules.eligibility.Intake): the intake entries, the safety history, the birth date and
sex, the intake screens' questionnaire answers and the suicide risk assessments. Keyword arguments:
`patient`, `actor` (staff, a patient answering their own questionnaires, or None) and `now`. The
screening app answers it with a new screening run in the same transaction.
"""

from django.dispatch import Signal

intake_changed = Signal()
