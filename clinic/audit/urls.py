from django.urls import path

from clinic.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("patients/<int:patient_id>/", views.patient_trail, name="patient"),
]
