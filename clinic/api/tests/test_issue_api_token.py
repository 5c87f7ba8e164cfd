"""manage.py issue_api_token (design §4.1): the token alone on the last line, and it works."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from clinic.accounts.models import ApiToken
from clinic.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def issue(*args: str) -> list[str]:
    out = StringIO()
    call_command("issue_api_token", *args, stdout=out)
    return out.getvalue().splitlines()


def test_prints_a_working_token_alone_on_the_last_line(nurse, main_site):
    lines = issue("nurse", "--name", "lab interface")

    raw_token = lines[-1]
    response = Client(headers={"Authorization": f"Bearer {raw_token}"}).get("/api/v1/sites")
    assert response.status_code == 200
    token = ApiToken.objects.get(user=nurse)
    assert (token.name, raw_token.startswith(token.prefix)) == ("lab interface", True)
    assert raw_token not in " ".join(lines[:-1])
    assert AuditEvent.objects.filter(action="accounts.api_token_issued", actor=nurse).count() == 1


def test_names_the_token_api_token_by_default(nurse):
    issue("nurse")

    assert ApiToken.objects.get(user=nurse).name == "API token"


def test_refuses_an_unknown_username_clearly(nurse):
    with pytest.raises(CommandError, match="no staff member with the username 'nobody'"):
        issue("nobody")

    assert not ApiToken.objects.exists()


def test_refuses_a_deactivated_staff_member(nurse):
    nurse.is_active = False
    nurse.save(update_fields=["is_active"])

    with pytest.raises(CommandError, match="deactivated"):
        issue("nurse")

    assert not ApiToken.objects.exists()
