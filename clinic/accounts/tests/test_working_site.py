"""The site a user works at: chosen in the header among their own sites, first by name otherwise."""

import pytest
from django.urls import reverse

from clinic.accounts.middleware import WORKING_SITE_KEY
from clinic.accounts.tests.factories import StaffUserFactory
from clinic.sites.tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_site_nurse(main_site, other_site):
    return StaffUserFactory(username="float", role="nurse", organisation=main_site.organisation,
                            sites=[other_site, main_site])


def test_without_a_choice_the_user_works_at_their_first_site_by_name(signed_in, two_site_nurse):
    response = signed_in(two_site_nurse).get(reverse("patients:list"))

    assert response.context["working_site"].name == "Main"
    assert [site.name for site in response.context["user_sites"]] == ["Main", "North"]


def test_choosing_a_site_keeps_it_for_the_session_and_returns_to_the_page(signed_in, two_site_nurse, other_site):
    client = signed_in(two_site_nurse)

    response = client.post(reverse("accounts:working_site"), {"site": other_site.pk, "next": "/patients/?q=ab"})
    page = client.get(reverse("patients:list"))

    assert (response.status_code, response.headers["Location"]) == (302, "/patients/?q=ab")
    assert client.session[WORKING_SITE_KEY] == other_site.pk
    assert page.context["working_site"].name == "North"


def test_a_site_the_user_does_not_work_at_is_refused_and_nothing_changes(signed_in, two_site_nurse):
    stranger_site = SiteFactory(organisation=OrganisationFactory(), name="Elsewhere", time_zone="Asia/Tokyo")
    client = signed_in(two_site_nurse)

    response = client.post(reverse("accounts:working_site"), {"site": stranger_site.pk, "next": "https://evil.example/"},
                           follow=True)

    assert WORKING_SITE_KEY not in client.session
    assert response.redirect_chain == [("/patients/", 302)]
    assert [str(message) for message in response.context["messages"]] == ["Choose one of the sites you work at."]
    assert response.context["working_site"].name == "Main"


def test_a_user_of_one_site_sees_its_name_and_no_chooser(signed_in, nurse):
    page = signed_in(nurse).get(reverse("patients:list")).content.decode()

    assert "Working at Main" in page
    assert 'id="working-site"' not in page
