"""Password reset by email, also used by invited staff to choose their first password.

The page after a request reads the same whether or not the address belongs to anyone.
"""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils import timezone

from clinic.accounts import actions, emails
from clinic.accounts.forms import StaffPasswordResetForm, StaffSetPasswordForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: StaffPasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        actions.record_password_reset_requested(email=email, users=form.get_users(email),
                                                now=timezone.now())
        self.extra_email_context = {"valid_days": emails.link_valid_days()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = StaffSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "now": timezone.now()}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
