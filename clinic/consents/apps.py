from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "clinic.consents"
    label = "consents"
