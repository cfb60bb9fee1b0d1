from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.enums import (
    AccessAction,
)
from people.models.migrants import Migrant
from sites.django_overrides import ChoiceDisplay
from sites.models import CounsellingCentre
from sites.permissions import supervised_centre_ids


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccessLogQuerySet:
        if not user.is_authenticated:
            return self.none()
        # The centres' supervisors read who accessed what.
        return self.filter(centre_id__in=supervised_centre_ids(user))


class AccessLog(ChoiceDisplay, models.Model):
    """Who read or took away which personal data, and when."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT
    )
    centre = models.ForeignKey(
        CounsellingCentre, verbose_name=_("counselling centre"), on_delete=models.CASCADE
    )
    migrant = models.ForeignKey(
        Migrant,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_log",
    )
    action = models.CharField(_("action"), max_length=16, choices=AccessAction)
    detail = models.CharField(_("what"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["centre", "-at"], name="accesslog_centre_at"),
            models.Index(fields=["migrant", "-at"], name="accesslog_migrant_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.user} {self.get_action_display()}"


class ErasureRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> ErasureRequestQuerySet:
        return self.filter(migrant__in=Migrant.objects.visible_to(user))


class FourEyesRequest(models.Model):
    """A request one person makes and another decides (erasure, merge): who asked when,
    who decided when, and why."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        abstract = True


class ErasureRequest(ChoiceDisplay, FourEyesRequest):
    """Anonymising a closed case: requested by a counsellor, carried out after a supervisor
    approves (four eyes)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved and carried out")
        REJECTED = "rejected", _("rejected")

    migrant = models.ForeignKey(
        Migrant, verbose_name=_("client"), on_delete=models.CASCADE, related_name="erasure_requests"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["migrant"],
                condition=Q(status="pending"),
                name="integration_erasurerequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.migrant_id} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return self.migrant.get_absolute_url()


class PasswordResetRequest(models.Model):
    """One request for a password-reset mail, counted to throttle the mails per client
    address and per account. Both are kept only as keyed hashes: enough to count, useless
    to learn who asked (and an unknown address is counted like a known one, so the limit
    tells nobody which addresses have an account)."""

    at = models.DateTimeField(default=timezone.now)
    address_hash = models.CharField(max_length=64)
    account_hash = models.CharField(max_length=64)
    sent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["address_hash", "at"], name="pwreset_address_at"),
            models.Index(fields=["account_hash", "at"], name="pwreset_account_at"),
            # The service deletes rows past the window by date.
            models.Index(fields=["at"], name="pwreset_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.address_hash[:8]}"
