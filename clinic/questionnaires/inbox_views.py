"""The clinicians' alert inbox and its acknowledgement, a site's alert settings, and how a clinician is
told of new alerts (their alert channel)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from clinic.accounts import actions as staff_actions
from clinic.accounts.access import clinical_staff_only, director_only, get_visible_or_404, roles_required
from clinic.accounts.models import PRESCRIBING_ROLES, AlertChannel, StaffUser
from clinic.accounts.queries import organisation_staff
from clinic.audit.actions import record_event
from clinic.questionnaires import actions, queries
from clinic.questionnaires.inbox_forms import (
    AcknowledgeForm,
    AlertChannelForm,
    AlertSettingsForm,
    InboxFilter,
    InboxFilterForm,
)
from clinic.questionnaires.models import Alert, AlertStatus
from clinic.rules.errors import DomainError
from clinic.sites.models import Site

PAGE_SIZE = 50
STATUSES = {InboxFilter.OPEN: AlertStatus.OPEN, InboxFilter.ACKNOWLEDGED: AlertStatus.ACKNOWLEDGED,
            InboxFilter.ALL: None}
# Where a row of the inbox opens the patient's chart: their Questionnaires tab where the chart has one.
CHART_TABS = ("questionnaires:tab", "patients:chart")
# The source of the default crisis texts, shown beside them on the settings page.
CRISIS_TEXT_SOURCE = "issue 13 / 988 Suicide & Crisis Lifeline"


def chart_url_name() -> str:
    for name in CHART_TABS:
        try:
            reverse(name, kwargs={"patient_id": 1})
        except NoReverseMatch:
            continue
        return name
    return CHART_TABS[-1]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@clinical_staff_only
def inbox(request: HttpRequest) -> HttpResponse:
    status, mine = InboxFilterForm(request.GET).filters()
    counts = queries.inbox_counts(user=request.user, status=STATUSES[status], mine=mine)
    paginator = Paginator(queries.inbox(user=request.user, status=STATUSES[status], mine=mine), PAGE_SIZE)
    # Counted with the open alerts of the navigation, in the same query, so the page stays in budget.
    paginator.count = counts["listed"]
    page = paginator.get_page(request.GET.get("page"))
    alerts = list(page.object_list)
    # One event for the page, naming every patient it lists (design §3 audit: lists group).
    record_event(actor=request.user, now=timezone.now(), action="questionnaires.inbox_viewed",
                 patients=sorted({alert.patient_id for alert in alerts}),
                 data={"status": status, "mine": mine, "page": page.number})
    return render(request, "questionnaires/inbox.html", {
        "page": page, "alerts": alerts, "status": status, "mine": mine, "statuses": InboxFilter.CHOICES,
        "chart_url": chart_url_name(),
        "can_acknowledge": request.user.role in PRESCRIBING_ROLES,
        # The navigation's open count, read above: the context processor's query is not made.
        "alert_counts": {"all": counts["all"], "mine": counts["mine"]},
    })


@login_required
@roles_required(*PRESCRIBING_ROLES)
def acknowledge(request: HttpRequest, patient_id: int, alert_id: int) -> HttpResponse:
    """The alert with its acknowledgement form; sent, the acknowledgement with the action taken. From
    the inbox (htmx) the answer is the alert's row: acknowledged, or with what to fix."""
    alerts = queries.inbox(user=request.user, status=None).filter(patient_id=patient_id)
    alert = get_visible_or_404(alerts, user=request.user, pk=alert_id)
    form = AcknowledgeForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.acknowledge_alert(alert=alert, actor=request.user, now=timezone.now(), **form.cleaned_data)
        except DomainError as error:
            refusal = error.code
            form.add_error(error.field if error.field in form.fields else None, error.message)
            # A refused second acknowledgement shows the one that stands.
            alert = alerts.get(pk=alert.pk)
        else:
            return _acknowledged(request, alerts.get(pk=alert.pk))
    record_event(actor=request.user, now=timezone.now(), action="questionnaires.alert_viewed",
                 patients=[alert.patient_id], subject=alert, site_id=alert.patient.site_id,
                 data={"refused": refusal} if refusal else None)
    context = {"alert": alert, "form": form, "chart_url": chart_url_name(), "can_acknowledge": True}
    if _is_htmx(request):
        response = render(request, "questionnaires/_inbox_row.html", {**context, "open_form": True})
    else:
        status = 409 if refusal == actions.AlertAlreadyAcknowledged.code else 200
        response = render(request, "questionnaires/inbox_acknowledge.html",
                          {**context, "patient": alert.patient}, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _acknowledged(request: HttpRequest, alert: Alert) -> HttpResponse:
    if not _is_htmx(request):
        messages.success(request, f"The alert for {alert.patient.display_name} ({alert.patient.mrn}) is "
                                  "acknowledged.")
        return redirect("alerts:inbox")
    response = render(request, "questionnaires/_inbox_row.html", {
        "alert": alert, "chart_url": chart_url_name(), "can_acknowledge": True,
        "saved": "Acknowledged: the action taken is kept with the alert."})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@director_only
def site_settings(request: HttpRequest, site_id: int) -> HttpResponse:
    """The site's on-call clinician for high-risk alerts and its crisis texts."""
    site = get_object_or_404(Site.objects.filter(organisation_id=request.user.organisation_id), pk=site_id)
    current = queries.alert_settings(site=site)
    form = AlertSettingsForm(request.POST or None, site=site, initial={
        "on_call": current.on_call_id, "crisis_text": current.crisis_text,
        "crisis_text_high": current.crisis_text_high})
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_alert_settings(site=site, actor=request.user, now=timezone.now(), **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Alert settings for {site.name} are saved.")
            return redirect("alerts:site_settings", site_id=site.pk)
    return render(request, "questionnaires/alert_settings.html", {
        "site": site, "form": form, "current": current, "source": CRISIS_TEXT_SOURCE,
        "default_text": queries.DEFAULT_CRISIS_TEXT, "default_text_high": queries.DEFAULT_CRISIS_TEXT_HIGH})


@login_required
@clinical_staff_only
def own_channel(request: HttpRequest) -> HttpResponse:
    return _channel_page(request, member=request.user, back=reverse("alerts:inbox"))


@login_required
@director_only
def staff_channel(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(organisation_staff(user=request.user), pk=member_id)
    return _channel_page(request, member=member, back=reverse("accounts:staff_edit", args=[member.pk]))


def _channel_page(request: HttpRequest, *, member: StaffUser, back: str) -> HttpResponse:
    form = AlertChannelForm(request.POST or None, initial={"alert_channel": member.alert_channel,
                                                           "mobile_phone": member.mobile_phone})
    if request.method == "POST" and form.is_valid():
        try:
            changed = staff_actions.change_alert_channel(member=member, actor=request.user, now=timezone.now(),
                                                         **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _channel_message(member, changed, form.cleaned_data))
            return redirect(back)
    own = member.pk == request.user.pk
    return render(request, "questionnaires/alert_channel.html",
                  {"member": member, "form": form, "own": own, "back": back})


def _channel_message(member: StaffUser, changed: list[str], values: dict[str, str]) -> str:
    if not changed:
        return "Nothing was changed."
    by = "text message" if values["alert_channel"] == AlertChannel.SMS else "email"
    return f"New alerts for {member} are now sent by {by}."
