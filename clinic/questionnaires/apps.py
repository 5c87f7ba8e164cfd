from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "clinic.questionnaires"
    label = "questionnaires"
