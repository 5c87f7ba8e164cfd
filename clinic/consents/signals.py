"""Sent inside the transaction that withdraws a consent, with `patient`, `consent`, `actor` and `now`.

The treatment course connects to it to stop the patient's open course ("consent withdrawn"): a receiver
that raises rolls the withdrawal back, so a withdrawal never stands with the course still open.
"""

from django.dispatch import Signal

consent_withdrawn = Signal()
