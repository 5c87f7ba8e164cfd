from django.urls import path

from clinic.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.register, name="register"),
    path("referrers/", views.referrer_list, name="referrers"),
    path("referrers/new/", views.referrer_edit, name="referrer_add"),
    path("referrers/<int:referrer_id>/", views.referrer_edit, name="referrer_edit"),
    path("<int:patient_id>/", views.chart, name="chart"),
    path("<int:patient_id>/edit/", views.edit, name="edit"),
    path("<int:patient_id>/intake/", views.intake, name="intake"),
    path("<int:patient_id>/intake/safety/", views.safety_history, name="safety_history"),
    path("<int:patient_id>/intake/<slug:kind>/new/", views.intake_item, name="intake_add"),
    path("<int:patient_id>/intake/<slug:kind>/<int:item_id>/", views.intake_item, name="intake_edit"),
    path("<int:patient_id>/intake/<slug:kind>/<int:item_id>/remove/", views.intake_item_remove,
         name="intake_remove"),
    path("<int:patient_id>/intake/allergy/none-known/", views.record_nkda, name="record_nkda"),
    path("<int:patient_id>/documents/new/", views.document_upload, name="document_upload"),
    path("<int:patient_id>/documents/<int:document_id>/", views.document_download, name="document"),
    path("<int:patient_id>/history/", views.history, name="history"),
]
