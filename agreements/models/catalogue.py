"""The goal catalogue a counsellor picks from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.enums import (
    Responsible,
)
from sites.django_overrides import ChoiceDisplay
from sites.enums import Area, PartnerKind


class GoalTemplate(ChoiceDisplay, models.Model):
    """Catalogue entry: a common goal a counsellor picks and adapts."""

    area = models.CharField(_("area"), max_length=20, choices=Area)
    text = models.CharField(_("goal"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("catalogue goal")
        verbose_name_plural = _("goal catalogue")
        ordering = ["area", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class StepTemplate(ChoiceDisplay, models.Model):
    goal_template = models.ForeignKey(
        GoalTemplate,
        verbose_name=_("catalogue goal"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    description = models.CharField(_("what is to be done"), max_length=300)
    responsible = models.CharField(
        _("who"), max_length=12, choices=Responsible, default=Responsible.MIGRANT
    )
    partner_kind = models.CharField(
        _("partner kind"), max_length=30, choices=PartnerKind, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("catalogue step")
        verbose_name_plural = _("catalogue steps")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description
