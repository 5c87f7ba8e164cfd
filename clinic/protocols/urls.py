from django.urls import path

from clinic.protocols import views

app_name = "protocols"
urlpatterns = [
    path("<int:site_id>/", views.current, name="current"),
    path("<int:site_id>/versions/", views.history, name="history"),
    path("<int:site_id>/versions/<int:version>/", views.version, name="version"),
    path("<int:site_id>/edit/<slug:section>/", views.edit, name="edit"),
]
