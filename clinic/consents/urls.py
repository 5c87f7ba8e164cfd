"""The patient's Consent tab, mounted under the patient: /patients/<id>/consent/."""

from django.urls import path

from clinic.consents import views

app_name = "consents"
urlpatterns = [
    path("", views.tab, name="tab"),
    path("sign/", views.sign, name="sign"),
    path("paper/", views.paper, name="paper"),
    path("<int:consent_id>/", views.detail, name="detail"),
    path("<int:consent_id>/withdraw/", views.withdraw, name="withdraw"),
]
