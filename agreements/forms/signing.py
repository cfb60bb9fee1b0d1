from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Scan of the signed agreement (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        if scan.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)s MB).")
                % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return scan


class VerifyForm(forms.Form):
    # Generous: an over-long or malformed code gets the same "not found" as a wrong one.
    code = forms.CharField(
        label=_("Verification code (printed at the end of the agreement)"), max_length=200
    )
