"""The progress of a step on an active agreement: recorded without a new signature."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.enums import StepStatus
from agreements.models import Step
from sites.widgets import DateInput

# Where the form was sent from, so the answer goes back there.
SHOWN_IN = ("agreement", "due-list", "home")


class StepProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    status_on = forms.DateField(
        label=_("On"), required=False, widget=DateInput(), help_text=_("Empty: today.")
    )
    postponed_to = forms.DateField(
        label=_("Postponed to"),
        required=False,
        widget=DateInput(),
        help_text=_("Only for “postponed”: up to the next review."),
    )
    progress_note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Step._meta.get_field("progress_note").max_length,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    shown_in = forms.ChoiceField(
        choices=[(value, value) for value in SHOWN_IN], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, step: Step, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": step.status,
                "status_on": step.status_on,
                "postponed_to": step.postponed_to,
                "progress_note": step.progress_note,
                "revision": step.revision,
            },
        )
        super().__init__(*args, **kwargs)
        self.step = step
        # Ids per step: the agreement page holds one form per step.
        self.auto_id = f"progress-{step.pk}-%s"

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "on": data["status_on"],
            "note": data["progress_note"],
            "postponed_to": data["postponed_to"],
            "expected_revision": data["revision"],
        }
