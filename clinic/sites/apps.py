from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "clinic.sites"
    label = "sites"
