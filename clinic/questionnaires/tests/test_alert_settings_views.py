"""A site's alert settings (the medical director's), and how each clinician is told of new alerts: their
alert channel, set by themselves or by the medical director."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from clinic.accounts import actions as staff_actions
from clinic.accounts.models import AlertChannel, Role
from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit.models import AuditEvent
from clinic.questionnaires import queries
from clinic.questionnaires.models import SiteAlertSettings
from clinic.sites.tests.factories import SiteFactory
from conftest import NOW


def settings_url(site) -> str:
    return reverse("alerts:site_settings", args=[site.pk])


@pytest.fixture
def dr_reyes(main_site):
    return StaffUserFactory(username="reyes", first_name="Dana", last_name="Reyes", credentials="MD",
                            role=Role.PRESCRIBER, organisation=main_site.organisation, sites=[main_site])


def test_the_settings_page_offers_the_sites_active_prescribers_and_directors_and_shows_the_defaults(
        signed_in, director, dr_reyes, nurse, main_site, other_site):
    StaffUserFactory(username="gone", role=Role.PRESCRIBER, organisation=main_site.organisation, sites=[main_site],
                     is_active=False)
    StaffUserFactory(username="north.md", role=Role.PRESCRIBER, organisation=main_site.organisation,
                     sites=[other_site])

    response = signed_in(director).get(settings_url(main_site))

    choices = [label for value, label in response.context["form"].fields["on_call"].choices]
    assert choices == ["No one on call",
                       "Dana Reyes, MD (Prescriber)", f"{director} (Medical director)"]  # by family name
    page = response.content.decode()
    assert escape(queries.DEFAULT_CRISIS_TEXT) in page and escape(queries.DEFAULT_CRISIS_TEXT_HIGH) in page
    assert page.count("Source: issue 13 / 988 Suicide &amp; Crisis Lifeline") == 2
    assert "Not saved yet: the defaults apply." in page


def test_the_director_saves_the_on_call_clinician_and_the_crisis_texts(signed_in, director, dr_reyes, main_site,
                                                                       clock):
    clock(NOW)

    response = signed_in(director).post(settings_url(main_site), {
        "on_call": dr_reyes.pk, "crisis_text": " Call 988, or the clinic on 555 0100. ", "crisis_text_high": ""})

    assert response.headers["Location"] == settings_url(main_site)
    row = SiteAlertSettings.objects.get(site=main_site)
    assert (row.on_call, row.crisis_text, row.crisis_text_high, row.updated_by, row.updated_at) == (
        dr_reyes, "Call 988, or the clinic on 555 0100.", "", director, NOW)
    assert queries.crisis_text(site=main_site, high=True) == queries.DEFAULT_CRISIS_TEXT_HIGH
    event = AuditEvent.objects.get(action="questionnaires.alert_settings_saved")
    assert (event.actor, event.site_id, event.data) == (director, main_site.pk, {"on_call": dr_reyes.pk})


def test_the_saved_settings_show_on_the_page_again(signed_in, director, dr_reyes, main_site, clock):
    clock(NOW)
    client = signed_in(director)
    client.post(settings_url(main_site), {"on_call": dr_reyes.pk, "crisis_text": "Call 988.", "crisis_text_high": ""})

    response = client.get(settings_url(main_site))

    form = response.context["form"]
    assert (form["on_call"].value(), form["crisis_text"].value()) == (dr_reyes.pk, "Call 988.")
    assert f"Last saved by {director}" in response.content.decode()


def test_a_nurse_cannot_be_chosen_on_call_and_what_was_typed_stays(signed_in, director, nurse, main_site):
    response = signed_in(director).post(settings_url(main_site), {
        "on_call": nurse.pk, "crisis_text": "Our own words", "crisis_text_high": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "on_call": ["Select a valid choice. That choice is not one of the available choices."]}
    assert "Our own words" in response.content.decode()
    assert not SiteAlertSettings.objects.exists()


@pytest.mark.parametrize("role", ["prescriber", "nurse", "front_desk"])
def test_only_the_medical_director_opens_the_settings(role, request, signed_in, main_site):
    client = signed_in(request.getfixturevalue(role))

    responses = [client.get(settings_url(main_site)),
                 client.post(settings_url(main_site), {"on_call": "", "crisis_text": "x", "crisis_text_high": ""})]

    assert [response.status_code for response in responses] == [403, 403]
    assert not SiteAlertSettings.objects.exists()


def test_another_organisations_site_is_not_found(signed_in, director):
    elsewhere = SiteFactory()

    response = signed_in(director).post(settings_url(elsewhere), {"on_call": "", "crisis_text": "x",
                                                                  "crisis_text_high": ""})

    assert response.status_code == 404
    assert not SiteAlertSettings.objects.exists()


def test_the_site_page_links_to_its_alert_settings(signed_in, director, main_site):
    page = signed_in(director).get(reverse("sites:detail", args=[main_site.pk])).content.decode()

    assert f'href="{settings_url(main_site)}"' in page


# How each clinician is told of new alerts


def test_a_prescriber_chooses_text_messages_to_their_mobile(signed_in, prescriber, clock):
    clock(NOW)

    response = signed_in(prescriber).post(reverse("alerts:channel"),
                                          {"alert_channel": "sms", "mobile_phone": " +1 (555) 014-2000 "})

    assert response.headers["Location"] == reverse("alerts:inbox")
    prescriber.refresh_from_db()
    assert (prescriber.alert_channel, prescriber.mobile_phone) == (AlertChannel.SMS, "+1 (555) 014-2000")
    event = AuditEvent.objects.get(action="accounts.alert_channel_changed")
    assert (event.actor, event.object_id, event.changed_fields, event.data) == (
        prescriber, str(prescriber.pk), ["alert_channel", "mobile_phone"], {"alert_channel": "sms"})


def test_text_messages_without_a_mobile_number_are_refused_keeping_the_choice(signed_in, prescriber):
    response = signed_in(prescriber).post(reverse("alerts:channel"), {"alert_channel": "sms", "mobile_phone": ""})

    assert response.context["form"].errors == {
        "mobile_phone": ["Text messages need a mobile number: enter one, or choose email."]}
    assert 'value="sms" id="id_alert_channel_1" required checked' in response.content.decode()
    prescriber.refresh_from_db()
    assert prescriber.alert_channel == AlertChannel.EMAIL
    assert not AuditEvent.objects.filter(action="accounts.alert_channel_changed").exists()


def test_a_number_that_is_not_a_phone_number_is_refused(signed_in, prescriber):
    response = signed_in(prescriber).post(reverse("alerts:channel"),
                                          {"alert_channel": "sms", "mobile_phone": "call me"})

    assert response.context["form"].errors == {
        "mobile_phone": ["Enter a mobile number with its area code, such as 555 014 2000."]}
    assert 'value="call me"' in response.content.decode()


def test_the_director_sets_a_colleagues_channel_from_their_staff_page(signed_in, director, dr_reyes, clock):
    clock(NOW)
    client = signed_in(director)
    staff_page = client.get(reverse("accounts:staff_edit", args=[dr_reyes.pk])).content.decode()

    response = client.post(reverse("alerts:staff_channel", args=[dr_reyes.pk]),
                           {"alert_channel": "sms", "mobile_phone": "555 014 2000"})

    assert f'href="{reverse("alerts:staff_channel", args=[dr_reyes.pk])}"' in staff_page
    assert "New alerts: by email" in staff_page
    assert response.headers["Location"] == reverse("accounts:staff_edit", args=[dr_reyes.pk])
    dr_reyes.refresh_from_db()
    assert (dr_reyes.alert_channel, dr_reyes.mobile_phone) == ("sms", "555 014 2000")
    event = AuditEvent.objects.get(action="accounts.alert_channel_changed")
    assert (event.actor, event.object_id) == (director, str(dr_reyes.pk))


def test_only_the_director_sets_a_colleagues_channel(signed_in, prescriber, dr_reyes):
    response = signed_in(prescriber).post(reverse("alerts:staff_channel", args=[dr_reyes.pk]),
                                          {"alert_channel": "sms", "mobile_phone": "555 014 2000"})

    assert response.status_code == 403
    dr_reyes.refresh_from_db()
    assert dr_reyes.alert_channel == AlertChannel.EMAIL


def test_another_organisations_staff_member_is_not_found(signed_in, director):
    stranger = StaffUserFactory(username="stranger", role=Role.PRESCRIBER)

    response = signed_in(director).post(reverse("alerts:staff_channel", args=[stranger.pk]),
                                        {"alert_channel": "sms", "mobile_phone": "555 014 2000"})

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.alert_channel == AlertChannel.EMAIL


def test_front_desk_has_no_alert_channel_page(signed_in, front_desk):
    assert signed_in(front_desk).get(reverse("alerts:channel")).status_code == 403


def test_the_action_refuses_a_colleague_who_is_not_the_director(prescriber, dr_reyes):
    with pytest.raises(staff_actions.DirectorOnly):
        staff_actions.change_alert_channel(member=dr_reyes, actor=prescriber, now=NOW, alert_channel="email",
                                           mobile_phone="")


def test_the_action_refuses_text_messages_without_a_number(prescriber):
    with pytest.raises(staff_actions.MobilePhoneRequired) as refused:
        staff_actions.change_alert_channel(member=prescriber, actor=prescriber, now=NOW, alert_channel="sms",
                                           mobile_phone="  ")

    assert (refused.value.code, refused.value.field) == ("MOBILE_PHONE_REQUIRED", "mobile_phone")
    prescriber.refresh_from_db()
    assert prescriber.alert_channel == AlertChannel.EMAIL
