"""An agreement's versions, its goals and their steps."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.enums import (
    AgreementStatus,
    GoalStatus,
    Priority,
    Responsible,
    StepStatus,
)
from people.enums import Language
from people.models import Consent, Migrant
from sites.django_overrides import ChoiceDisplay
from sites.enums import Area
from sites.models import CounsellingCentre, Offer, Partner

OPEN_STATUSES = (AgreementStatus.DRAFT, AgreementStatus.ACTIVE)


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgreementQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(centre_id__in=user.centre_ids())

    def current(self) -> AgreementQuerySet:
        """The latest version of every agreement (superseded versions are history)."""
        return self.exclude(status=AgreementStatus.SUPERSEDED)


class Agreement(ChoiceDisplay, models.Model):
    """One version of an integration agreement.

    A signed version is never edited: amending copies it into the next version (a draft
    with the same number), which is signed again; the old row becomes "superseded" and
    stays readable exactly as signed.
    """

    migrant = models.ForeignKey(
        Migrant,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="agreements",
        db_index=False,  # agreement_migrant_version starts with it
    )
    centre = models.ForeignKey(
        CounsellingCentre,
        verbose_name=_("counselling centre"),
        on_delete=models.PROTECT,
        related_name="agreements",
        db_index=False,  # agreement_centre and agreement_centre_signed start with it
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="agreements",
        db_index=False,  # agreement_due starts with it
    )
    number = models.CharField(_("agreement number"), max_length=32, editable=False)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus, default=AgreementStatus.DRAFT
    )

    # Starting situation, copied from the person's record when the agreement is created
    # and then edited as text: the agreement documents the situation as it was agreed.
    situation_language = models.TextField(_("language"), blank=True)
    situation_schooling = models.TextField(_("schooling and qualifications"), blank=True)
    situation_residence = models.TextField(_("residence"), blank=True)
    situation_family = models.TextField(_("children and childcare"), blank=True)
    situation_work = models.TextField(_("work and income"), blank=True)
    strengths = models.TextField(_("strengths and resources"), blank=True)

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(_("review every (months)"), default=3)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    document_language = models.CharField(
        _("document language besides German"),
        max_length=5,
        choices=Language,
        blank=True,
    )
    interpreter_present = models.BooleanField(_("interpreter present"), default=False)
    interpreter_name = models.CharField(_("interpreter"), max_length=200, blank=True)

    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_place = models.CharField(_("signed at"), max_length=120, blank=True)
    signed_by_migrant = models.BooleanField(_("signed by the client"), default=False)
    signed_by_counsellor = models.BooleanField(_("signed by the counsellor"), default=False)
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    closure_reason = models.TextField(_("reason for ending"), blank=True)

    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History is read per agreement (by id or number), never by centre or counsellor.
    history = HistoricalRecords(
        excluded_fields=["updated_at"], no_db_index=["centre", "counsellor", "predecessor"]
    )
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("integration agreement")
        verbose_name_plural = _("integration agreements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["migrant"],
                condition=Q(status=AgreementStatus.ACTIVE),
                name="agreements_agreement_one_active_per_migrant",
            ),
            models.UniqueConstraint(
                fields=["number", "version"], name="agreements_agreement_number_version"
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1) & Q(review_interval_months__lte=6),
                name="agreements_agreement_review_interval_range",
            ),
            # Every version past the draft was signed, except a draft ended unsigned with
            # its case (closed or anonymised), which says when it ended instead.
            models.CheckConstraint(
                condition=Q(status=AgreementStatus.DRAFT)
                | Q(signed_on__isnull=False)
                | Q(status=AgreementStatus.ENDED_EARLY, ended_on__isnull=False),
                name="agreements_agreement_signed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["migrant", "-version"], name="agreement_migrant_version"),
            models.Index(fields=["counsellor", "status", "next_review_on"], name="agreement_due"),
            # Dashboard: agreements per counsellor and status from the index alone.
            models.Index(
                fields=["centre", "status", "next_review_on"],
                include=["counsellor", "id"],
                name="agreement_centre",
            ),
            models.Index(fields=["centre", "signed_on"], name="agreement_centre_signed"),
            models.Index(
                fields=["next_review_on"],
                condition=Q(status=AgreementStatus.ACTIVE),
                name="agreement_active_review_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])

    @property
    def is_prepared(self) -> bool:
        """A draft whose PDF is frozen for signing: locked until the preparation is taken
        back. Asked without a query of the row the services lock (annotated
        `has_frozen_pdf`) or of a page's select_related("signed_document")."""
        if self.status != AgreementStatus.DRAFT:
            return False
        frozen = getattr(self, "has_frozen_pdf", None)
        return hasattr(self, "signed_document") if frozen is None else frozen


class Goal(ChoiceDisplay, models.Model):
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="goals",
        db_index=False,  # agreements_goal_key_once and goal_agreement_cover start with it
    )
    # The same goal keeps its key in every version, so versions can be compared.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    area = models.CharField(_("area"), max_length=20, choices=Area)
    text = models.TextField(_("goal"))
    text_own_words = models.TextField(_("in the client's own words"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.MEDIUM
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus, default=GoalStatus.OPEN
    )
    position = models.PositiveIntegerField(default=0)
    # The edit form's optimistic lock; db_default so rows inserted by older code start at 1.
    revision = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "key"], name="agreements_goal_key_once")
        ]
        indexes = [
            models.Index(fields=["area", "status"], name="goal_area_status"),
            # Dashboard: goals by area and status of a centre's agreements, index only.
            models.Index(
                fields=["agreement"], include=["area", "status", "id"], name="goal_agreement_cover"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.agreement.get_absolute_url() + f"#goal-{self.pk}"


class Step(ChoiceDisplay, models.Model):
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="steps"
    )
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    description = models.TextField(_("what is to be done"))
    responsible = models.CharField(
        _("who"), max_length=12, choices=Responsible, default=Responsible.MIGRANT
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
    )
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offer (referral)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
    )
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent the referral relies on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # Progress, recorded between reviews without a new signature (never a term: the
    # agreed due date above stays as signed, a postponement is its own column).
    status = models.CharField(
        _("status"), max_length=12, choices=StepStatus, default=StepStatus.OPEN
    )
    status_on = models.DateField(_("status since"), null=True, blank=True)
    progress_note = models.CharField(
        _("note on progress"), max_length=300, blank=True, default="", db_default=""
    )
    postponed_to = models.DateField(_("postponed to"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1, db_default=1, editable=False)  # as Goal's

    history = HistoricalRecords(no_db_index=["partner", "offer", "consent"])

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(responsible=Responsible.PARTNER) | Q(partner__isnull=False),
                name="agreements_step_partner_named",
            ),
        ]
        indexes = [
            # The overdue lists: open steps by the date they are due now.
            models.Index(F("status"), Coalesce("postponed_to", "due_on"), name="step_status_due")
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return self.goal.agreement.get_absolute_url() + f"#step-{self.pk}"

    @property
    def current_due_on(self):
        """When the step is due now: the postponed date, or the date agreed."""
        return self.postponed_to or self.due_on
