from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from people.enums import (
    ConsentForm,
    Interpreter,
    Language,
    SessionMode,
)
from people.models.migrants import Migrant
from sites.django_overrides import ChoiceDisplay
from sites.enums import PartnerKind
from sites.models import Partner


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user) -> ConsentQuerySet:
        return self.filter(migrant__in=Migrant.objects.visible_to(user))

    def valid_on(self, day: datetime.date) -> ConsentQuerySet:
        return self.filter(given_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )

    def covering(self, partner: Partner) -> ConsentQuerySet:
        return self.filter(Q(recipient_partner=partner) | Q(recipient_kind=partner.kind))


class Consent(ChoiceDisplay, models.Model):
    """What data may go to which recipient for which purpose (Einwilligung)."""

    migrant = models.ForeignKey(
        Migrant, verbose_name=_("client"), on_delete=models.CASCADE, related_name="consents"
    )
    recipient_partner = models.ForeignKey(
        Partner,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    recipient_kind = models.CharField(
        _("or every partner of the kind"), max_length=30, choices=PartnerKind, blank=True
    )
    data_categories = models.TextField(_("which data"))
    purpose = models.TextField(_("purpose"))
    form = models.CharField(_("form"), max_length=8, choices=ConsentForm)
    file_note = models.TextField(_("file note"), blank=True)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    history = HistoricalRecords(no_db_index=["recipient_partner"])
    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_partner__isnull=False) | ~Q(recipient_kind=""),
                name="integration_consent_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(form=ConsentForm.WRITTEN) | ~Q(file_note=""),
                name="integration_consent_oral_needs_note",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="integration_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return str(self.recipient_partner or self.get_recipient_kind_display())

    def get_absolute_url(self) -> str:
        return self.migrant.get_absolute_url() + "#consents"

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class CounsellingSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> CounsellingSessionQuerySet:
        return self.filter(migrant__in=Migrant.objects.visible_to(user))


class CounsellingSession(ChoiceDisplay, models.Model):
    migrant = models.ForeignKey(
        Migrant,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="sessions",
        db_index=False,  # session_migrant_date starts with it
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="counselling_sessions",
        db_index=False,  # session_counsellor_date starts with it
    )
    held_on = models.DateField(_("date"), default=datetime.date.today)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    mode = models.CharField(
        _("mode"), max_length=10, choices=SessionMode, default=SessionMode.IN_PERSON
    )
    interpreter = models.CharField(
        _("interpreter"), max_length=12, choices=Interpreter, default=Interpreter.NONE
    )
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=5, choices=Language, blank=True
    )
    interpreter_is_minor = models.BooleanField(_("the interpreter is a minor"), default=False)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    agreed_next_steps = models.TextField(_("agreed next steps"), blank=True)
    next_appointment = models.DateTimeField(_("next appointment"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking as on the person: the edit form carries the revision it was loaded
    # with. The database default covers rows written by bulk loads that do not name it.
    revision = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    history = HistoricalRecords(no_db_index=["counsellor"])
    objects = CounsellingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(
                fields=["migrant", "-held_on"],
                include=["counsellor", "id"],
                name="session_migrant_date",
            ),
            models.Index(fields=["counsellor", "held_on"], name="session_counsellor_date"),
            models.Index(fields=["counsellor", "next_appointment"], name="session_next_appt"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=720),
                name="integration_counsellingsession_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} – {self.migrant.full_name}"

    def get_absolute_url(self) -> str:
        return self.migrant.get_absolute_url() + f"#session-{self.pk}"

    def topic_labels(self) -> list[str]:
        from sites.enums import Area

        labels = dict(Area.choices)
        return [str(labels.get(code, code)) for code in self.topics]
