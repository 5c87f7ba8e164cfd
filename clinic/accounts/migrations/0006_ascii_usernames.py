"""Usernames are letters a to z, digits and @ . + - _ only, checked by the database too, so that the
uniqueness of lower(username) is exact on SQLite as on PostgreSQL. An account whose username is not
ASCII is named, with what to do, and nothing is changed: its owner types that name to sign in, so
it is not renamed behind their back."""

import django.db.models.functions.text
import django.db.models.lookups
from django.core.management.base import CommandError
from django.db import migrations, models

import clinic.accounts.models


def non_ascii(rows):
    """(id, username) of the usernames that are not ASCII, by id."""
    return sorted((pk, username) for pk, username in rows if not username.isascii())


def refusal(found):
    lines = [f"  {username!r} (id {pk})" for pk, username in found]
    return ("Usernames are now letters a to z, digits and @ . + - _ only, and these accounts have "
            "others:\n" + "\n".join(lines) + "\nNothing was changed. Give each a new username, tell "
            "its owner, for example\n  .venv/bin/python manage.py shell -c \"from clinic.accounts."
            "models import StaffUser; StaffUser.objects.filter(pk=ID).update(username='new.name')\"\n"
            "then run migrate again.")


def refuse_non_ascii_usernames(apps, schema_editor):
    StaffUser = apps.get_model("accounts", "StaffUser")
    found = non_ascii(StaffUser.objects.values_list("pk", "username"))
    if found:
        # A CommandError ends `migrate` with this message alone, instead of a constraint's traceback.
        raise CommandError(refusal(found))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_anonymous_request_tally"),
    ]

    operations = [
        migrations.RunPython(refuse_non_ascii_usernames, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="staffuser",
            name="username",
            field=models.CharField(
                error_messages={"unique": "A user with that username already exists."},
                help_text="What they type to sign in: letters a to z, digits and @ . + - _ only. "
                          "Capitals do not matter: Dana and dana are the same username.",
                max_length=150, unique=True, validators=[clinic.accounts.models.UsernameValidator()],
                verbose_name="username"),
        ),
        migrations.AddConstraint(
            model_name="staffuser",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.Exact(clinic.accounts.models.OctetLength("username"),
                                                         django.db.models.functions.text.Length("username")),
                name="accounts_username_ascii"),
        ),
    ]
