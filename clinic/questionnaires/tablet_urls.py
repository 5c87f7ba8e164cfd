"""Tablet mode under /tablet/: the patient's due questionnaires on a clinic tablet."""

from django.urls import path

from clinic.questionnaires import tablet_views

app_name = "tablet"
urlpatterns = [
    path("", tablet_views.home, name="home"),
    path("start/<int:patient_id>/", tablet_views.start, name="start"),
    path("answer/<str:instrument>/", tablet_views.answer, name="answer"),
    path("crisis/<int:response_id>/", tablet_views.crisis, name="crisis"),
    path("give-back/", tablet_views.give_back, name="give_back"),
]
