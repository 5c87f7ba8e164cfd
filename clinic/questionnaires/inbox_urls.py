"""The alert inbox, mounted at /alerts/ (namespace "alerts")."""

from django.urls import path

from clinic.questionnaires import inbox_views

app_name = "alerts"
urlpatterns = [
    path("", inbox_views.inbox, name="inbox"),
    # The patient's id in the path: a refused or missing alert is audited against the patient asked for.
    path("patients/<int:patient_id>/<int:alert_id>/acknowledge/", inbox_views.acknowledge, name="acknowledge"),
    path("sites/<int:site_id>/settings/", inbox_views.site_settings, name="site_settings"),
    path("channel/", inbox_views.own_channel, name="channel"),
    path("channel/staff/<int:member_id>/", inbox_views.staff_channel, name="staff_channel"),
]
