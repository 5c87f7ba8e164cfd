"""Staff sign-in with a password and a second factor; sign-out."""

import base64

import segno
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
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import actions
from clinic.accounts.forms import LoginForm, SecondFactorForm


class StaffLoginView(LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("reason") == "idle"
        return context

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)
        if not settings.REQUIRE_SECOND_FACTOR:
            actions.record_login(user=user, now=timezone.now(), second_factor="not required")
            return HttpResponseRedirect(self.get_success_url())
        next_url = self.get_redirect_url()
        step = "accounts:verify" if _has_device(user) else "accounts:enrol"
        query = f"?next={next_url}" if next_url else ""
        return HttpResponseRedirect(reverse(step) + query)

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        username = self.request.POST.get("username", "")
        actions.record_login_failed(username=username, now=timezone.now(), reason="password")
        return super().form_invalid(form)


def _has_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: a TOTP code or a single-use recovery code."""
    if not _has_device(request.user):
        return HttpResponseRedirect(reverse("accounts:enrol"))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            actions.record_login(user=request.user, now=timezone.now(),
                                 second_factor=device.__class__.__name__)
            return HttpResponseRedirect(_safe_next(request))
        actions.record_login_failed(username=request.user.get_username(), now=timezone.now(),
                                    reason="second factor")
        form.add_error("code", "That code is not right or has expired. Enter the newest code "
                               "from your app, or one of your recovery codes.")
    return render(request, "accounts/verify.html", {"form": form})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        actions.record_logout(user=request.user, now=timezone.now(), reason="signed out")
    auth_logout(request)
    return HttpResponseRedirect(reverse("accounts:login"))


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return next_url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


ENROL_DEVICE_KEY = "enrol_device_id"


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code, type one code, keep the recovery codes."""
    user = request.user
    device = TOTPDevice.objects.filter(pk=request.session.get(ENROL_DEVICE_KEY), user=user,
                                       confirmed=False).first()
    # Someone who already has an authenticator must pass it before replacing it.
    if _has_device(user) and not user.is_verified():
        return HttpResponseRedirect(reverse("accounts:verify"))
    if device is None:
        device = actions.start_totp_enrolment(user=user)
        request.session[ENROL_DEVICE_KEY] = device.pk
    form = SecondFactorForm(request.POST or None)
    form.fields["code"].label = "Code shown in your app"
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            codes = actions.confirm_totp_enrolment(user=user, device=device, now=timezone.now())
            otp_login(request, device)
            del request.session[ENROL_DEVICE_KEY]
            return render(request, "accounts/recovery_codes.html",
                          {"codes": codes, "next": _safe_next(request)})
        form.add_error("code", "That code does not match. Check the time on your phone is right "
                               "and enter the code now shown.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=True)
    return render(request, "accounts/enrol.html",
                  {"form": form, "qr_svg": qr_svg, "secret": _base32(device.bin_key)})


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")
