"""Questionnaires asked of a patient and their stored scores; the clinical alerts a score raises,
their notifications and acknowledgement; the suicide risk assessment; and the patient's own way in:
one-time sign-in links and tablet mode.

A submitted response is never changed: its answers, total, severity, risk and alerts are what the
rules' scale (clinic.rules.scales) gave, with the scale's version. A draft keeps partial answers until
it is submitted."""


from django.conf import settings
from django.db import models

from clinic.patients.models import Patient, PatientRecordQuerySet
from clinic.sites.models import Site


class Mode(models.TextChoices):
    TABLET = "tablet", "On a clinic tablet"
    PAPER = "paper", "From a paper form"
    REMOTE = "remote", "From the patient's link"
    INTERVIEW = "interview", "Rated by a clinician"


class EnteredBy(models.TextChoices):
    PATIENT = "patient", "The patient"
    STAFF = "staff", "Staff"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Started"
    SUBMITTED = "submitted", "Submitted"


class QuestionnaireRequest(models.Model):
    """A questionnaire the clinic asks the patient to complete: due until a response fulfils it or
    staff withdraw it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaire_requests")
    instrument = models.CharField(max_length=20)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            # One open request per scale: asking twice for the same scale is one questionnaire due.
            models.UniqueConstraint(fields=["patient", "instrument"],
                                    condition=models.Q(fulfilled_at__isnull=True, withdrawn_at__isnull=True),
                                    name="one_open_request_per_instrument"),
        ]
        ordering = ["requested_at", "id"]

    @property
    def is_due(self) -> bool:
        return self.fulfilled_at is None and self.withdrawn_at is None


class QuestionnaireResponse(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaire_responses")
    instrument = models.CharField(max_length=20)
    # The rules' version of the scale's items and scoring that gave the stored score.
    scale_version = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    # One answer per item in the published order, as the rules take them; None for an item not (yet)
    # answered.
    answers = models.JSONField(default=list)
    context = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    severity = models.CharField(max_length=40, blank=True)
    risk = models.CharField(max_length=20, blank=True)
    # [{"code", "item", "message"}] as the rules raised them.
    alerts = models.JSONField(default=list)
    subscores = models.JSONField(default=dict)
    flags = models.JSONField(default=list)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    entered_by = models.CharField(max_length=10, choices=EnteredBy.choices)
    # The staff member who entered it, or who handed the tablet to the patient; None for a patient's
    # own link.
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    request = models.ForeignKey(QuestionnaireRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="responses")
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "instrument"],
                                    condition=models.Q(status="draft"), name="one_draft_per_instrument"),
            models.CheckConstraint(
                condition=models.Q(status="draft", submitted_at__isnull=True)
                | models.Q(status="submitted", submitted_at__isnull=False),
                name="submitted_responses_have_a_time"),
        ]
        indexes = [models.Index(fields=["patient", "instrument", "-submitted_at"], name="response_history_idx")]
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total}"


class AlertKind(models.TextChoices):
    SUICIDE_RISK = "suicide_risk", "Suicide risk"
    MANIA = "mania", "Possible mania: hold the next infusion"
    DISSOCIATION = "dissociation", "Marked dissociation"
    SUBSTANCE_USE = "substance_use", "Substance use screen positive"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class Alert(models.Model):
    """A clinical alert a stored score raised, for the patient's prescriber (and for high suicide risk
    the site's on-call clinician) to acknowledge with the action taken."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alerts")
    response = models.ForeignKey(QuestionnaireResponse, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="raised_alerts")
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    high = models.BooleanField(default=False, help_text="High risk: the on-call clinician is told too.")
    item = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField()
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    prescriber = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    on_call = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", acknowledged_at__isnull=True)
                | models.Q(status="acknowledged", acknowledged_at__isnull=False) & ~models.Q(action_taken=""),
                name="acknowledged_alerts_say_what_was_done"),
        ]
        indexes = [models.Index(fields=["status", "raised_at"], name="alert_inbox_idx")]
        ordering = ["-raised_at", "-id"]


class NotificationReason(models.TextChoices):
    PRESCRIBER = "prescriber", "The patient's prescriber"
    ON_CALL = "on_call", "The site's on-call clinician"


class AlertNotification(models.Model):
    """One message telling one clinician of one alert. Sent at most once: a worker claims the row
    before sending (claimed_at), and only the worker whose claim took sends it."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=12, choices=NotificationReason.choices)
    channel = models.CharField(max_length=10)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="one_notification_per_alert_and_recipient"),
        ]


class AssessmentRisk(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class AssessmentOutcome(models.TextChoices):
    # The rules' ASSESSMENT_OUTCOMES (clinic.rules.eligibility.intake), same codes.
    PROCEED = "proceed", "Proceed with treatment"
    HOLD_TREATMENT = "hold_treatment", "Hold treatment"
    REFER_EMERGENCY = "refer_emergency", "Refer to emergency care"


class SuicideRiskAssessment(models.Model):
    """A clinician's suicide risk assessment: what lifts HS_SUICIDE_HIGH for screening when it
    decides to proceed the same day (clinic.rules.eligibility.suicide)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="suicide_risk_assessments")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    risk_level = models.CharField(max_length=10, choices=AssessmentRisk.choices)
    protective_factors = models.TextField()
    safety_plan = models.TextField()
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices)
    notes = models.TextField(blank=True)
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments")
    recorded_at = models.DateTimeField()

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_at", "-id"]


class SiteAlertSettings(models.Model):
    """A site's on-call clinician for high-risk alerts and the crisis text patients see; set by the
    medical director. A site without a row uses the defaults (no on-call clinician, the default
    crisis texts)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="alert_settings")
    on_call = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    crisis_text = models.TextField(blank=True)
    crisis_text_high = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class LinkChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class PatientLink(models.Model):
    """A one-time sign-in link for a patient: valid with the patient's date of birth until the patient
    submits their questionnaires or it expires, whichever comes first; five wrong dates of birth lock
    it. Only the token's hash is stored."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10, choices=LinkChannel.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)

    objects = PatientRecordQuerySet.as_manager()


class TabletSession(models.Model):
    """A clinic tablet handed to a patient for their due questionnaires, until it is handed back."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="tablet_sessions")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = PatientRecordQuerySet.as_manager()
