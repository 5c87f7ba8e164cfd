"""The patient's Questionnaires tab, mounted under the patient: /patients/<id>/questionnaires/."""

from django.urls import path

from clinic.questionnaires import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.tab, name="tab"),
    path("request/", views.request_questionnaires, name="request"),
    path("requests/<int:request_id>/withdraw/", views.withdraw, name="withdraw"),
    path("enter/<slug:instrument>/", views.entry, name="entry"),
    path("risk-assessments/new/", views.risk_assessment, name="risk_assessment"),
]
