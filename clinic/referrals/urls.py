from django.urls import path

from clinic.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.add, name="add"),
    path("<int:referral_id>/", views.detail, name="detail"),
    path("<int:referral_id>/status/", views.change_status, name="change_status"),
    path("<int:referral_id>/letter/", views.letter, name="letter"),
    path("<int:referral_id>/register/", views.register, name="register"),
]
