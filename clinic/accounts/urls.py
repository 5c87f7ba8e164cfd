from django.urls import path
from django.views.generic import RedirectView

from clinic.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="patients:list"), name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("logout/", views.logout, name="logout"),
    path("account/second-factor/", views.enrol, name="enrol"),
]
