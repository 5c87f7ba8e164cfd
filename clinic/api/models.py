"""What the REST API keeps between calls: the answers given to create calls with an Idempotency-Key."""

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """The first answer to a create call sent with an Idempotency-Key, replayed to a repeat."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and validated body: a repeat must match it to get the answer.
    fingerprint = models.CharField(max_length=64)
    # Empty only inside the transaction that claimed the key and is still creating the record.
    status_code = models.PositiveSmallIntegerField(null=True)
    # The JSON exactly as sent (text, not jsonb, which would reorder the keys of a replay).
    response_body = models.TextField(null=True)
    # The patient the answer shows, named again in the audit event of each replay.
    patient_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user"),
        ]
        # The worker's daily purge finds expired answers by age.
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_at")]
