from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.enums import Responsible
from agreements.models import Agreement, Goal, GoalTemplate, Step
from agreements.terms import AGREEMENT_TERMS, GOAL_TERMS, SITUATION_TERMS, STEP_TERMS
from people.enums import Language
from sites.django_overrides import ConstraintsCheckedByTheForm
from sites.enums import Area
from sites.models import Offer, Partner
from sites.widgets import DateInput


class RevisionForm(forms.ModelForm):
    """A form that carries the revision its record was opened at (optimistic locking) and
    hands the service its cleaned values without it. Editing a record needs the revision:
    a POST without it is refused, never saved over a colleague's change."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = self.instance.revision

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None and data.get("revision") is None:
            self.add_error(
                None,
                _(
                    "This form was sent without the version it was opened at. Reload the "
                    "page and make the change again."
                ),
            )
        return data

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}


class AgreementForm(ConstraintsCheckedByTheForm, RevisionForm):
    # clean_review_interval_months checks the range the check constraint guards.
    checked_by_form = frozenset({"review_interval_months"})

    class Meta:
        model = Agreement
        fields = list(AGREEMENT_TERMS)
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            **{name: forms.Textarea(attrs={"rows": 2}) for name in SITUATION_TERMS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Language.choices)
        self.fields["document_language"].choices = [("", _("German only"))] + [
            (code, labels[code]) for code in settings.DOCUMENT_LANGUAGES
        ]
        self.fields["review_interval_months"].min_value = 1
        self.fields["review_interval_months"].max_value = 6
        self.fields["review_interval_months"].widget.attrs.update({"min": 1, "max": 6})
        self.fields["review_interval_months"].help_text = _(
            "Every 3 months is usual; at the latest every 6 months."
        )

    def clean_review_interval_months(self):
        months = self.cleaned_data["review_interval_months"]
        if not 1 <= months <= 6:
            raise forms.ValidationError(_("Reviews take place every 1 to 6 months."))
        return months

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The end must be after the start."))
        if data.get("interpreter_present") and not data.get("interpreter_name"):
            self.add_error("interpreter_name", _("Please name the interpreter who took part."))
        return data


def _future_date(value: datetime.date | None, years: int = 10) -> datetime.date | None:
    if value and value > timezone.localdate() + datetime.timedelta(days=365 * years):
        raise forms.ValidationError(_("Please check the date."))
    if value and value < datetime.date(2000, 1, 1):
        raise forms.ValidationError(_("Please check the date."))
    return value


class GoalForm(RevisionForm):
    class Meta:
        model = Goal
        fields = list(GOAL_TERMS)
        widgets = {
            "target_date": DateInput(),
            "text": forms.Textarea(attrs={"rows": 2}),
            "text_own_words": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_target_date(self):
        return _future_date(self.cleaned_data.get("target_date"))


class StepForm(RevisionForm):
    class Meta:
        model = Step
        fields = [*STEP_TERMS, "status"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_id = agreement.centre.municipality_id
        self.fields["partner"].queryset = Partner.objects.filter(municipality_id=municipality_id)
        self.fields["offer"].queryset = Offer.objects.filter(
            partner__municipality_id=municipality_id, active=True
        ).select_related("partner")
        self.fields["partner"].help_text = _(
            "For a referral: the partner needs the person's valid consent."
        )

    def clean_due_on(self):
        return _future_date(self.cleaned_data.get("due_on"))

    def clean(self):
        data = super().clean()
        offer, partner = data.get("offer"), data.get("partner")
        if offer is not None and partner is None:
            # A referral to an offer goes to the partner who makes the offer.
            data["partner"] = offer.partner
        if offer is not None and partner is not None and offer.partner_id != partner.pk:
            self.add_error("offer", _("The offer belongs to another partner."))
        if data.get("responsible") == Responsible.PARTNER and data.get("partner") is None:
            self.add_error("partner", _("Choose the partner who takes this step."))
        return data


class CatalogueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: GoalTemplate) -> str:
        return obj.text


class CatalogueGoalForm(forms.Form):
    template = CatalogueChoiceField(
        label=_("Goal from the catalogue"), queryset=GoalTemplate.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        templates = GoalTemplate.objects.filter(active=True).order_by("area", "position")
        self.fields["template"].queryset = templates
        labels = dict(Area.choices)
        grouped: dict[str, list] = {}
        for template in templates:
            grouped.setdefault(str(labels[template.area]), []).append((template.pk, template.text))
        self.fields["template"].choices = [("", "---------"), *grouped.items()]


class SignatureForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=120)
    signed_by_migrant = forms.BooleanField(label=_("The person signed"), required=False)
    signed_by_counsellor = forms.BooleanField(label=_("The counsellor signed"), required=False)
    interpreter_present = forms.BooleanField(label=_("An interpreter took part"), required=False)

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The signature cannot be dated in the future."))
        return day

    def clean(self):
        data = super().clean()
        if not data.get("signed_by_migrant"):
            self.add_error("signed_by_migrant", _("The agreement needs the person's signature."))
        if not data.get("signed_by_counsellor"):
            self.add_error(
                "signed_by_counsellor", _("The agreement needs the counsellor's signature.")
            )
        return data


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the agreement amended?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean_ended_on(self):
        day = self.cleaned_data["ended_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Please check the date."))
        return day
