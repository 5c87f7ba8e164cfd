"""Who may open each staff-account and site-management page (design §2)."""

import pytest
from django.urls import reverse

DIRECTOR_PAGES = [
    ("get", "accounts:staff_list", []),
    ("get", "accounts:staff_invite", []),
    ("get", "accounts:staff_edit", ["member"]),
    ("post", "accounts:staff_deactivate", ["member"]),
    ("post", "accounts:staff_reactivate", ["member"]),
    ("post", "accounts:staff_reset_second_factor", ["member"]),
    ("post", "accounts:staff_send_password_link", ["member"]),
    ("get", "sites:list", []),
    ("get", "sites:create", []),
    ("get", "sites:detail", ["site"]),
    ("get", "sites:edit", ["site"]),
    ("get", "sites:opening_hours", ["site"]),
    ("post", "sites:closed_date_add", ["site"]),
    ("post", "sites:closed_date_remove", ["closure"]),
    ("post", "sites:chair_add", ["site"]),
    ("get", "sites:chair_rename", ["chair"]),
    ("post", "sites:chair_deactivate", ["chair"]),
    ("post", "sites:chair_reactivate", ["chair"]),
]
EVERYONES_PAGES = [
    ("get", "accounts:tokens", []),
    ("post", "accounts:token_revoke", ["token"]),
    ("get", "accounts:second_factor", []),
]
NOT_DIRECTORS = ["prescriber", "nurse", "front_desk"]


@pytest.fixture
def targets(main_site, nurse, now):
    from clinic.accounts.tokens import issue_token
    from clinic.sites.models import ClosedDate
    from clinic.sites.tests.factories import ChairFactory

    token, _ = issue_token(user=nurse, name="t", now=now)
    closure = ClosedDate.objects.create(site=main_site, closed_on=now.date().replace(year=2027))
    return {"member": nurse.pk, "site": main_site.pk, "closure": closure.pk,
            "chair": ChairFactory(site=main_site).pk, "token": token.pk}


def _url(name, args, targets):
    return reverse(name, args=[targets[arg] for arg in args])


@pytest.mark.parametrize("role", NOT_DIRECTORS)
@pytest.mark.parametrize(("method", "name", "args"), DIRECTOR_PAGES)
def test_director_pages_refuse_other_roles(request, signed_in, targets, role, method, name, args):
    client = signed_in(request.getfixturevalue(role))

    response = getattr(client, method)(_url(name, args, targets))

    assert response.status_code == 403
    assert "Your role may not open this page" in response.content.decode()


@pytest.mark.parametrize(("method", "name", "args"), DIRECTOR_PAGES + EVERYONES_PAGES)
def test_pages_send_a_signed_out_visitor_to_sign_in(client, targets, method, name, args):
    url = _url(name, args, targets)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("role", ["director", *NOT_DIRECTORS])
@pytest.mark.parametrize("name", ["accounts:tokens", "accounts:second_factor"])
def test_every_role_has_its_own_token_and_second_factor_pages(request, signed_in, role, name):
    response = signed_in(request.getfixturevalue(role)).get(reverse(name))

    assert response.status_code == 200
    assert response.context["user"].role == request.getfixturevalue(role).role


@pytest.mark.parametrize("role", ["director", *NOT_DIRECTORS])
def test_nav_shows_staff_and_sites_to_the_director_only(request, signed_in, role):
    page = signed_in(request.getfixturevalue(role)).get(reverse("accounts:tokens")).content.decode()

    assert (reverse("accounts:staff_list") in page, reverse("sites:list") in page) == (
        (True, True) if role == "director" else (False, False))
    assert reverse("accounts:second_factor") in page
