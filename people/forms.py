from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from people.dates import add_date_errors
from people.enums import CaseStatus, ClosureReason, ConsentForm, Interpreter
from people.models import Child, Consent, CounsellingSession, Migrant, Qualification
from people.services import case_holders, centre_counsellors
from sites.enums import Area, PartnerKind
from sites.models import CounsellingCentre, Partner, User
from sites.widgets import DateInput, DateTimeInput


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Please enter a correct user name and password. Both are case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }


def posted(request):
    """The data of a POST, even an empty one (which must show "required" errors: with
    `request.POST or None` it would leave the form unbound), and None for a GET."""
    return request.POST if request.method == "POST" else None


def _today() -> datetime.date:
    return timezone.localdate()


def cleaned_values(form: forms.BaseForm) -> dict:
    """What a service is given: the form's cleaned values, without the revision the form
    was opened at (the service gets that as its own argument)."""
    return {name: value for name, value in form.cleaned_data.items() if name != "revision"}


def attached_rows(formset: forms.BaseModelFormSet) -> list[dict]:
    """An inline formset's cleaned rows for a service: changed and new records with their
    values, removed ones as `{"id": pk, "delete": True}`; untouched rows are left out."""
    rows = []
    for form in formset.forms:
        pk = form.instance.pk
        if formset.can_delete and formset._should_delete_form(form):
            if pk is not None:
                rows.append({"id": pk, "delete": True})
        elif form.has_changed():
            names = [name for name in form._meta.fields if name != formset.fk.name]
            rows.append({"id": pk, **{name: form.cleaned_data[name] for name in names}})
    return rows


class RevisionForm(forms.Form):
    """Carries the revision the form was loaded with, for optimistic locking."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _row(*names: str) -> Row:
    """Fields side by side on wide screens, one below the other on narrow ones."""
    return Row(*(Column(name, css_class="col-md") for name in names))


class MigrantForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Migrant
        fields = [
            "first_name",
            "last_name",
            "name_latin",
            "date_of_birth",
            "sex",
            "nationality",
            "country_of_birth",
            "languages",
            "german_level",
            "preferred_language",
            "interpreter_needed",
            "interpreter_language",
            "arrival_on",
            "residence_status",
            "residence_legal_basis",
            "residence_issued_on",
            "residence_valid_until",
            "foreigners_authority",
            "course_entitlement",
            "schooling_years",
            "highest_degree",
            "schooling_country",
            "employment",
            "benefits",
            "phone",
            "email",
            "street",
            "postcode",
            "city",
            "intake_on",
            "referred_by",
            "counsellor",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "arrival_on": DateInput(),
            "residence_issued_on": DateInput(),
            "residence_valid_until": DateInput(),
            "intake_on": DateInput(),
        }

    def __init__(self, *args, centre: CounsellingCentre, can_assign: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        if can_assign:
            self.fields["counsellor"].queryset = centre_counsellors(centre)
            self.fields["counsellor"].required = False
        else:
            # Handing an existing case to someone else is the supervisors' reassigning.
            del self.fields["counsellor"]
        self.fields["foreigners_authority"].queryset = Partner.objects.filter(
            municipality_id=centre.municipality_id, kind=PartnerKind.FOREIGNERS_AUTHORITY
        )
        self.fields["schooling_years"].max_value = 30
        self.fields["schooling_years"].widget.attrs["max"] = 30
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Person"),
                _row("first_name", "last_name", "name_latin"),
                _row("date_of_birth", "sex", "nationality", "country_of_birth"),
            ),
            Fieldset(
                _("Language"),
                _row("languages", "german_level", "preferred_language"),
                _row("interpreter_needed", "interpreter_language"),
            ),
            Fieldset(
                _("Residence"),
                _row("arrival_on", "residence_status", "residence_legal_basis"),
                _row("residence_issued_on", "residence_valid_until", "foreigners_authority"),
                _row("course_entitlement"),
            ),
            Fieldset(
                _("Schooling, work and income"),
                _row("schooling_years", "highest_degree", "schooling_country"),
                _row("employment", "benefits"),
            ),
            Fieldset(_("Contact"), _row("phone", "email"), _row("street", "postcode", "city")),
            Fieldset(
                _("Case"),
                _row("intake_on", "referred_by", *(["counsellor"] if can_assign else [])),
                "revision",
            ),
        )

    def clean(self):
        data = super().clean()
        add_date_errors(self)
        born, arrival = data.get("date_of_birth"), data.get("arrival_on")
        if born and arrival and arrival < born:
            self.add_error("arrival_on", _("The arrival in Germany cannot be before the birth."))
        issued, valid_until = data.get("residence_issued_on"), data.get("residence_valid_until")
        if issued and valid_until and valid_until <= issued:
            self.add_error(
                "residence_valid_until",
                _("The residence title must expire after the day it was issued."),
            )
        if data.get("interpreter_needed") and not data.get("interpreter_language"):
            self.add_error(
                "interpreter_language", _("Please give the language an interpreter is needed for.")
            )
        return data


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = ["year_of_birth", "care", "note"]

    def clean_year_of_birth(self):
        year = self.cleaned_data["year_of_birth"]
        if not 1950 <= year <= _today().year:
            raise forms.ValidationError(_("Please give a year between 1950 and this year."))
        return year


class QualificationForm(forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["title", "country", "recognition_status"]


ChildFormSet = forms.inlineformset_factory(
    Migrant, Child, form=ChildForm, extra=1, can_delete=True, max_num=20
)
QualificationFormSet = forms.inlineformset_factory(
    Migrant, Qualification, form=QualificationForm, extra=1, can_delete=True, max_num=20
)


class SessionForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CounsellingSession
        fields = [
            "held_on",
            "duration_minutes",
            "mode",
            "interpreter",
            "interpreter_language",
            "interpreter_is_minor",
            "topics",
            "notes",
            "agreed_next_steps",
            "next_appointment",
        ]
        widgets = {
            "held_on": DateInput(),
            "next_appointment": DateTimeInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "agreed_next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].min_value = 1
        self.fields["duration_minutes"].max_value = 720
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": 720})
        if self.instance.pk:
            # The revision the edit was opened at; the service refuses a stale one.
            self.fields["revision"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=self.instance.revision
            )
        self.warnings: list[str] = []

    @classmethod
    def for_new_session(cls, migrant: Migrant) -> SessionForm:
        """An empty form for today, with the person's interpreter language ready."""
        initial = {"held_on": _today()}
        if migrant.interpreter_needed and migrant.interpreter_language:
            initial["interpreter_language"] = migrant.interpreter_language
        return cls(initial=initial)

    def clean(self):
        data = super().clean()
        add_date_errors(self)
        interpreter = data.get("interpreter")
        if interpreter and interpreter != Interpreter.NONE and not data.get("interpreter_language"):
            self.add_error("interpreter_language", _("Please give the interpreter's language."))
        if interpreter == Interpreter.NONE:
            data["interpreter_language"] = ""
            data["interpreter_is_minor"] = False
        if data.get("interpreter_is_minor"):
            self.warnings.append(
                _(
                    "A minor interpreted. Children should not interpret counselling sessions; "
                    "please arrange a professional interpreter next time."
                )
            )
        appointment, held_on = data.get("next_appointment"), data.get("held_on")
        if appointment and held_on and appointment.date() < held_on:
            self.add_error("next_appointment", _("The next appointment must be after the session."))
        return data


class ConsentRecordForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "recipient_partner",
            "recipient_kind",
            "data_categories",
            "purpose",
            "form",
            "file_note",
            "given_on",
        ]
        widgets = {
            "given_on": DateInput(),
            "data_categories": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "file_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, migrant: Migrant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_partner"].queryset = Partner.objects.filter(
            municipality_id=migrant.centre.municipality_id
        )
        self.fields["given_on"].initial = _today()

    def clean(self):
        data = super().clean()
        add_date_errors(self)
        if not data.get("recipient_partner") and not data.get("recipient_kind"):
            self.add_error(
                "recipient_partner", _("Choose a partner or a kind of partner as recipient.")
            )
        if data.get("form") == ConsentForm.ORAL and not (data.get("file_note") or "").strip():
            self.add_error("file_note", _("An oral consent needs a file note."))
        return data


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput(), initial=_today)

    def clean(self):
        data = super().clean()
        add_date_errors(self)
        return data


class CloseCaseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput(), initial=_today)
    reason = forms.ChoiceField(
        label=_("Reason"),
        # Merged is what merging two records writes, not a reason to close a case by hand.
        choices=[c for c in ClosureReason.choices if c[0] != ClosureReason.MERGED],
        help_text=_(
            "An open agreement ends with the case: completed if the goals were reached, "
            "otherwise ended early; a draft is ended unsigned."
        ),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean(self):
        data = super().clean()
        add_date_errors(self)
        return data


class ReopenCaseForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the case reopened?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ReassignForm(forms.Form):
    counsellor = forms.ModelChoiceField(
        label=_("New counsellor"),
        queryset=None,
        help_text=_("The case's open agreements, their reviews and reminders go with it."),
    )

    def __init__(self, *args, centre: CounsellingCentre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = centre_counsellors(centre)


def _with_case_count(user: User) -> str:
    return ngettext(
        "%(name)s (%(count)s active case)",
        "%(name)s (%(count)s active cases)",
        user.active_cases,
    ) % {"name": user, "count": user.active_cases}


class CaseloadReassignForm(forms.Form):
    from_counsellor = forms.ModelChoiceField(label=_("All active cases of"), queryset=None)
    to_counsellor = forms.ModelChoiceField(
        label=_("go to"),
        queryset=None,
        help_text=_("The cases' open agreements, their reviews and reminders go with them."),
    )

    def __init__(self, *args, centre: CounsellingCentre, **kwargs):
        super().__init__(*args, **kwargs)
        # Whoever holds active cases, also a colleague whose account was already closed.
        active = Q(caseload__centre=centre, caseload__status=CaseStatus.ACTIVE)
        holders = case_holders([centre], members=False).annotate(
            active_cases=Count("caseload", filter=active)
        )
        self.fields["from_counsellor"].queryset = holders
        self.fields["from_counsellor"].label_from_instance = _with_case_count
        self.fields["to_counsellor"].queryset = centre_counsellors(centre)

    def clean(self):
        data = super().clean()
        if data.get("from_counsellor") and data.get("from_counsellor") == data.get("to_counsellor"):
            self.add_error("to_counsellor", _("Choose two different counsellors."))
        return data
