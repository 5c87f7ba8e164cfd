"""Mounts each app's URLs, the REST API and the health check."""

from django.urls import include, path

from clinic.web import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("clinic.accounts.urls")),
    path("patients/", include("clinic.patients.urls")),
    path("patients/<int:patient_id>/questionnaires/", include("clinic.questionnaires.urls")),
    path("patients/<int:patient_id>/screening/", include("clinic.screening.urls")),
    path("patients/<int:patient_id>/letters/", include("clinic.letters.urls")),
    path("patients/<int:patient_id>/consent/", include("clinic.consents.urls")),
    path("patients/<int:patient_id>/course/", include("clinic.courses.urls")),
    path("referrals/", include("clinic.referrals.urls")),
    path("audit/", include("clinic.audit.urls")),
    path("sites/", include("clinic.sites.urls")),
    path("protocol/", include("clinic.protocols.urls")),
    path("alerts/", include("clinic.questionnaires.inbox_urls")),
    path("p/consent/", include("clinic.consents.patient_urls")),
    path("p/", include("clinic.questionnaires.patient_urls")),
    path("tablet/", include("clinic.questionnaires.tablet_urls")),
    path("api/v1/", include("clinic.api.v1.urls")),
]

handler400 = "clinic.web.errors.bad_request"
handler403 = "clinic.web.errors.permission_denied"
