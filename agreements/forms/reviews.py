"""Forms for reviews, the due-reviews list and the evaluation report."""

from __future__ import annotations

import copy
import uuid

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from agreements.enums import (
    STEP_STATUSES_TO_DO,
    ClientRating,
    HurdleCategory,
    ReviewOutcome,
    StepStatus,
)
from agreements.models import Agreement, Goal, Step
from agreements.services.lifecycle import PROGRESS_NOTE_MAX
from agreements.services.reports.evaluation import default_evaluation_period
from agreements.services.reviews import (
    FINAL_OUTCOMES,
    check_step_outcome,
    is_open_goal,
    missing_outcome_message,
    suggested_next_review,
    unfinished_steps_message,
)
from sites.errors import RuleError
from sites.models import CounsellingCentre, Partner
from sites.widgets import DateInput

# The client's own questions, asked in German and in the agreement's document language
# (their translations live in the print catalogues, tools/pdf_translations.py).
CLIENT_QUESTIONS = {
    "client_rating": gettext_noop("Does the agreement help you?"),
    "client_most_helpful": gettext_noop("What has helped you most?"),
    "client_wish": gettext_noop("What should change?"),
}
NO_ANSWER = gettext_noop("no answer")
RTL_LANGUAGES = {"ar", "fa"}


def _in_language(language: str, msgids: list[str]) -> list[str]:
    with translation.override(language):
        return [gettext(msgid) for msgid in msgids]


