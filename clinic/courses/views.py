"""The patient's Course tab, for clinical staff: each course with its phase, indication and primary scale,
protocol version, induction plan, baseline, what is due next and why, the reviews due, the consent
state and the signed phase history. Prescribers open a course from the eligible decision in force and
sign phase changes here; a refused form comes back with what was typed. A stop caused by a withdrawal of
consent reads as recorded by whoever recorded it, and its letters wait for a prescriber when that person
does not prescribe."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.accounts.access import clinical_staff_only, get_visible_or_404, roles_required
from clinic.accounts.models import PRESCRIBING_ROLES
from clinic.audit.actions import record_view
from clinic.consents.queries import consent_state
from clinic.courses import actions, forms, queries
from clinic.courses.models import TreatmentCourse
from clinic.patients.models import Indication, Patient
from clinic.rules import course_phases, indications
from clinic.rules.errors import DomainError
from clinic.screening.queries import eligibility_state
from clinic.sites.queries import site_today


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    return get_visible_or_404(Patient.objects.select_related("site"), user=request.user, pk=patient_id)


def _course(patient: Patient, course_id: int) -> TreatmentCourse:
    course = TreatmentCourse.objects.filter(patient=patient, pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    return course


def _tab_url(patient: Patient, anchor: str = "") -> str:
    return reverse("courses:tab", args=[patient.pk]) + (f"#{anchor}" if anchor else "")


@login_required
@clinical_staff_only
def tab(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _render_tab(request, _patient(request, patient_id))


def _render_tab(request: HttpRequest, patient: Patient, *, open_form: forms.OpenCourseForm | None = None,
                phase_forms: dict[int, forms.PhaseChangeForm] | None = None,
                stop_letters_error: str = "") -> HttpResponse:
    now = timezone.now()
    may_sign = request.user.role in PRESCRIBING_ROLES
    courses = list(queries.courses_of(patient=patient))
    views = [queries.course_view(course=course, now=now) for course in courses]
    phase_forms = phase_forms or {}
    if may_sign:
        for course in courses:
            if course.is_open and course.pk not in phase_forms:
                phase_forms[course.pk] = forms.PhaseChangeForm(course=course)
    openable = _openable_indications(patient, courses)
    eligibility = eligibility_state(patient=patient, on=site_today(site=patient.site, now=now), now=now)
    if may_sign and openable and eligibility.eligible and open_form is None:
        open_form = forms.OpenCourseForm(indication_codes=openable)
    record_view(actor=request.user, now=now, action="courses.tab_viewed", patients=[patient],
                site_id=patient.site_id, data={"courses": [course.pk for course in courses]})
    return render(request, "courses/tab.html", {
        "patient": patient, "tab": "course", "may_sign": may_sign, "open_form": open_form, "eligibility": eligibility,
        "rows": [(view, phase_forms.get(view.course.pk)) for view in views],
        "openable": [indications.LABELS[code] for code in openable],
        "consent": consent_state(patient=patient, now=now),
        "letters_waiting": actions.stop_letters_waiting(changes=[change for view in views for change in view.changes]),
        "stop_letters_error": stop_letters_error,
    })


def _openable_indications(patient: Patient, courses: list[TreatmentCourse]) -> list[str]:
    recorded = Indication.objects.filter(patient=patient, active=True).values_list("code", flat=True)
    taken = {course.indication for course in courses if course.is_open}
    return sorted(set(recorded) - taken, key=indications.INDICATIONS.index)


@login_required
@roles_required(*PRESCRIBING_ROLES)
@require_POST
def open_course(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    # Every recorded indication is a choice here: one with an open course is refused by the action, in words.
    recorded = Indication.objects.filter(patient=patient, active=True).values_list("code", flat=True)
    form = forms.OpenCourseForm(request.POST, indication_codes=sorted(set(recorded), key=indications.INDICATIONS.index))
    if form.is_valid():
        try:
            course = actions.open_course(patient=patient, actor=request.user, now=timezone.now(),
                                         indication=form.cleaned_data["indication"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Opened the course for {indications.LABELS[course.indication]} in "
                                      f"induction, on protocol {course.protocol.label}.")
            return HttpResponseRedirect(_tab_url(patient, f"course-{course.pk}"))
    return _render_tab(request, patient, open_form=form)


@login_required
@roles_required(*PRESCRIBING_ROLES)
@require_POST
def change_phase(request: HttpRequest, patient_id: int, course_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    course = _course(patient, course_id)
    form = forms.PhaseChangeForm(request.POST, course=course)
    if form.is_valid():
        try:
            change = actions.change_phase(course=course, actor=request.user, now=timezone.now(),
                                          **form.decision())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _confirmation(change))
            return HttpResponseRedirect(_tab_url(patient, f"course-{course.pk}"))
    return _render_tab(request, patient, phase_forms={course.pk: form})


def _confirmation(change: Any) -> str:
    text = f"Signed: the course moved to {course_phases.LABELS[change.to_phase].lower()}"
    if change.interval_weeks:
        text += f", one infusion every {change.interval_weeks} weeks"
    return text + "."


@login_required
@roles_required(*PRESCRIBING_ROLES)
@require_POST
def write_stop_letters(request: HttpRequest, patient_id: int, course_id: int) -> HttpResponse:
    """Sign and write the letters a course stopped for withdrawn consent waits for."""
    patient = _patient(request, patient_id)
    course = _course(patient, course_id)
    try:
        actions.write_stop_letters(course=course, actor=request.user, now=timezone.now())
    except DomainError as error:
        return _render_tab(request, patient, stop_letters_error=error.message)
    messages.success(request, "Signed and wrote the stopping letters.")
    return HttpResponseRedirect(_tab_url(patient, f"course-{course.pk}"))
