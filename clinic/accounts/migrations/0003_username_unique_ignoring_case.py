import django.db.models.functions.text
from django.db import migrations, models

import clinic.accounts.models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_canonical_usernames"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="staffuser",
            managers=[
                ("objects", clinic.accounts.models.StaffUserManager()),
            ],
        ),
        migrations.AddConstraint(
            model_name="staffuser",
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower("username"),
                                               name="accounts_username_unique_ignoring_case"),
        ),
    ]
