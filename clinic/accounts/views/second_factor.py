"""Setting up the authenticator app, and the recovery codes that stand in for it."""

import base64
import time

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import actions, lockout, queries
from clinic.accounts.forms import ReconfirmSecondFactorForm, SecondFactorForm
from clinic.accounts.views.signin import count_wrong_code, kind_of_device, safe_next, with_next

ENROL_DEVICE_KEY = "enrol_device_id"
# Replacing a second factor needs a code from it first (a current authenticator code or a
# recovery code); the proof stays good this long, for one new authenticator.
REENROL_PROOF_KEY = "second_factor_reconfirmed"
REENROL_PROOF_S = 10 * 60


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code, type one code, keep the recovery codes.
    Someone who already has one (or recovery codes left) first gives a code from it."""
    user = request.user
    # Someone who already has a second factor must pass it before replacing it.
    if queries.has_second_factor(user) and not user.is_verified():
        return HttpResponseRedirect(with_next(reverse("accounts:verify"), request.GET.get("next", "")))
    if queries.can_prove_second_factor(user) and not _proof_is_fresh(request):
        return _reconfirm(request)
    device = TOTPDevice.objects.filter(pk=request.session.get(ENROL_DEVICE_KEY), user=user,
                                       confirmed=False).first()
    if device is None:
        device = actions.start_totp_enrolment(user=user)
        request.session[ENROL_DEVICE_KEY] = device.pk
    form = SecondFactorForm(request.POST or None)
    form.fields["code"].label = "Code shown in your app"
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            return _enrolled(request, device)
        form.add_error("code", "That code does not match. Check the time on your phone is right "
                               "and enter the code now shown.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=True)
    return render(request, "accounts/enrol.html",
                  {"form": form, "qr_svg": qr_svg, "secret": _base32(device.bin_key)})


def _proof_is_fresh(request: HttpRequest) -> bool:
    proof = request.session.get(REENROL_PROOF_KEY) or {}
    return time.time() - proof.get("at_s", 0) <= REENROL_PROOF_S


def _reconfirm(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the second factor about to be replaced; a recovery code is used up."""
    form = ReconfirmSecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = actions.check_second_factor(user=request.user, code=form.cleaned_data["current_code"])
        if device is not None:
            request.session[REENROL_PROOF_KEY] = {"at_s": time.time(), "with": kind_of_device(device)}
            return HttpResponseRedirect(request.get_full_path())
        if locked := count_wrong_code(request):
            return locked
        form.add_error("current_code", "That code is not right or has expired. Enter the code now "
                                       "shown in your current authenticator app, or one of your "
                                       "recovery codes.")
    return render(request, "accounts/reconfirm_second_factor.html", {"form": form})


def _enrolled(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    user = request.user
    now = timezone.now()
    signing_in = not user.is_verified()
    proof = request.session.pop(REENROL_PROOF_KEY, None) or {}
    codes = actions.confirm_totp_enrolment(user=user, device=device, now=now,
                                           confirmed_with=proof.get("with"))
    otp_login(request, device)
    del request.session[ENROL_DEVICE_KEY]
    if signing_in:
        # As at the second step: the session id from before the code is worth nothing after it.
        request.session.cycle_key()
        actions.record_login(user=user, now=now, second_factor="authenticator set up",
                             address=lockout.request_address(request))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": safe_next(request)})


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


@never_cache
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """How the user's second factor stands; new recovery codes after a fresh authenticator code."""
    form = SecondFactorForm(request.POST or None)
    form.fields["code"].label = "Code now shown in your authenticator app"
    if request.method == "POST" and form.is_valid():
        if actions.check_authenticator(user=request.user, code=form.cleaned_data["code"]):
            codes = actions.regenerate_recovery_codes(user=request.user, now=timezone.now())
            return render(request, "accounts/recovery_codes.html",
                          {"codes": codes, "next": reverse("accounts:second_factor")})
        form.add_error("code", "That code is not right or has expired. Enter the code now shown "
                               "in your authenticator app.")
    status = queries.second_factor_status(user=request.user)
    return render(request, "accounts/second_factor.html", {"form": form, "status": status})