class ReviewForm(forms.Form):
    """One review: each open goal with its outcome and a status per step, then the rest.

    No goal outcome is preselected: each is judged anew together with the client (the
    previous review's outcome and comment stand beside it). A step's status is preset to
    where it stands, because between reviews it is recorded as it happens; the review
    confirms it or says what became of it.
    """

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
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
    client_rating = forms.TypedChoiceField(
        label=_("Does the agreement help you?"),
        choices=[("", _("no answer")), *ClientRating.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    client_most_helpful = forms.CharField(
        label=_("What has helped you most?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    client_wish = forms.CharField(
        label=_("What should change?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    next_review_on = forms.DateField(label=_("Next review"), required=False, widget=DateInput())
    final = forms.BooleanField(
        label=_("This is the final review: complete the agreement"),
        required=False,
        help_text=_("Give every goal its ending (not “in progress”); no next review is set."),
    )

    def __init__(self, *args, agreement: Agreement, goals: list[Goal], **kwargs):
        self.agreement = agreement
        self.open_goals = [goal for goal in goals if is_open_goal(goal)]
        self.settled_goals = [goal for goal in goals if not is_open_goal(goal)]
        today = timezone.localdate()
        initial = {
            "submission_key": uuid.uuid4(),
            "held_on": today,
            "migrant_present": True,
            "counsellor_present": True,
            "interpreter_present": agreement.interpreter_present,
            "next_review_on": suggested_next_review(agreement, today),
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(
            municipality_id=agreement.centre.municipality_id
        ).order_by("name")
        for goal in self.open_goals:
            self.fields[f"outcome_{goal.pk}"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=ReviewOutcome.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": missing_outcome_message(goal)},
            )
            self.fields[f"comment_{goal.pk}"] = forms.CharField(
                label=_("Comment on this goal"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            for step in goal.steps.all():
                self._add_step_fields(step)
        self.document_language = self._second_language()

    def _add_step_fields(self, step: Step) -> None:
        self.fields[f"step_status_{step.pk}"] = forms.ChoiceField(
            label=_("Status at this review"),
            choices=StepStatus.choices,
            initial=step.status,
            widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        )
        self.fields[f"step_postponed_to_{step.pk}"] = forms.DateField(
            label=_("Postponed to"),
            required=False,
            initial=step.postponed_to,
            widget=DateInput(attrs={"class": "form-control form-control-sm"}),
        )
        self.fields[f"step_comment_{step.pk}"] = forms.CharField(
            label=_("Comment on this step"),
            required=False,
            max_length=PROGRESS_NOTE_MAX,
            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        )

    def _second_language(self) -> str:
        language = self.agreement.document_language
        if language in settings.DOCUMENT_LANGUAGES and language != translation.get_language():
            return language
        return ""

    # --- what the template shows --------------------------------------------------------

    def goal_rows(self) -> list[tuple[Goal, forms.BoundField, forms.BoundField, list]]:
        return [
            (
                goal,
                self[f"outcome_{goal.pk}"],
                self[f"comment_{goal.pk}"],
                [
                    (
                        step,
                        self[f"step_status_{step.pk}"],
                        self[f"step_postponed_to_{step.pk}"],
                        self[f"step_comment_{step.pk}"],
                    )
                    for step in goal.steps.all()
                ],
            )
            for goal in self.open_goals
        ]

    def client_questions(self) -> dict[str, str]:
        """The questions in the document language (empty without a second language)."""
        if not self.document_language:
            return {}
        return dict(
            zip(
                CLIENT_QUESTIONS,
                _in_language(self.document_language, list(CLIENT_QUESTIONS.values())),
                strict=True,
            )
        )

    def client_text_rows(self) -> list[tuple[forms.BoundField, str]]:
        questions = self.client_questions()
        return [
            (self[name], questions.get(name, "")) for name in ("client_most_helpful", "client_wish")
        ]

    def rating_choices(self) -> list[tuple[object, str]]:
        """Each answer to "Does the agreement help you?" with its label in the document
        language beside it."""
        choices = list(self["client_rating"])
        if not self.document_language:
            return [(choice, "") for choice in choices]
        with translation.override("en"):
            msgids = [NO_ANSWER, *(str(label) for label in ClientRating.labels)]
        return list(zip(choices, _in_language(self.document_language, msgids), strict=True))

    def document_direction(self) -> str:
        return "rtl" if self.document_language in RTL_LANGUAGES else "ltr"

    # --- checks -------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        held_on = data.get("held_on")
        today = timezone.localdate()
        if held_on and held_on > today:
            self.add_error("held_on", _("A review can only be recorded once it has taken place."))
        final = data.get("final")
        next_review_on = data.get("next_review_on")
        if final:
            next_review_on = None
            for goal in self.open_goals:
                if data.get(f"outcome_{goal.pk}") not in (None, *FINAL_OUTCOMES):
                    self.add_error(
                        f"outcome_{goal.pk}",
                        _("The final review says how the goal ended."),
                    )
        elif next_review_on is None:
            self.add_error("next_review_on", _("Please set the date of the next review."))
        elif held_on and next_review_on <= held_on:
            self.add_error("next_review_on", _("The next review must come after this one."))
        for goal in self.open_goals:
            self._clean_steps(goal, data, held_on or today, next_review_on, today)
        return data

    def _clean_steps(self, goal: Goal, data: dict, held_on, next_review_on, today) -> None:
        """Each step's outcome by the lifecycle's rule (on a copy: the form changes
        nothing), then whether a goal marked achieved left steps unfinished."""
        unfinished = []
        for step in goal.steps.all():
            status = data.get(f"step_status_{step.pk}")
            if status is None:
                continue
            trial = copy.copy(step)
            try:
                check_step_outcome(
                    trial,
                    agreement=self.agreement,
                    status=status,
                    comment=data.get(f"step_comment_{step.pk}", ""),
                    postponed_to=data.get(f"step_postponed_to_{step.pk}"),
                    held_on=held_on,
                    next_review_on=next_review_on,
                    today=today,
                )
            except RuleError as error:
                field = "postponed_to" if status == StepStatus.POSTPONED else "status"
                # Beside the step's own field the step need not be named again.
                self.add_error(f"step_{field}_{step.pk}", str(error.__cause__ or error))
            if status in STEP_STATUSES_TO_DO:
                unfinished.append(step)
        if data.get(f"outcome_{goal.pk}") == ReviewOutcome.ACHIEVED and unfinished:
            self.add_error(f"outcome_{goal.pk}", unfinished_steps_message(goal, unfinished))

    def outcomes(self) -> dict[int, tuple[str, str]]:
        return {
            goal.pk: (
                self.cleaned_data[f"outcome_{goal.pk}"],
                self.cleaned_data.get(f"comment_{goal.pk}", ""),
            )
            for goal in self.open_goals
        }

    def step_outcomes(self) -> dict[int, tuple[str, str, object]]:
        data = self.cleaned_data
        return {
            step.pk: (
                data[f"step_status_{step.pk}"],
                data.get(f"step_comment_{step.pk}", ""),
                data.get(f"step_postponed_to_{step.pk}"),
            )
            for goal in self.open_goals
            for step in goal.steps.all()
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
