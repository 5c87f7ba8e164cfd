"""Settings of the worker processes the notification test starts: the test settings, with the
database the test names in DATABASE_URL, messages written to the test's outbox file, and no
periodic jobs, so the workers run only the tasks the test enqueued."""

from config.settings_test import *  # noqa: F403

EMAIL_BACKEND = "clinic.questionnaires.tests.outbox.FileMailBackend"
SMS_BACKEND = "clinic.questionnaires.tests.outbox.FileTextBackend"
PERIODIC_TASKS: dict = {}
