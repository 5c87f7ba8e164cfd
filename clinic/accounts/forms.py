from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from clinic.accounts import actions
from clinic.accounts.models import USERNAME_MAX_LENGTH, Role, StaffUser, UsernameValidator, canonical_username
from clinic.accounts.tokens import live_token_count
from clinic.sites.models import Site


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "That username and password do not match. Check both and try again; "
                         "after 5 failed tries, signing in to this account from here is locked "
                         "for 15 minutes.",
        "inactive": "This account is switched off. Ask the medical director to reactivate it.",
    }


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )


class ReconfirmSecondFactorForm(forms.Form):
    current_code = forms.CharField(
        label="Code now shown in your current authenticator app, or a recovery code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class StaffPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(label="Your work email address", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def get_users(self, email: str) -> list[StaffUser]:
        # Invited staff have no password yet, so a fresh link is also how someone whose
        # invitation expired gets in. Deactivated accounts get nothing.
        return list(StaffUser.objects.filter(email__iexact=email, is_active=True))


def _revoke_tokens_field(label: str) -> forms.BooleanField:
    return forms.BooleanField(
        label=label, required=False, initial=True,
        help_text="Scripts and programs using them stop working until given a new token. Leave "
                  "this ticked if the password may have been seen by someone else.")


class StaffSetPasswordForm(SetPasswordForm):
    """Choosing a password from an emailed link; saving goes through the audited action, which
    ends every session of the user. Someone with live API tokens may revoke them too."""

    def __init__(self, user: StaffUser, *args: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.now = now
        live = live_token_count(user=user) if user is not None else 0
        if live:
            self.fields["revoke_tokens"] = _revoke_tokens_field(
                f"Also revoke my {live} API token{'s' if live != 1 else ''}")

    def save(self, commit: bool = True) -> StaffUser:
        actions.complete_password_reset(user=self.user, password=self.cleaned_data["new_password1"],
                                        now=self.now,
                                        revoke_tokens=self.cleaned_data.get("revoke_tokens", False))
        return self.user


class PasswordLinkForm(forms.Form):
    """The director's password reset for a colleague, sent as a link to choose a new one."""

    revoke_tokens = _revoke_tokens_field("Also revoke their API tokens")


def _sites_field(organisation_id: int | None) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Site.objects.filter(organisation_id=organisation_id).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one site where they work."},
        help_text="They see the patients of these sites only.",
    )


class StaffDetailsForm(forms.Form):
    first_name = forms.CharField(label="Given name", max_length=150)
    last_name = forms.CharField(label="Family name", max_length=150)
    email = forms.EmailField(label="Work email", max_length=254,
                             help_text="Password links are sent here.")
    role = forms.ChoiceField(choices=Role.choices)
    credentials = forms.CharField(max_length=40, required=False,
                                  help_text="Shown after the name, e.g. MD, NP, RN. Leave empty if none.")

    def __init__(self, *args: Any, organisation_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"] = _sites_field(organisation_id)


class CanonicalUsernameField(forms.CharField):
    """A username as it is stored (models.canonical_username), checked after folding: "Director"
    and "ｄｉｒｅｃｔｏｒ" are both "director"."""

    def to_python(self, value: Any) -> str:
        return canonical_username(super().to_python(value))


class InviteForm(StaffDetailsForm):
    username = CanonicalUsernameField(
        max_length=USERNAME_MAX_LENGTH, validators=[UsernameValidator()],
        help_text="What they type to sign in: letters a to z, digits and @ . + - _ only. Capitals do "
                  "not matter: Dana and dana are the same username.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    field_order = ["username", "first_name", "last_name", "email", "role", "credentials", "sites"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new colleague starts with the least access; more is a choice made on purpose.
        self.fields["role"].choices = list(reversed(Role.choices))
        self.fields["role"].initial = Role.FRONT_DESK


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What the token is for",
                           help_text="For example: reporting spreadsheet, lab import.")
