"""Sign-in with a password and then a second factor; sign-out."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import actions, lockout, queries, setup
from clinic.accounts.forms import LoginForm, SecondFactorForm


class StaffLoginView(LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("reason") == "idle"
        # Until setup_clinic has run nobody can sign in, so the page says how to finish setup.
        context["needs_setup"] = not settings.DEMO_MODE and not setup.is_set_up()
        return context

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)
        if not settings.REQUIRE_SECOND_FACTOR:
            actions.record_login(user=user, now=timezone.now(), second_factor="not required",
                                 address=lockout.request_address(self.request))
            return HttpResponseRedirect(self.get_success_url())
        step = "accounts:verify" if queries.has_second_factor(user) else "accounts:enrol"
        return HttpResponseRedirect(with_next(reverse(step), self.get_redirect_url()))

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        _record_failure(self.request, username=self.request.POST.get("username", ""),
                        step=actions.SignInStep.PASSWORD)
        # When the account is locked, axes.middleware.AxesMiddleware answers with the lockout page.
        return super().form_invalid(form)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: a code from the authenticator app or a single-use recovery code."""
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(safe_next(request))
    if lockout.is_locked(request, username=user.get_username()):
        auth_logout(request)
        return lockout.lockout_page(request, username=user.get_username())
    if not queries.has_second_factor(user):
        return HttpResponseRedirect(with_next(reverse("accounts:enrol"), request.GET.get("next", "")))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = actions.check_second_factor(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            # A session id seen before the code was entered is worth nothing after it.
            request.session.cycle_key()
            actions.record_login(user=user, now=timezone.now(), second_factor=kind_of_device(device),
                                 address=lockout.request_address(request))
            return HttpResponseRedirect(safe_next(request))
        return _wrong_code(request, form)
    return render(request, "accounts/verify.html", {"form": form})


def _wrong_code(request: HttpRequest, form: SecondFactorForm) -> HttpResponse:
    if locked := count_wrong_code(request):
        return locked
    form.add_error("code", "That code is not right or has expired. Enter the newest code from your "
                           "app, or one of your recovery codes.")
    return render(request, "accounts/verify.html", {"form": form})


def count_wrong_code(request: HttpRequest) -> HttpResponse | None:
    """Count and audit a wrong second-factor code from the signed-in user; when it locks the
    account at this address, sign them out and return the lockout page."""
    username = request.user.get_username()
    lockout.count_failed_code(request, username=username)
    _record_failure(request, username=username, step=actions.SignInStep.SECOND_FACTOR)
    if not lockout.locked_by_this_request(request):
        return None
    auth_logout(request)
    return lockout.lockout_page(request, username=username)


def _record_failure(request: HttpRequest, *, username: str, step: str) -> None:
    """Audit a failure the lockout counted; a try refused during a lock, or a form sent with a
    field left empty, counts nothing and writes nothing."""
    failures = lockout.counted_failures(request)
    if failures is not None:
        actions.record_login_failed(typed_username=username, address=lockout.request_address(request),
                                    step=step, failures=failures,
                                    locked=lockout.locked_by_this_request(request), now=timezone.now())


def kind_of_device(device: TOTPDevice | StaticDevice) -> str:
    return "authenticator" if isinstance(device, TOTPDevice) else "recovery code"


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        actions.record_logout(user=request.user, now=timezone.now(), reason="signed out")
    auth_logout(request)
    return HttpResponseRedirect(reverse("accounts:login"))


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return next_url
    return resolve_url(settings.LOGIN_REDIRECT_URL)
