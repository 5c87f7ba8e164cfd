"""Database triggers that refuse UPDATE and DELETE on a course's signed phase changes, on SQLite and
PostgreSQL: a signed decision reads as it did."""

from django.db import migrations

from clinic.audit.written_once import written_once


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_treatment_courses"), ("audit", "0002_append_only_triggers")]

    operations = [written_once(prefix="courses", records="signed phase changes",
                               tables=("courses_coursephasechange",))]
