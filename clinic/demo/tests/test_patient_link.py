"""`seed_demo` prints a working sign-in link for one demo patient (design §4.1): a new one each run,
which opens that patient's due questionnaires with the date of birth printed beside it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from clinic.patients.models import Patient
from clinic.questionnaires import queries

pytestmark = pytest.mark.slow
LINE = re.compile(r"^Patient sign-in link \((.+), born (\d+) (\w+) (\d{4})\): http://127\.0\.0\.1:8123/p/([\w-]+)/$",
                  re.MULTILINE)


def test_seed_demo_prints_a_fresh_working_link_for_a_patient_with_questionnaires_due(settings, monkeypatch, db):
    settings.DEMO_MODE = True
    monkeypatch.setenv("PORT", "8123")
    first, second = StringIO(), StringIO()

    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)

    [(name, day, month, year, token)] = LINE.findall(first.getvalue())
    [(_, _, _, _, token_again)] = LINE.findall(second.getvalue())
    assert token != token_again
    patient = next(row for row in Patient.objects.filter(site__code="MAIN") if row.display_name == name)
    assert f"{patient.birth_date.day} {patient.birth_date:%b %Y}" == f"{day} {month} {year}"
    assert queries.due_instruments(patient=patient) != []
    browser = Client()
    signed_in = browser.post(reverse("patient:link", args=[token_again]), {
        "month": patient.birth_date.month, "day": patient.birth_date.day, "year": patient.birth_date.year})
    assert signed_in.headers["Location"] == reverse("patient:home")
    home = browser.get(reverse("patient:home"))
    assert [item.scale.code for item in home.context["due"]] == queries.due_instruments(patient=patient)
