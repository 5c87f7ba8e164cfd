"""The clinicians' alert inbox: what each row says, the filters, who may acknowledge, site isolation,
the audit trail, the open count in the navigation, and the query count from 10 to 1,000 alerts."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from clinic.accounts.models import Role
from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions
from clinic.questionnaires.context_processors import alert_counts
from clinic.questionnaires.inbox_views import chart_url_name
from clinic.questionnaires.models import Alert, AlertStatus, Mode
from conftest import CLINIC_ZONE, NOW

# PHQ-9 item 9 above 0 (clinical-reference §7.3: 0,1,0,1,0,0,0,0,1 → 3 minimal and a suicide alert).
PHQ9_ITEM_9_POSITIVE = [0, 1, 0, 1, 0, 0, 0, 0, 1]
ITEM_9_MESSAGE = "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) is 1: assess suicide risk today."
# Style habit 8: a list page takes at most this many queries, sign-in, second factor and audit included.
HOUSE_BUDGET_QUERIES = 10


def raise_alert(patient, *, raised_at=NOW, code="SUICIDE_RISK", high=False, status=AlertStatus.OPEN,
                on_call=None, acknowledged_by=None, action_taken="", message=ITEM_9_MESSAGE) -> Alert:
    """An alert row as submit_response stores it (the acknowledgement too, for rows set up as acknowledged)."""
    return Alert.objects.create(
        patient=patient, code=code, kind="suicide_risk", high=high, item=9, message=message, raised_at=raised_at,
        status=status, prescriber_id=patient.prescriber_id, on_call=on_call, acknowledged_by=acknowledged_by,
        acknowledged_at=raised_at + dt.timedelta(minutes=20) if status == AlertStatus.ACKNOWLEDGED else None,
        action_taken=action_taken)


def patients_named_in(event: AuditEvent) -> list[int]:
    return sorted(link.patient_id for link in event.patient_links.all())


def rows_of(response) -> list[str]:
    """Each alert row's text, tags stripped and spaces squeezed, in page order."""
    page = response.content.decode()
    rows = re.findall(r'<tr id="alert-\d+".*?</tr>', page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.fixture
def ada(main_site, prescriber):
    return PatientFactory(site=main_site, given_name="Ada", family_name="Lovell", mrn="K000101", prescriber=prescriber)


@pytest.fixture
def ben(main_site, director):
    return PatientFactory(site=main_site, given_name="Ben", family_name="Okafor", mrn="K000102", prescriber=director)


@pytest.fixture
def north_patient(other_site):
    return PatientFactory(site=other_site, given_name="Nora", family_name="Vale", mrn="K000900")


def test_inbox_lists_the_open_alerts_of_the_users_sites_newest_first_and_audits_them(
        signed_in, nurse, ada, ben, north_patient, other_site):
    older = raise_alert(ada, raised_at=NOW - dt.timedelta(hours=3))
    newer = raise_alert(ben, raised_at=NOW - dt.timedelta(hours=1), code="SUICIDE_RISK_HIGH", high=True)
    raise_alert(ada, raised_at=NOW, status=AlertStatus.ACKNOWLEDGED, acknowledged_by=ada.prescriber,
                action_taken="Called")
    raise_alert(north_patient)

    response = signed_in(nurse).get(reverse("alerts:inbox"))

    assert [alert.pk for alert in response.context["alerts"]] == [newer.pk, older.pk]
    rows = rows_of(response)
    assert rows[0].startswith("Okafor, Ben K000102 High risk Suicide risk SUICIDE_RISK_HIGH")
    assert "Vale" not in response.content.decode()
    event = AuditEvent.objects.get(action="questionnaires.inbox_viewed")
    assert (event.actor, patients_named_in(event), event.data) == (
        nurse, sorted([ada.pk, ben.pk]), {"status": "open", "mine": False, "page": 1})


def test_each_row_names_the_patient_the_alert_the_raised_time_and_the_clinicians(
        signed_in, nurse, ada, prescriber, director):
    alert = raise_alert(ada, raised_at=dt.datetime(2026, 11, 24, 8, 5, tzinfo=CLINIC_ZONE), code="SUICIDE_RISK_HIGH",
                        high=True, on_call=director)

    response = signed_in(nurse).get(reverse("alerts:inbox"))

    [row] = rows_of(response)
    assert row == (f"Lovell, Ada K000101 High risk Suicide risk SUICIDE_RISK_HIGH {ITEM_9_MESSAGE} "
                   f"Raised 24 Nov 2026 08:05 Prescriber {prescriber} On call {director} Open")
    chart = reverse(chart_url_name(), kwargs={"patient_id": ada.pk})
    assert f'<a href="{chart}">Lovell, Ada</a>' in response.content.decode()
    assert f'<tr id="alert-{alert.pk}" data-row-link' in response.content.decode()


def test_a_time_at_a_site_in_another_zone_names_its_zone(signed_in, nurse, other_site):
    other_site.time_zone = "America/Chicago"
    other_site.save()
    nurse.sites.add(other_site)
    chicago = PatientFactory(site=other_site, mrn="K000555")
    raise_alert(chicago, raised_at=dt.datetime(2026, 11, 24, 8, 5, tzinfo=CLINIC_ZONE))

    response = signed_in(nurse).get(reverse("alerts:inbox"))

    [row] = rows_of(response)
    # The nurse works at Main (New York): 08:05 there is 07:05 at North, said with its zone.
    assert "K000555 North" in row
    assert "Raised 24 Nov 2026 07:05 CST" in row


def test_no_prescriber_recorded_says_the_medical_directors_were_told(signed_in, nurse, main_site):
    raise_alert(PatientFactory(site=main_site))

    [row] = rows_of(signed_in(nurse).get(reverse("alerts:inbox")))

    assert "Prescriber none recorded: the site's medical directors were told" in row


def test_all_lists_the_open_alerts_before_the_acknowledged_ones(signed_in, prescriber, ada, ben):
    acknowledged = raise_alert(ada, raised_at=NOW, status=AlertStatus.ACKNOWLEDGED, acknowledged_by=prescriber,
                               action_taken="Seen in clinic; safety plan updated")
    old_open = raise_alert(ben, raised_at=NOW - dt.timedelta(days=2))
    new_open = raise_alert(ada, raised_at=NOW - dt.timedelta(hours=1))

    response = signed_in(prescriber).get(reverse("alerts:inbox"), {"status": "all"})

    assert [alert.pk for alert in response.context["alerts"]] == [new_open.pk, old_open.pk, acknowledged.pk]


def test_acknowledged_lists_who_acknowledged_when_and_the_action_taken(signed_in, nurse, prescriber, ada):
    raise_alert(ada, raised_at=dt.datetime(2026, 11, 23, 15, 0, tzinfo=CLINIC_ZONE), status=AlertStatus.ACKNOWLEDGED,
                acknowledged_by=prescriber, action_taken="Called the patient; safety plan reviewed")
    raise_alert(ada)

    response = signed_in(nurse).get(reverse("alerts:inbox"), {"status": "acknowledged"})

    [row] = rows_of(response)
    assert row.endswith(f"Acknowledged by {prescriber}, 23 Nov 2026 15:20 Action taken: Called the patient; "
                        "safety plan reviewed")


def test_mine_lists_the_alerts_naming_me_as_prescriber_or_on_call(signed_in, prescriber, director, ada, ben):
    as_prescriber = raise_alert(ada, raised_at=NOW - dt.timedelta(hours=2))
    as_on_call = raise_alert(ben, raised_at=NOW - dt.timedelta(hours=1), code="SUICIDE_RISK_HIGH", high=True,
                             on_call=prescriber)
    raise_alert(ben)  # the director's patient, no one on call

    response = signed_in(prescriber).get(reverse("alerts:inbox"), {"mine": "on"})

    assert [alert.pk for alert in response.context["alerts"]] == [as_on_call.pk, as_prescriber.pk]
    assert "Open (2)" in response.content.decode()
    assert AuditEvent.objects.get(action="questionnaires.inbox_viewed").data["mine"] is True


def test_front_desk_is_refused_the_inbox_and_sees_no_alerts_link(signed_in, front_desk, ada):
    raise_alert(ada)
    client = signed_in(front_desk)

    response = client.get(reverse("alerts:inbox"))
    home = client.get(reverse("patients:list"))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="questionnaires.inbox_viewed").exists()
    assert reverse("alerts:inbox") not in home.content.decode()


