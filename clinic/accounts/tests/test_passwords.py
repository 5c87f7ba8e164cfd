import re

from django.core import mail
from django.urls import reverse

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit.models import AuditEvent

NEW_PASSWORD = "violet kettle orchard 42"


def _link_in(message) -> str:
    return re.search(r"https?://testserver(/password-reset/\S+/)", message.body).group(1)


def _choose_password(client, link):
    form_page = client.get(link, follow=True)
    return client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_reset_link_is_emailed_to_active_staff(client, nurse):
    response = client.post(reverse("accounts:password_reset"), {"email": "NURSE@clinic.test"})

    assert response.url == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["nurse@clinic.test"]
    assert "works once, for 3 days" in message.body
    event = AuditEvent.objects.get(action="accounts.password_reset_requested")
    assert (event.object_id, event.data["matched"]) == (str(nurse.pk), True)


def test_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "stranger@example.com"},
                           follow=True)

    assert "If the address belongs to an active staff account" in response.content.decode()
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="accounts.password_reset_requested")
    assert event.data == {"email": "stranger@example.com", "matched": False}


def test_deactivated_staff_get_no_link(client, main_site):
    StaffUserFactory(username="gone", email="gone@clinic.test", is_active=False,
                     organisation=main_site.organisation)

    client.post(reverse("accounts:password_reset"), {"email": "gone@clinic.test"})

    assert mail.outbox == []


def test_new_password_from_the_link_works_and_the_link_is_spent(client, nurse):
    client.post(reverse("accounts:password_reset"), {"email": nurse.email})
    link = _link_in(mail.outbox[0])

    done = _choose_password(client, link)
    again = client.get(link, follow=True)

    assert done.url == reverse("accounts:password_reset_complete")
    nurse.refresh_from_db()
    assert nurse.check_password(NEW_PASSWORD)
    assert "already been used or has expired" in again.content.decode()
    event = AuditEvent.objects.get(action="accounts.password_reset_completed")
    assert (event.actor, event.data) == (nurse, {"first_password": False})


def test_mismatched_passwords_keep_the_form_and_say_what_to_fix(client, nurse):
    client.post(reverse("accounts:password_reset"), {"email": nurse.email})
    form_page = client.get(_link_in(mail.outbox[0]), follow=True)

    response = client.post(form_page.redirect_chain[-1][0],
                           {"new_password1": NEW_PASSWORD, "new_password2": "something else"})

    assert "The two password fields didn’t match." in response.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.password_reset_completed").exists()


def test_reset_page_links_from_the_sign_in_page(client, db):
    response = client.get(reverse("accounts:login"))

    assert reverse("accounts:password_reset") in response.content.decode()
