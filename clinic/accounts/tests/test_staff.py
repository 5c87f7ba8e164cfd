import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import actions
from clinic.accounts.models import Role, StaffUser
from clinic.accounts.tests.factories import PASSWORD, AuthenticatorFactory, StaffUserFactory
from clinic.accounts.tokens import issue_token, user_for_token
from clinic.audit.models import AuditEvent
from clinic.sites.tests.factories import SiteFactory

INVITE = {"username": "ray", "first_name": "Ray", "last_name": "Okonkwo", "email": "ray@clinic.test",
          "role": Role.NURSE, "credentials": "RN"}


def _details(member, **changes):
    values = {name: getattr(member, name) for name in actions.STAFF_FIELDS}
    values["sites"] = [site.pk for site in member.sites.all()]
    return {**values, **changes}


def test_staff_list_shows_role_sites_state_and_second_factor(signed_in, director, nurse, other_site):
    AuthenticatorFactory(user=nurse)
    nurse.sites.add(other_site)
    StaffUserFactory(username="elsewhere")  # another organisation

    response = signed_in(director).get(reverse("accounts:staff_list"))

    rows = {m.username: m for m in response.context["staff"]}
    assert set(rows) == {"director", "nurse"}
    assert [s.name for s in rows["nurse"].sites.all()] == ["Main", "North"]
    assert (rows["nurse"].has_authenticator, rows["director"].has_authenticator) == (True, False)
    assert "Nurse" in response.content.decode()


def test_staff_list_query_count_is_flat(signed_in, director, main_site, django_assert_max_num_queries):
    client = signed_in(director)
    StaffUserFactory.create_batch(3, organisation=main_site.organisation, sites=[main_site])
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("accounts:staff_list"))
    StaffUserFactory.create_batch(30, organisation=main_site.organisation, sites=[main_site])

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("accounts:staff_list"))

    assert len(response.context["staff"]) == 34


def test_invite_creates_the_account_without_a_password_and_emails_a_link(signed_in, director, main_site):
    response = signed_in(director).post(reverse("accounts:staff_invite"),
                                        {**INVITE, "sites": [main_site.pk]})

    member = StaffUser.objects.get(username="ray")
    assert response.url == reverse("accounts:staff_edit", args=[member.pk])
    assert (member.role, member.organisation_id, member.has_usable_password()) == (
        Role.NURSE, director.organisation_id, False)
    assert list(member.sites.all()) == [main_site]
    [message] = mail.outbox
    assert message.to == ["ray@clinic.test"]
    assert "Your username is: ray" in message.body
    event = AuditEvent.objects.get(action="accounts.staff_invited")
    assert (event.actor, event.data) == (director, {"username": "ray", "role": "nurse",
                                                    "site_ids": [main_site.pk]})


def test_invited_colleague_chooses_a_password_from_the_link(signed_in, director, client, main_site):
    signed_in(director).post(reverse("accounts:staff_invite"), {**INVITE, "sites": [main_site.pk]})
    client.logout()
    link = re.search(r"https?://testserver(\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0],
                {"new_password1": "orchard violet kettle", "new_password2": "orchard violet kettle"})

    assert StaffUser.objects.get(username="ray").check_password("orchard violet kettle")
    event = AuditEvent.objects.get(action="accounts.password_reset_completed")
    assert event.data == {"first_password": True}


def test_invite_keeps_what_was_typed_and_names_the_taken_username(signed_in, director, nurse, main_site):
    response = signed_in(director).post(reverse("accounts:staff_invite"),
                                        {**INVITE, "username": "Nurse", "sites": [main_site.pk]})

    assert response.context["form"].errors["username"] == [
        "The username 'nurse' is taken (capitals and look-alike letters count as the same name). "
        "Choose another, for example with an initial or a number added."]
    assert response.context["form"]["username"].value() == "Nurse"
    assert response.context["form"]["email"].value() == "ray@clinic.test"
    assert mail.outbox == []


def test_invite_offers_only_the_directors_own_sites(signed_in, director, main_site):
    foreign = SiteFactory(name="Faraway")

    response = signed_in(director).post(reverse("accounts:staff_invite"), {**INVITE, "sites": [foreign.pk]})

    assert "sites" in response.context["form"].errors
    assert not StaffUser.objects.filter(username="ray").exists()


def test_invite_form_starts_on_the_least_privileged_role(signed_in, director):
    page = signed_in(director).get(reverse("accounts:staff_invite")).content.decode()

    options = re.findall(r'<option value="(\w+)"( selected)?>', page[page.index('name="role"'):])
    assert [value for value, _ in options[:4]] == ["front_desk", "nurse", "prescriber", "director"]
    assert [value for value, selected in options[:4] if selected] == ["front_desk"]


def test_action_refuses_a_site_of_another_organisation(director, now):
    foreign = SiteFactory(name="Faraway")

    with pytest.raises(actions.SiteOutsideOrganisation):
        actions.invite_staff(actor=director, now=now, sites=[foreign], **INVITE)


def test_change_records_the_names_of_the_changed_fields(signed_in, director, nurse, other_site):
    response = signed_in(director).post(
        reverse("accounts:staff_edit", args=[nurse.pk]),
        _details(nurse, role=Role.PRESCRIBER, credentials="NP", sites=[other_site.pk]), follow=True)

    nurse.refresh_from_db()
    assert (nurse.role, nurse.credentials, list(nurse.sites.all())) == ("prescriber", "NP", [other_site])
    event = AuditEvent.objects.get(action="accounts.staff_changed")
    assert event.changed_fields == ["credentials", "role", "site_ids"]
    assert event.data["after"]["role"] == "prescriber"
    assert "Saved: role, credentials, sites." in response.content.decode()


