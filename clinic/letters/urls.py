from django.urls import path

from clinic.letters import views

app_name = "letters"

urlpatterns = [
    path("", views.tab, name="tab"),
    path("<int:letter_id>/print/", views.print_letter, name="print"),
    path("<int:letter_id>/send/", views.send, name="send"),
]
