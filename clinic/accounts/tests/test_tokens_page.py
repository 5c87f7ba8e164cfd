from django.urls import reverse

from clinic.accounts.models import ApiToken
from clinic.accounts.tokens import issue_token, revoke_token, user_for_token
from clinic.audit.models import AuditEvent


def test_new_token_is_shown_once_and_works(signed_in, front_desk, now):
    client = signed_in(front_desk)

    created = client.post(reverse("accounts:tokens"), {"name": "Reporting sheet"})
    listed = client.get(reverse("accounts:tokens"))

    raw_token = created.context["new_token"]
    assert raw_token.startswith("ck_")
    assert raw_token in created.content.decode()
    assert raw_token not in listed.content.decode()
    assert "no-store" in created.headers["Cache-Control"]
    assert user_for_token(raw_token=raw_token, now=now) == front_desk
    assert [t.name for t in listed.context["tokens"]] == ["Reporting sheet"]


def test_token_list_shows_name_prefix_use_and_revocation(signed_in, nurse, now):
    live, _ = issue_token(user=nurse, name="Live one", now=now)
    old, _ = issue_token(user=nurse, name="Old one", now=now)
    revoke_token(token=old, actor=nurse, now=now)

    response = signed_in(nurse).get(reverse("accounts:tokens"))

    assert [t.name for t in response.context["tokens"]] == ["Live one", "Old one"]
    page = response.content.decode()
    assert f"{live.prefix}…" in page
    assert "Revoked 24 Nov 2026" in page


def test_token_name_is_required(signed_in, nurse):
    response = signed_in(nurse).post(reverse("accounts:tokens"), {"name": ""})

    assert response.context["form"].errors["name"] == ["This field is required."]
    assert response.context["new_token"] is None


def test_revoked_token_stops_working(signed_in, nurse, now):
    token, raw_token = issue_token(user=nurse, name="script", now=now)

    response = signed_in(nurse).post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)

    assert user_for_token(raw_token=raw_token, now=now) is None
    assert "is revoked; it no longer works" in response.content.decode()
    assert AuditEvent.objects.get(action="accounts.api_token_revoked").actor == nurse


def test_someone_elses_token_answers_404(signed_in, nurse, prescriber, now):
    token, _ = issue_token(user=prescriber, name="theirs", now=now)

    response = signed_in(nurse).post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_list_query_count_is_flat(signed_in, nurse, now, django_assert_max_num_queries):
    client = signed_in(nurse)
    for n in range(2):
        issue_token(user=nurse, name=f"t{n}", now=now)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("accounts:tokens"))
    for n in range(20):
        issue_token(user=nurse, name=f"more{n}", now=now)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("accounts:tokens"))

    assert len(response.context["tokens"]) == 22
