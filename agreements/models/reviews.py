"""Reviews, their outcomes per goal, the reminder digests and the kept evaluation figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.enums import (
    ClientRating,
    DigestKind,
    HurdleCategory,
    ReviewOutcome,
    StepStatus,
)
from agreements.models.agreements import Agreement, Goal, Step
from sites.django_overrides import ChoiceDisplay
from sites.models import CounsellingCentre, Partner


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewQuerySet:
        return self.filter(agreement__in=Agreement.objects.visible_to(user))


class Review(ChoiceDisplay, models.Model):
    """A joint stock-take (Überprüfung / Bilanz) of an active agreement."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="reviews",
        db_index=False,  # review_agreement_date starts with it
    )
    held_on = models.DateField(_("date"))
    due_on = models.DateField(_("was due on"), null=True, blank=True, editable=False)
    migrant_present = models.BooleanField(_("client took part"), default=True)
    counsellor_present = models.BooleanField(_("counsellor took part"), default=True)
    interpreter_present = models.BooleanField(_("interpreter took part"), default=False)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner who took part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    successes = models.TextField(_("successes"), blank=True)
    hurdles = models.TextField(_("hurdles"), blank=True)
    hurdle_categories = models.JSONField(_("kinds of hurdles"), default=list, blank=True)
    changes = models.TextField(_("what was changed"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    is_final = models.BooleanField(_("final review"), default=False)
    # The client's own view, asked in their language at every review (all optional: a
    # client may not want to answer, or was not there).
    client_rating = models.PositiveSmallIntegerField(
        _("does the agreement help you?"), choices=ClientRating, null=True, blank=True
    )
    client_most_helpful = models.TextField(
        _("what has helped you most?"), blank=True, default="", db_default=""
    )
    client_wish = models.TextField(_("what should change?"), blank=True, default="", db_default="")
    # The form's one-time key: the same form posted twice records one review.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(no_db_index=["partner", "recorded_by"])
    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["agreement", "-held_on"], name="review_agreement_date"),
            models.Index(fields=["held_on"], name="review_held_on"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} – {self.held_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("agreements:review-detail", args=[self.pk])

    def hurdle_labels(self) -> list[str]:
        labels = dict(HurdleCategory.choices)
        return [str(labels.get(code, code)) for code in self.hurdle_categories]


class GoalOutcome(ChoiceDisplay, models.Model):
    review = models.ForeignKey(
        Review,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="outcomes",
        db_index=False,  # agreements_goaloutcome_one_per_goal starts with it
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="outcomes"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=ReviewOutcome)
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords(no_db_index=["goal"])

    class Meta:
        verbose_name = _("goal outcome")
        verbose_name_plural = _("goal outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "goal"], name="agreements_goaloutcome_one_per_goal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_outcome_display()}"


class StepOutcome(ChoiceDisplay, models.Model):
    """What a review found of one step: its status then, a comment, a new date."""

    review = models.ForeignKey(
        Review,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="step_outcomes",
        db_index=False,  # agreements_stepoutcome_one_per_step starts with it
    )
    step = models.ForeignKey(
        Step, verbose_name=_("step"), on_delete=models.PROTECT, related_name="outcomes"
    )
    status = models.CharField(_("status"), max_length=12, choices=StepStatus)
    comment = models.TextField(_("comment"), blank=True)
    postponed_to = models.DateField(_("postponed to"), null=True, blank=True)

    history = HistoricalRecords(no_db_index=["step"])

    class Meta:
        verbose_name = _("step outcome")
        verbose_name_plural = _("step outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "step"], name="agreements_stepoutcome_one_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.get_status_display()}"


class ReminderDigest(models.Model):
    """One row per user, kind and day a digest went out; makes sending idempotent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    kind = models.CharField(
        max_length=12,
        choices=DigestKind,
        default=DigestKind.REMINDER,
        db_default=DigestKind.REMINDER,
    )
    sent_on = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "sent_on"], name="agreements_reminderdigest_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_on}"


class EvaluationFigures(models.Model):
    """One centre's evaluation figures for one period, as counted at `counted_at`.

    The evaluation over many centres adds these up instead of counting the whole country
    again. A change to the centre's people, agreements, goals, steps or reviews deletes them
    (agreements/signals.py); the page shows when the oldest figures it used were counted.
    """

    centre = models.ForeignKey(CounsellingCentre, on_delete=models.CASCADE, related_name="+")
    date_from = models.DateField()
    date_to = models.DateField()
    figures = models.JSONField(default=dict)
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "date_from", "date_to"],
                name="agreements_evaluationfigures_one_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.date_from} – {self.date_to}"
