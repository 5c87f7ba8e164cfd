"""Store every username in its canonical form (case folded, compatibility forms folded, invisible
characters removed), after first refusing, with the accounts named, if two would become one."""

import unicodedata

from django.core.management.base import CommandError
from django.db import migrations

TURKISH_I = str.maketrans({"\u0130": "I", "\u0131": "i"})


# A copy of clinic.accounts.models.canonical_username as it was when this migration was written, so
# that a later change there cannot change what this migration did.
def canonical(typed):
    text = unicodedata.normalize("NFKC", typed).translate(TURKISH_I)
    text = unicodedata.normalize("NFKC", text.casefold())
    return "".join(char for char in text if unicodedata.category(char) != "Cf").strip()


def clashes(rows):
    """Groups of (id, username) that share one canonical username, each sorted by id."""
    groups = {}
    for pk, username in rows:
        groups.setdefault(canonical(username), []).append((pk, username))
    return {name: sorted(group) for name, group in sorted(groups.items()) if len(group) > 1}


def clash_report(found):
    lines = [f"  {' and '.join(f'{username!r} (id {pk})' for pk, username in group)} are all {name!r}"
             for name, group in found.items()]
    return ("Usernames are now unique whatever their capitals and look-alike forms, but these accounts "
            "would become one:\n" + "\n".join(lines) + "\nNothing was changed. Rename all but one account "
            "of each line, for example\n  .venv/bin/python manage.py shell -c \"from clinic.accounts.models "
            "import StaffUser; StaffUser.objects.filter(pk=ID).update(username='NEW.NAME')\"\n"
            "then run migrate again.")


def store_canonical_usernames(apps, schema_editor):
    StaffUser = apps.get_model("accounts", "StaffUser")
    rows = list(StaffUser.objects.values_list("pk", "username"))
    found = clashes(rows)
    if found:
        # A CommandError ends `migrate` with this message alone, instead of a constraint's traceback.
        raise CommandError(clash_report(found))
    for pk, username in rows:
        if canonical(username) != username:
            StaffUser.objects.filter(pk=pk).update(username=canonical(username))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        # The earlier spelling is not kept; stepping back leaves usernames canonical, which signs in alike.
        migrations.RunPython(store_canonical_usernames, migrations.RunPython.noop),
    ]
