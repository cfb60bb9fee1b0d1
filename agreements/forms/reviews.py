"""Forms for reviews, the due-reviews list and the evaluation report."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.enums import HurdleCategory, ReviewOutcome
from agreements.models import Agreement, Goal
from agreements.services.reports.evaluation import default_evaluation_period
from agreements.services.reviews import FINAL_OUTCOMES, initial_outcome, suggested_next_review
from sites.models import CounsellingCentre, Partner
from sites.widgets import DateInput


class ReviewForm(forms.Form):
    """One review: every goal with its outcome (last outcome preselected), then the rest.

    Most reviews need only a click per changed goal and the date of the next one.
    """

    held_on = forms.DateField(label=_("Date of the review"), widget=DateInput())
    migrant_present = forms.BooleanField(label=_("The client took part"), required=False)
    counsellor_present = forms.BooleanField(label=_("The counsellor took part"), required=False)
    interpreter_present = forms.BooleanField(label=_("An interpreter took part"), required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner who took part"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("none"),
    )
    successes = forms.CharField(
        label=_("Successes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hurdles = forms.CharField(
        label=_("Hurdles"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hurdle_categories = forms.MultipleChoiceField(
        label=_("Kinds of hurdles"),
        choices=HurdleCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    changes = forms.CharField(
        label=_("What was changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("New steps, other partners, a later target date …"),
    )
    next_review_on = forms.DateField(label=_("Next review"), required=False, widget=DateInput())
    final = forms.BooleanField(
        label=_("This is the final review: complete the agreement"),
        required=False,
        help_text=_("Give every goal its ending (not “in progress”); no next review is set."),
    )

    def __init__(self, *args, agreement: Agreement, goals: list[Goal], **kwargs):
        self.agreement = agreement
        self.goals = goals
        today = timezone.localdate()
        initial = {
            "held_on": today,
            "migrant_present": True,
            "counsellor_present": True,
            "interpreter_present": agreement.interpreter_present,
            "next_review_on": suggested_next_review(agreement, today),
            **{f"outcome_{goal.pk}": initial_outcome(goal) for goal in goals},
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(
            municipality_id=agreement.centre.municipality_id
        ).order_by("name")
        for goal in goals:
            self.fields[f"outcome_{goal.pk}"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=ReviewOutcome.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"comment_{goal.pk}"] = forms.CharField(
                label=_("Comment on this goal"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def goal_rows(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField]]:
        return [(g, self[f"outcome_{g.pk}"], self[f"comment_{g.pk}"]) for g in self.goals]

    def clean(self):
        data = super().clean()
        held_on = data.get("held_on")
        if held_on and held_on > timezone.localdate():
            self.add_error("held_on", _("A review can only be recorded once it has taken place."))
        if data.get("final"):
            for goal in self.goals:
                if data.get(f"outcome_{goal.pk}") not in (None, *FINAL_OUTCOMES):
                    self.add_error(
                        f"outcome_{goal.pk}",
                        _("The final review says how the goal ended."),
                    )
        else:
            next_review_on = data.get("next_review_on")
            if next_review_on is None:
                self.add_error("next_review_on", _("Please set the date of the next review."))
            elif held_on and next_review_on <= held_on:
                self.add_error("next_review_on", _("The next review must come after this one."))
        return data

    def outcomes(self) -> dict[int, tuple[str, str]]:
        return {
            goal.pk: (
                self.cleaned_data[f"outcome_{goal.pk}"],
                self.cleaned_data.get(f"comment_{goal.pk}", ""),
            )
            for goal in self.goals
        }


class CentresField(forms.TypedMultipleChoiceField):
    """Checks the chosen centres against a set of the offered ones. Django's check scans
    every choice for every chosen value: for an evaluator choosing all 600 centres of the
    country that was 360,000 comparisons, a sixth of the evaluation page."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        forms.TypedMultipleChoiceField.choices.fset(self, value)
        self.offered = {str(key) for key, _label in self._choices}

    def valid_value(self, value) -> bool:
        return str(value) in self.offered


class EvaluationForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    centres = CentresField(
        label=_("Counselling centres"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one counselling centre.")},
    )

    def __init__(self, *args, centres: list[CounsellingCentre], **kwargs):
        self.centre_objects = {centre.pk: centre for centre in centres}
        date_from, date_to = default_evaluation_period(timezone.localdate())
        kwargs.setdefault(
            "initial",
            {"date_from": date_from, "date_to": date_to, "centres": list(self.centre_objects)},
        )
        super().__init__(*args, **kwargs)
        self.fields["centres"].choices = [(c.pk, c.name) for c in centres]

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The period must end after it begins."))
        return data

    def default_data(self) -> dict:
        return {
            "date_from": self.initial["date_from"].isoformat(),
            "date_to": self.initial["date_to"].isoformat(),
            "centres": [str(pk) for pk in self.initial["centres"]],
        }

    def selected_centres(self) -> list[CounsellingCentre]:
        return [self.centre_objects[pk] for pk in self.cleaned_data["centres"]]
