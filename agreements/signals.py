"""Kept evaluation figures are deleted when the data they were counted from changes."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from agreements.models import Agreement, EvaluationFigures, Goal, GoalOutcome, Review
from integration.models import Migrant


def _forget(**centre_filter) -> None:
    # One DELETE, no read: the centre is found by a subquery where the row does not hold it.
    EvaluationFigures.objects.filter(**centre_filter).delete()


@receiver([post_save, post_delete], sender=Migrant)
@receiver([post_save, post_delete], sender=Agreement)
def forget_centre_figures(sender, instance, **kwargs) -> None:
    _forget(centre_id=instance.centre_id)


@receiver([post_save, post_delete], sender=Goal)
@receiver([post_save, post_delete], sender=Review)
def forget_agreement_figures(sender, instance, **kwargs) -> None:
    _forget(centre__agreements=instance.agreement_id)


@receiver([post_save, post_delete], sender=GoalOutcome)
def forget_review_figures(sender, instance, **kwargs) -> None:
    _forget(centre__agreements__reviews=instance.review_id)
