"""A nurse of another site walking through the main site's patient ids, on the chart page and through
the API, leaves one refusal event per patient id and site day, naming the patient; the medical
director sees them on the audit trail filtered to refusals (HIPAA §164.312(b): access attempts)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.accounts.tokens import issue_token
from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory
from conftest import CLINIC_ZONE

pytestmark = pytest.mark.slow

# Late in the sites' evening: still the same UTC day as the next morning's walk, so a trail that
# counted UTC days instead of the site's would write nothing the next morning.
EVENING = dt.datetime(2026, 11, 24, 23, 40, tzinfo=CLINIC_ZONE)
NEXT_MORNING = dt.datetime(2026, 11, 25, 0, 10, tzinfo=CLINIC_ZONE)


@pytest.fixture
def nurse_north(other_site):
    return StaffUserFactory(username="nurse.north", role="nurse", organisation=other_site.organisation,
                            sites=[other_site])


def _walk(web: Client, api: Client, patient_ids: list[int]) -> list[int]:
    """Ask for each chart, each id twice in all, and each record through the API; the statuses."""
    statuses = [web.get(reverse("patients:chart", args=[patient_id])).status_code for patient_id in patient_ids]
    statuses += [web.get(reverse("patients:chart", args=[patient_id])).status_code for patient_id in patient_ids[::3]]
    statuses += [api.get(f"/api/v1/patients/{patient_id}").status_code for patient_id in patient_ids]
    return statuses


def _refusals(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action="audit.access_refused").order_by("seq"))


def test_walking_fifty_main_site_ids_leaves_one_refusal_per_patient_and_site_day(
        signed_in, client, nurse_north, director, main_site, other_site, clock, now):
    own = PatientFactory(site=other_site)
    walked = [patient.pk for patient in PatientFactory.create_batch(50, site=main_site)]
    _, token = issue_token(user=nurse_north, name="walk", now=now)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    web = signed_in(nurse_north)
    clock(EVENING)
    assert web.get(reverse("patients:chart", args=[own.pk])).status_code == 200

    first = _walk(web, api, walked)
    after_first = _refusals(nurse_north)
    clock(EVENING + dt.timedelta(minutes=15))
    again = _walk(web, api, walked)
    after_again = _refusals(nurse_north)
    clock(NEXT_MORNING)
    next_day = _walk(web, api, walked[:5])

    assert set(first + again + next_day) == {404}
    assert len(after_first) == 50
    assert sorted(link.patient_id for event in after_first for link in event.patient_links.all()) == sorted(walked)
    event = after_first[0]
    assert (event.occurred_at, event.site_id, event.role, [link.patient_id for link in event.patient_links.all()]
            ) == (EVENING, other_site.pk, "nurse", [walked[0]])
    assert event.data == {"route": "patients:chart", "path": f"/patients/{walked[0]}/", "method": "GET",
                          "status": 404, "asked": {"patient_id": str(walked[0])},
                          "counted_as": f"patient:{walked[0]}"}
    assert after_again == after_first
    next_day_events = _refusals(nurse_north)[50:]
    assert [(event.occurred_at, [link.patient_id for link in event.patient_links.all()])
            for event in next_day_events] == [(NEXT_MORNING, [patient_id]) for patient_id in walked[:5]]

    director_page = signed_in(director).get(reverse("audit:search"), {"refusals": "on"})

    rows = director_page.context["rows"]
    assert director_page.context["page"].paginator.count == 55
    assert {row.event.action for row in rows} == {"audit.access_refused"}
    newest = rows[0]
    patient = newest.patients[0]
    assert (newest.event.actor_label, patient.pk, newest.refusal.route, newest.refusal.status,
            newest.refusal.asked) == ("nurse.north", walked[4], "patients:chart", 404, f"patient_id {walked[4]}")
    html = director_page.content.decode()
    assert (f"404 on patients:chart: GET <code>/patients/{walked[4]}/</code>, asked patient_id {walked[4]}"
            in html)
    assert f"{patient.family_name}, {patient.given_name}</a>" in html
    assert "patients.chart_viewed" not in html
