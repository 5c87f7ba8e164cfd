from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "clinic.courses"
    label = "courses"

    def ready(self) -> None:
        from clinic.consents.signals import consent_withdrawn
        from clinic.courses import receivers

        consent_withdrawn.connect(receivers.stop_courses_on_consent_withdrawal,
                                  dispatch_uid="stop courses on consent withdrawal")
