"""Database triggers that refuse UPDATE and DELETE on screening runs, eligibility decisions, their caution
decisions and addenda, on SQLite and PostgreSQL: an old run and a signed decision read as they did."""

from django.db import migrations

from clinic.audit.written_once import written_once


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_runs_and_decisions"), ("audit", "0002_append_only_triggers")]

    operations = [written_once(prefix="screening", records="screening records",
                               tables=("screening_screeningrun", "screening_eligibilitydecision", "screening_cautiondecision",
              "screening_decisionaddendum"))]
