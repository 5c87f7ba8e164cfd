from django.urls import path
from django.views.generic import RedirectView

from clinic.accounts.views import passwords, second_factor, signin, staff, tokens, working_site

app_name = "accounts"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="patients:list"), name="home"),
    path("login/", signin.StaffLoginView.as_view(), name="login"),
    path("login/verify/", signin.verify, name="verify"),
    path("logout/", signin.logout, name="logout"),
    path("account/second-factor/", second_factor.second_factor, name="second_factor"),
    path("account/second-factor/set-up/", second_factor.enrol, name="enrol"),
    path("account/working-site/", working_site.choose, name="working_site"),
    path("account/api-tokens/", tokens.tokens, name="tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("password-reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", passwords.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", passwords.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password-reset/done/", passwords.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/invite/", staff.staff_invite, name="staff_invite"),
    path("staff/<int:member_id>/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:member_id>/deactivate/", staff.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:member_id>/reactivate/", staff.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:member_id>/reset-second-factor/", staff.staff_reset_second_factor,
         name="staff_reset_second_factor"),
    path("staff/<int:member_id>/unlock/", staff.staff_unlock, name="staff_unlock"),
    path("staff/<int:member_id>/send-password-link/", staff.staff_send_password_link,
         name="staff_send_password_link"),
]