def test_saving_unchanged_details_writes_no_event(signed_in, director, nurse):
    signed_in(director).post(reverse("accounts:staff_edit", args=[nurse.pk]), _details(nurse))

    assert not AuditEvent.objects.filter(action="accounts.staff_changed").exists()


def test_staff_of_another_organisation_answer_404(signed_in, director):
    stranger = StaffUserFactory(username="stranger")

    response = signed_in(director).get(reverse("accounts:staff_edit", args=[stranger.pk]))

    assert response.status_code == 404


def test_deactivated_colleague_cannot_sign_in_and_their_token_stops(signed_in, director, nurse, client, now):
    _, raw_token = issue_token(user=nurse, name="script", now=now)

    signed_in(director).post(reverse("accounts:staff_deactivate", args=[nurse.pk]))
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "nurse", "password": PASSWORD})

    nurse.refresh_from_db()
    assert nurse.is_active is False
    assert "That username and password do not match" in response.content.decode()
    assert user_for_token(raw_token=raw_token, now=now) is None
    assert AuditEvent.objects.get(action="accounts.staff_deactivated").object_id == str(nurse.pk)


def test_deactivation_ends_the_colleagues_current_login(signed_in, director, nurse, client, now):
    nurse_client = signed_in(nurse)
    actions.deactivate_staff(member=nurse, actor=director, now=now)

    response = nurse_client.get(reverse("accounts:tokens"))

    assert response.url.startswith(reverse("accounts:login"))


def test_reactivated_colleague_can_sign_in_again(signed_in, director, nurse, client, now):
    actions.deactivate_staff(member=nurse, actor=director, now=now)
    AuthenticatorFactory(user=nurse)

    signed_in(director).post(reverse("accounts:staff_reactivate", args=[nurse.pk]))
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "nurse", "password": PASSWORD})

    assert response.url == reverse("accounts:verify")
    assert AuditEvent.objects.filter(action="accounts.staff_reactivated").count() == 1


def test_director_cannot_deactivate_themselves(signed_in, director):
    response = signed_in(director).post(reverse("accounts:staff_deactivate", args=[director.pk]),
                                        follow=True)

    director.refresh_from_db()
    assert director.is_active
    assert "You cannot deactivate your own account" in response.content.decode()


def test_the_last_director_cannot_lose_the_role(director, main_site, now):
    other = StaffUserFactory(username="second", role=Role.DIRECTOR, organisation=main_site.organisation)
    actions.deactivate_staff(member=other, actor=director, now=now)

    with pytest.raises(actions.LastDirector) as refusal:
        actions.change_staff(member=director, actor=director, now=now,
                             **_details(director, role=Role.NURSE, sites=[main_site]))

    assert refusal.value.code == "LAST_DIRECTOR"
    director.refresh_from_db()
    assert director.role == Role.DIRECTOR


def test_a_director_may_step_down_when_another_remains(director, main_site, now):
    StaffUserFactory(username="second", role=Role.DIRECTOR, organisation=main_site.organisation)

    changed = actions.change_staff(member=director, actor=director, now=now,
                                   **_details(director, role=Role.PRESCRIBER, sites=[main_site]))

    assert changed == ["role"]


def test_the_last_director_cannot_be_deactivated_whoever_asks(director, nurse, now):
    with pytest.raises(actions.LastDirector):
        actions.deactivate_staff(member=director, actor=nurse, now=now)

    director.refresh_from_db()
    assert director.is_active


def test_reset_second_factor_removes_the_colleagues_devices(signed_in, director, nurse, now):
    AuthenticatorFactory(user=nurse)
    actions.regenerate_recovery_codes(user=nurse, now=now)

    response = signed_in(director).post(reverse("accounts:staff_reset_second_factor", args=[nurse.pk]),
                                        follow=True)

    assert not TOTPDevice.objects.filter(user=nurse).exists()
    assert not StaticDevice.objects.filter(user=nurse).exists()
    assert "They set up a new one when they next sign in" in response.content.decode()
    event = AuditEvent.objects.get(action="accounts.second_factor_reset")
    assert (event.actor, event.data) == (director, {"authenticators": 1, "recovery_codes": 10})


def test_after_a_reset_the_colleague_sets_up_a_new_authenticator(director, nurse, client, now):
    AuthenticatorFactory(user=nurse)
    actions.reset_second_factor(member=nurse, actor=director, now=now)

    response = client.post(reverse("accounts:login"), {"username": "nurse", "password": PASSWORD})

    assert response.url == reverse("accounts:enrol")


def test_send_password_link_emails_the_colleague(signed_in, director, nurse):
    signed_in(director).post(reverse("accounts:staff_send_password_link", args=[nurse.pk]))

    assert [m.to for m in mail.outbox] == [["nurse@clinic.test"]]
    assert AuditEvent.objects.get(action="accounts.password_link_sent").actor == director


def test_invite_racing_a_colleague_for_the_same_username_gets_the_refusal_not_a_crash(director, main_site, now,
                                                                                  monkeypatch):
    StaffUserFactory(username="jlee", organisation=director.organisation, sites=[main_site])
    # The colleague's account lands between the name check and the insert.
    monkeypatch.setattr(actions.StaffUser.objects, "filter", lambda **kwargs: StaffUser.objects.none())

    with pytest.raises(actions.UsernameTaken):
        actions.invite_staff(actor=director, now=now, username="jlee", first_name="Jo", last_name="Lee",
                             email="jo@clinic.test", role=Role.NURSE, credentials="RN", sites=[main_site])

    monkeypatch.undo()
    assert StaffUser.objects.filter(username="jlee").count() == 1