def test_the_navigation_shows_the_open_count_of_the_users_sites(signed_in, nurse, ada, ben, north_patient):
    raise_alert(ada)
    raise_alert(ben)
    raise_alert(ada, status=AlertStatus.ACKNOWLEDGED, acknowledged_by=ben.prescriber, action_taken="Called")
    raise_alert(north_patient)

    page = signed_in(nurse).get(reverse("patients:list")).content.decode()

    nav = page[page.index('<nav aria-label="Main">'):page.index("</nav>")]
    assert re.search(r'href="/alerts/" id="nav-alerts" class="nav-alerts">Alerts <span class="count"[^>]*>2<', nav)


def test_the_open_count_is_read_in_one_query_and_only_when_shown(rf, nurse, prescriber, ada, django_assert_num_queries):
    raise_alert(ada)
    raise_alert(ada, on_call=nurse)
    request = rf.get("/")
    request.user = prescriber
    prescriber.site_rows()  # the user's sites, which the working-site middleware reads on every request

    with django_assert_num_queries(0):
        counts = alert_counts(request)["alert_counts"]
    with django_assert_num_queries(1):
        shown = (counts["all"], counts["mine"])

    assert shown == (2, 2)


def test_the_inbox_takes_the_same_queries_for_10_and_1000_alerts(
        signed_in, prescriber, main_site, other_site, django_assert_max_num_queries):
    client = signed_in(prescriber)
    prescriber.sites.add(other_site)
    for patient in PatientFactory.create_batch(10, site=main_site, prescriber=prescriber):
        raise_alert(patient)
    client.get(reverse("alerts:inbox"))  # the first request creates the audit chain's head row
    with django_assert_max_num_queries(HOUSE_BUDGET_QUERIES) as ten:
        client.get(reverse("alerts:inbox"))
    patients = PatientFactory.create_batch(990, site=other_site)
    Alert.objects.bulk_create([Alert(patient=patient, code="SUICIDE_RISK", kind="suicide_risk", item=9,
                                     message=ITEM_9_MESSAGE, raised_at=NOW, on_call=prescriber)
                               for patient in patients])

    with django_assert_max_num_queries(HOUSE_BUDGET_QUERIES) as thousand:
        response = client.get(reverse("alerts:inbox"))

    assert len(ten.captured_queries) == len(thousand.captured_queries)
    assert (len(response.context["alerts"]), response.context["page"].paginator.count) == (50, 1000)
    assert len(rows_of(response)) == 50


