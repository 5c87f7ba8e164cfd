"""The patient's Course tab, mounted under the patient: /patients/<id>/course/."""

from django.urls import path

from clinic.courses import views

app_name = "courses"
urlpatterns = [
    path("", views.tab, name="tab"),
    path("open/", views.open_course, name="open"),
    path("<int:course_id>/phase/", views.change_phase, name="change_phase"),
    path("<int:course_id>/stop-letters/", views.write_stop_letters, name="stop_letters"),
]
