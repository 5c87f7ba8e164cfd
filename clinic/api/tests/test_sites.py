"""GET /api/v1/sites: the caller's own sites with their chairs."""

import pytest

from clinic.sites.tests.factories import ChairFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_lists_the_callers_sites_with_their_chairs_and_no_other_site(api_client, nurse, main_site, other_site):
    recliner = ChairFactory(site=main_site, name="Recliner 1")
    retired = ChairFactory(site=main_site, name="Recliner 2", active=False)
    ChairFactory(site=other_site, name="North 1")

    response = api_client(nurse).get("/api/v1/sites")

    assert response.status_code == 200
    assert response.json() == [{
        "id": str(main_site.pk), "name": "Main", "time_zone": "America/New_York",
        "chairs": [{"id": str(recliner.pk), "name": "Recliner 1", "active": True},
                   {"id": str(retired.pk), "name": "Recliner 2", "active": False}],
    }]


def test_lists_every_site_a_nurse_works_at_by_name(api_client, nurse, main_site, organisation):
    annex = SiteFactory(organisation=organisation, name="Annex", time_zone="America/Chicago")
    nurse.sites.add(annex)

    response = api_client(nurse).get("/api/v1/sites")

    assert [(site["name"], site["time_zone"]) for site in response.json()] == [
        ("Annex", "America/Chicago"), ("Main", "America/New_York")]
