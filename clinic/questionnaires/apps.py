from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "clinic.questionnaires"
    label = "questionnaires"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from clinic.questionnaires import tablet_views

        user_logged_out.connect(tablet_views.end_tablet_mode_on_sign_out,
                                dispatch_uid="end tablet mode on sign-out")
