from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "clinic.referrals"
    verbose_name = "Referrals"
