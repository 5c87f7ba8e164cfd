"""Codes an authenticator app would show, computed the way the app does (RFC 6238)."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_now(device: TOTPDevice, *, steps_from_now: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=steps_from_now)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits the device accepts at no moment near now (it tolerates one step either side)."""
    accepted = {code_now(device, steps_from_now=step) for step in range(-2, 3)}
    return next(code for code in (f"{n:06d}" for n in range(100)) if code not in accepted)
