"""POST /api/v1/patients/{id}/questionnaire-responses scores with the scale's settings in the site's protocol,
as the web's entry does (both through clinic.questionnaires.actions.submit_response)."""

import pytest

from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires.tests.test_protocol_scoring import DAST10_THREE, raise_dast10_level, submit


@pytest.mark.django_db
def test_the_api_scores_as_the_web_does(api_client, nurse, director, main_site, now, clock):
    clock(now)
    through_action = PatientFactory(site=main_site)
    through_api = PatientFactory(site=main_site)
    raise_dast10_level(director, main_site, now)

    from_action = submit(through_action, nurse, now)
    response = api_client(nurse).post(f"/api/v1/patients/{through_api.pk}/questionnaire-responses",
                                      {"instrument": "dast10", "answers": DAST10_THREE},
                                      content_type="application/json")

    body = response.json()
    assert response.status_code == 201, response.content
    assert (body["total"], body["alerts"]) == (3, [])
    assert (from_action.total, from_action.alerts) == (3, [])
