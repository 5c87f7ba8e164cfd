from django.urls import path

from clinic.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("new/", views.site_create, name="create"),
    path("<int:site_id>/", views.site_detail, name="detail"),
    path("<int:site_id>/edit/", views.site_edit, name="edit"),
    path("<int:site_id>/opening-hours/", views.opening_hours, name="opening_hours"),
    path("<int:site_id>/closed-dates/", views.closed_date_add, name="closed_date_add"),
    path("closed-dates/<int:closure_id>/remove/", views.closed_date_remove, name="closed_date_remove"),
    path("<int:site_id>/chairs/", views.chair_add, name="chair_add"),
    path("chairs/<int:chair_id>/rename/", views.chair_rename, name="chair_rename"),
    path("chairs/<int:chair_id>/deactivate/", views.chair_deactivate, name="chair_deactivate"),
    path("chairs/<int:chair_id>/reactivate/", views.chair_reactivate, name="chair_reactivate"),
]
