from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.models.migrants import Migrant
from people.models.privacy import FourEyesRequest
from sites.django_overrides import ChoiceDisplay


class MergeRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> MergeRequestQuerySet:
        return self.filter(merged__in=Migrant.objects.visible_to(user))


class MergeRequest(ChoiceDisplay, FourEyesRequest):
    """Two records of one person made one: asked for by a supervisor, carried out when a
    second supervisor of the centre confirms (four eyes, like an erasure)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        MERGED = "merged", _("confirmed and merged")
        REJECTED = "rejected", _("rejected")

    merged = models.ForeignKey(
        Migrant,
        verbose_name=_("record merged away"),
        on_delete=models.CASCADE,
        related_name="merge_requests",
    )
    kept = models.ForeignKey(
        Migrant,
        verbose_name=_("record kept"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)

    objects = MergeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("merge request")
        verbose_name_plural = _("merge requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(status="pending"),
                name="integration_mergerequest_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(merged=models.F("kept")), name="integration_mergerequest_two_records"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.kept_id} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("integration:merge", args=[self.merged_id])