# Acknowledging


def ack_url(alert: Alert) -> str:
    return reverse("alerts:acknowledge", args=[alert.patient_id, alert.pk])


def test_a_prescriber_acknowledges_an_alert_with_the_action_taken(signed_in, prescriber, ada, clock):
    alert = raise_alert(ada)
    clock(NOW + dt.timedelta(minutes=40))

    response = signed_in(prescriber).post(ack_url(alert), {"action_taken": "  Called the patient; seen at 14:00 "})

    assert response.headers["Location"] == reverse("alerts:inbox")
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.acknowledged_at, alert.action_taken) == (
        AlertStatus.ACKNOWLEDGED, prescriber, NOW + dt.timedelta(minutes=40), "Called the patient; seen at 14:00")
    event = AuditEvent.objects.get(action="questionnaires.alert_acknowledged")
    assert (event.actor, patients_named_in(event), event.object_id) == (prescriber, [ada.pk], str(alert.pk))


def test_acknowledging_from_the_inbox_answers_with_the_acknowledged_row(signed_in, director, ada, clock):
    alert = raise_alert(ada)
    clock(dt.datetime(2026, 11, 24, 11, 15, tzinfo=CLINIC_ZONE))

    response = signed_in(director).post(ack_url(alert), {"action_taken": "Spoke with the patient"},
                                        HTTP_HX_REQUEST="true")

    [row] = rows_of(response)
    assert row.endswith(f"Acknowledged by {director}, 24 Nov 2026 11:15 Action taken: Spoke with the patient "
                        "Acknowledged: the action taken is kept with the alert.")
    assert response.content.decode().lstrip().startswith(f'<tr id="alert-{alert.pk}"')
    # The navigation's open count goes down with it, swapped in out of band.
    assert re.search(r'<a href="/alerts/" id="nav-alerts" class="nav-alerts" hx-swap-oob="true">Alerts</a>',
                     response.content.decode())


