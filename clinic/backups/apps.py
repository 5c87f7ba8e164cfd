from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "clinic.backups"
    label = "backups"
