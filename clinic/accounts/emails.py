"""Emails to staff about their account. Password links reuse Django's reset tokens, which stop
working once the password is set or after PASSWORD_RESET_TIMEOUT."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinic.accounts.models import StaffUser

logger = logging.getLogger(__name__)
SECONDS_PER_DAY = 24 * 60 * 60


def link_valid_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // SECONDS_PER_DAY)


def send_password_link(*, request: HttpRequest, user: StaffUser, invited_by: StaffUser) -> bool:
    """Email the user a link to choose a password; False when the mail server refused it."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:password_reset_confirm",
                   kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    context = {"user": user, "invited_by": invited_by, "link": request.build_absolute_uri(path),
               "sign_in": request.build_absolute_uri(reverse("accounts:login")),
               "valid_days": link_valid_days()}
    subject = "".join(render_to_string("accounts/email/password_link_subject.txt", context).splitlines())
    body = render_to_string("accounts/email/password_link.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        logger.exception("Could not send a password link to staff user %s", user.pk)
        return False
    return True