def test_an_acknowledgement_without_the_action_taken_is_refused_and_keeps_the_alert_open(
        signed_in, prescriber, ada):
    alert = raise_alert(ada)

    response = signed_in(prescriber).post(ack_url(alert), {"action_taken": "   "}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "Write the action taken before acknowledging: it is kept with the alert." in page
    assert "<details class=\"acknowledge\" open>" in page
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.action_taken) == (AlertStatus.OPEN, None, "")
    event = AuditEvent.objects.get(action="questionnaires.alert_viewed")
    assert (event.actor, patients_named_in(event)) == (prescriber, [ada.pk])


def test_a_second_acknowledgement_is_refused_and_the_first_stands(signed_in, prescriber, director, ada, clock):
    alert = raise_alert(ada)
    actions.acknowledge_alert(alert=alert, actor=prescriber, now=dt.datetime(2026, 11, 24, 10, 0, tzinfo=CLINIC_ZONE),
                              action_taken="Called the patient")
    clock(NOW + dt.timedelta(hours=2))

    response = signed_in(director).post(ack_url(alert), {"action_taken": "Also called"})

    assert response.status_code == 409
    page = response.content.decode()
    assert (f"This alert was already acknowledged by {prescriber} on 24 Nov 2026 at 10:00: its action stands."
            in page)
    assert "Also called" in page  # what was typed is kept beside the refusal
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.action_taken) == (prescriber, "Called the patient")
    assert AuditEvent.objects.filter(action="questionnaires.alert_acknowledged").count() == 1
    event = AuditEvent.objects.get(action="questionnaires.alert_viewed")
    assert (event.actor, event.data) == (director, {"refused": "ALERT_ALREADY_ACKNOWLEDGED"})


def test_a_nurse_sees_the_alerts_but_cannot_acknowledge_them(signed_in, nurse, ada):
    alert = raise_alert(ada)
    client = signed_in(nurse)

    inbox = client.get(reverse("alerts:inbox")).content.decode()
    response = client.post(ack_url(alert), {"action_taken": "Told the prescriber"})

    assert "Only a prescriber or the medical director can acknowledge an alert" in inbox
    assert ack_url(alert) not in inbox
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_the_acknowledgement_page_shows_the_alert_under_the_patient_banner(signed_in, prescriber, ada):
    alert = raise_alert(ada)

    response = signed_in(prescriber).get(ack_url(alert))

    page = response.content.decode()
    assert '<section class="banner"' in page and "K000101" in page
    assert f'<textarea id="action-{alert.pk}" name="action_taken"' in page
    event = AuditEvent.objects.get(action="questionnaires.alert_viewed")
    assert (event.actor, patients_named_in(event)) == (prescriber, [ada.pk])


def test_another_sites_alert_is_not_found_and_the_refusal_names_the_patient(
        signed_in, north_patient, other_site, main_site):
    alert = raise_alert(north_patient)
    main_prescriber = StaffUserFactory(username="main.prescriber", role=Role.PRESCRIBER,
                                       organisation=main_site.organisation, sites=[main_site])
    client = signed_in(main_prescriber)

    inbox = client.get(reverse("alerts:inbox"))
    response = client.post(ack_url(alert), {"action_taken": "Called"})

    assert inbox.context["alerts"] == []
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    event = AuditEvent.objects.get(action="audit.access_refused")
    assert (event.data["route"], patients_named_in(event)) == ("alerts:acknowledge", [north_patient.pk])


def test_an_alert_asked_for_under_another_patient_is_not_found(signed_in, prescriber, ada, ben):
    alert = raise_alert(ada)

    response = signed_in(prescriber).post(reverse("alerts:acknowledge", args=[ben.pk, alert.pk]),
                                          {"action_taken": "Called"})

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_a_submitted_item_9_reaches_the_prescribers_inbox_as_theirs(signed_in, prescriber, ada, now):
    actions.submit_response(patient=ada, instrument="phq9", answers=PHQ9_ITEM_9_POSITIVE, actor=prescriber,
                            now=now, mode=Mode.PAPER)

    response = signed_in(prescriber).get(reverse("alerts:inbox"), {"mine": "on"})

    [alert] = response.context["alerts"]
    assert (alert.patient, alert.code, alert.prescriber, alert.status) == (ada, "SUICIDE_RISK", prescriber, "open")
    assert "Open (1)" in response.content.decode()
