"""The patient's own pages under /p/ (design §3), and the staff action that sends a patient their link."""

from django.urls import path

from clinic.questionnaires import patient_views

app_name = "patient"
urlpatterns = [
    path("", patient_views.home, name="home"),
    path("answer/<str:instrument>/", patient_views.answer, name="answer"),
    path("crisis/<int:response_id>/", patient_views.crisis, name="crisis"),
    path("done/", patient_views.done, name="done"),
    path("sign-out/", patient_views.sign_out, name="sign_out"),
    path("staff/<int:patient_id>/send-link/", patient_views.send_link, name="send_link"),
    path("<slug:token>/", patient_views.link, name="link"),
    path("<slug:token>/new-link/", patient_views.new_link, name="new_link"),
]
