"""A clinic protocol version is never changed or removed once written: screening runs, decisions,
consents and courses name the version they used."""

from django.db import migrations

from clinic.audit.written_once import written_once


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_initial"), ("audit", "0002_append_only_triggers")]

    operations = [written_once(prefix="protocols", tables=("protocols_clinicprotocol",),
                               records="clinic protocol versions")]
