"""The patient's Screening tab, mounted under the patient: /patients/<id>/screening/."""

from django.urls import path

from clinic.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.tab, name="tab"),
    path("runs/<int:number>/", views.run_detail, name="run"),
    path("screen/", views.screen_again, name="screen"),
    path("decision/", views.sign, name="sign"),
    path("decisions/<int:decision_id>/addenda/", views.addendum, name="addendum"),
]
