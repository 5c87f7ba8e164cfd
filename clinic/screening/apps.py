from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "clinic.screening"
    label = "screening"

    def ready(self) -> None:
        from clinic.patients.signals import intake_changed
        from clinic.screening import receivers

        intake_changed.connect(receivers.screen_again_on_intake_change, dispatch_uid="screen again on intake change")
