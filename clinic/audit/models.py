"""Append-only audit trail, hash-chained per organisation (design §3)."""

from django.conf import settings
from django.db import models


class ActorKind(models.TextChoices):
    STAFF = "staff", "Staff"
    PATIENT = "patient", "Patient"
    SYSTEM = "system", "System"


class AuditEvent(models.Model):
    """One read or write of patient data, a sign-in event or an export.

    Rows are never updated or deleted: database triggers refuse both. Each row carries the hash of
    the previous row of its chain, so a changed or removed row breaks every hash after it, and is
    signed with the audit key kept outside the database, so a row forged without it does not verify.
    """

    chain = models.CharField(max_length=40, help_text="Organisation id, or 'global' for events "
                             "before anyone is known (a failed login for an unknown name).")
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    # Plain ids with no database constraint: the trail must outlive any row it names.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                              db_constraint=False, null=True, related_name="+")
    actor_label = models.CharField(max_length=150)
    role = models.CharField(max_length=20, blank=True)
    site_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changed_fields = models.JSONField(default=list)
    data = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True)
    # The fingerprint of the audit key that signed the row (never the key); empty on rows written
    # before the chain was signed.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_seq_unique_in_chain"),
        ]
        # A user's events of one action in one site day: the poll and refusal de-duplication.
        indexes = [models.Index(fields=["actor", "action", "occurred_at"], name="audit_actor_action_time_idx")]
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class AuditEventPatient(models.Model):
    """The patients one event showed or changed; a list page writes one event naming them all."""

    event = models.ForeignKey(AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="patient_links")
    patient_id = models.BigIntegerField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["patient_id", "event"], name="audit_patient_event_idx")]


class AuditChainHead(models.Model):
    """The last hash of each chain. Locked for the rest of the transaction by every writer, so
    concurrent writers append in a single order. Database triggers refuse to delete a head or move
    it backwards."""

    chain = models.CharField(max_length=40, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
