"""Password reset by email, also used by invited staff to choose their first password.

The page after a request reads the same whether or not the address belongs to anyone.
"""

import datetime as dt

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from clinic.accounts import actions, anonymous, emails, lockout
from clinic.accounts.forms import StaffPasswordResetForm, StaffSetPasswordForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: StaffPasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        now = timezone.now()
        verdict = actions.record_password_reset_requested(
            email=email, users=form.get_users(email), address=lockout.client_address(self.request), now=now)
        if verdict == anonymous.Verdict.REFUSE:
            return too_many_requests(self.request, now=now)
        if verdict != anonymous.Verdict.WRITE:
            # The same page as when a link is sent, with no mail: a repeat or a flood.
            return HttpResponseRedirect(self.get_success_url())
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


def too_many_requests(request: HttpRequest, *, now: dt.datetime) -> HttpResponse:
    """429: this address asked for too many links this hour; the page says when it may again."""
    minutes_left = (anonymous.hour_start_of(now) + dt.timedelta(hours=1) - now).total_seconds() / 60
    context = {"minutes_left": max(1, round(minutes_left))}
    return render(request, "accounts/too_many_requests.html", context, status=429)
