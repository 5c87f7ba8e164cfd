from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_username_unique_ignoring_case"),
    ]

    operations = [
        # 0 keeps Django's own session hash, so nobody is signed out by this migration.
        migrations.AddField(
            model_name="staffuser",
            name="session_epoch",
            field=models.PositiveIntegerField(
                default=0, help_text="Raised to end every session of this user at once: a session signed "
                                     "in under an earlier value is refused at its next request."),
        ),
    ]
