"""The patient's signed consent under /p/consent/ (mounted before the patient's other pages)."""

from django.urls import path

from clinic.consents import patient_views

app_name = "patient_consent"
urlpatterns = [
    path("", patient_views.consent, name="consent"),
]
