"""Load the demo clinic (design §4.1). Only in demo mode; running it twice adds nothing twice."""

import os
import secrets
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clinic.demo import patient_link, seed
from clinic.rules.typed_values import day_text


class Command(BaseCommand):
    help = "Create the demo organisation, sites, chairs, staff, referring clinicians and synthetic patients."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo only runs in demo mode (DEMO_MODE=true); "
                               "it must never add made-up patients to a real clinic.")
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        started = time.monotonic()
        summary = seed.seed(now=timezone.now(), password=password)
        seconds = time.monotonic() - started
        loaded = (f"{summary.patients_added} patients added in {seconds:.1f} s" if summary.patients_added
                  else "already loaded")
        self.stdout.write(f"Demo clinic: {summary.organisation_name} — {summary.patient_count} patients, "
                          f"{summary.referring_clinician_count} referring clinicians ({loaded})")
        self.stdout.write("Demo logins (password for all: " + password + "):")
        for username, role in summary.logins:
            self.stdout.write(f"  {username:<12} {role}")
        demo = patient_link.issue_demo_link(organisation_name=summary.organisation_name, now=timezone.now())
        if demo is not None:
            port = os.environ.get("PORT") or "8000"
            patient = demo.patient
            self.stdout.write(f"Patient sign-in link ({patient.display_name}, born {day_text(patient.birth_date)}): "
                              f"http://127.0.0.1:{port}/p/{demo.token}/")
