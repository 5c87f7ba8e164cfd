from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "That username and password do not match. Check both and try again; "
                         "after 5 failed tries the account is locked for 15 minutes.",
        "inactive": "This account is switched off. Ask the medical director to reactivate it.",
    }


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )
