"""Treatment courses and their signed phase changes.

A course opens from a signed eligibility decision with its indication, primary scale, the clinic
protocol version and rules version in force, and the induction plan those gave; later protocol
changes never alter it. Its baseline is fixed at infusion 1 by the infusion day (the last
primary-scale score taken 7 days or less before it, clinical-reference §6.2): until then
`baseline_response` is empty. Each phase change is a signed decision with its reason, written once; a
stop caused by a withdrawal of consent is recorded by whoever recorded the withdrawal and names it.
"""

from typing import Any

from django.conf import settings
from django.db import models

from clinic.consents.models import Consent
from clinic.patients.models import Patient, PatientRecordQuerySet
from clinic.protocols.models import ClinicProtocol
from clinic.questionnaires.models import QuestionnaireResponse
from clinic.rules import course_phases, indications, scales
from clinic.screening.models import EligibilityDecision
from clinic.sites.models import Site


class Phase(models.TextChoices):
    INDUCTION = course_phases.INDUCTION, course_phases.LABELS[course_phases.INDUCTION]
    ASSESSMENT = course_phases.ASSESSMENT, course_phases.LABELS[course_phases.ASSESSMENT]
    MAINTENANCE = course_phases.MAINTENANCE, course_phases.LABELS[course_phases.MAINTENANCE]
    TAPER = course_phases.TAPER, course_phases.LABELS[course_phases.TAPER]
    STOPPED = course_phases.STOPPED, course_phases.LABELS[course_phases.STOPPED]
    REFERRED = course_phases.REFERRED, course_phases.LABELS[course_phases.REFERRED]


FINAL_PHASES = sorted(course_phases.FINAL)


class TreatmentCourse(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_courses")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    # The indication's code (clinic.rules.indications) and the scale the course is followed with.
    indication = models.CharField(max_length=20)
    primary_scale = models.CharField(max_length=20)
    protocol = models.ForeignKey(ClinicProtocol, on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(max_length=40)
    decision = models.ForeignKey(EligibilityDecision, on_delete=models.PROTECT, related_name="courses")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.INDUCTION)
    # Weeks between maintenance infusions; set in maintenance only.
    maintenance_interval_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    # The rules' induction plan at opening (clinic.rules.course_phases.induction_plan), JSON-plain.
    induction_plan = models.JSONField()
    # Fixed by the infusion day at infusion 1; empty until then.
    baseline_response = models.ForeignKey(QuestionnaireResponse, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    baseline_fixed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["patient", "-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "indication"], condition=models.Q(closed_at__isnull=True),
                                    name="one_open_course_per_indication"),
            models.CheckConstraint(
                condition=models.Q(phase="maintenance", maintenance_interval_weeks__isnull=False)
                | (~models.Q(phase="maintenance") & models.Q(maintenance_interval_weeks__isnull=True)),
                name="maintenance_carries_its_interval"),
            models.CheckConstraint(
                condition=models.Q(phase__in=FINAL_PHASES, closed_at__isnull=False)
                | (~models.Q(phase__in=FINAL_PHASES) & models.Q(closed_at__isnull=True)),
                name="closed_courses_are_stopped_or_referred"),
            models.CheckConstraint(
                condition=models.Q(baseline_response__isnull=True, baseline_fixed_at__isnull=True)
                | models.Q(baseline_response__isnull=False, baseline_fixed_at__isnull=False),
                name="a_fixed_baseline_has_its_time"),
        ]

    def __str__(self) -> str:
        return f"Course {self.pk} ({self.get_phase_display()})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def indication_label(self) -> str:
        return indications.LABELS.get(self.indication, self.indication)

    @property
    def primary_scale_name(self) -> str:
        return scales.instrument(self.primary_scale).name


class CoursePhaseChange(models.Model):
    """One signed decision that moved the course; never changed or removed once written."""

    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, choices=Phase.choices)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    reason = models.TextField()
    # The maintenance interval this decision set; empty for any other phase.
    interval_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    # The alternatives chosen with the patient (clinic.rules.course_phases.ALTERNATIVE_CODES), for a referral.
    alternatives = models.JSONField(default=list, blank=True)
    # The end-of-induction class (clinic.rules.course_phases.ASSESSMENT_RESULTS) a decision leaving the
    # assessment rests on; empty for any other decision.
    assessment_result = models.CharField(max_length=20, blank=True)
    # Who signed the decision and when; for a stop caused by a withdrawal of consent, who recorded the
    # withdrawal and when: the patient's word stops the course, not a prescriber's decision.
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    # The withdrawn consent that stopped the course; empty for a signed decision.
    consent_withdrawal = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+")

    class Meta:
        ordering = ["course", "signed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="a_phase_change_has_its_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.from_phase} → {self.to_phase}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A signed phase change is never changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("A signed phase change is never removed.")

    @property
    def stopped_by_withdrawal(self) -> bool:
        return self.consent_withdrawal_id is not None

    @property
    def assessment_result_label(self) -> str:
        return course_phases.ASSESSMENT_RESULT_LABELS.get(self.assessment_result, "")

    @property
    def alternative_labels(self) -> list[str]:
        return [course_phases.ALTERNATIVE_LABELS.get(code, code) for code in self.alternatives]
