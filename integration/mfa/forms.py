from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# Six digits from the app, or a recovery code (eight letters and digits) with room for
# the spaces and dashes people type.
CODE_MAX_LENGTH = 20


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the authenticator app or a recovery code"),
        max_length=CODE_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code the app shows now"),
        max_length=CODE_MAX_LENGTH,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I have spoken to this person and want to reset their second factor."),
        required=True,
        error_messages={"required": _("Please confirm the reset.")},
    )
