"""Kept evaluation figures are deleted when the data they were counted from changes: people,
agreements, goals, steps (their progress), reviews (with the clients' ratings), outcomes.

A draft counts in no figure (the evaluation counts signed, amended, completed and ended
agreements, and reviews and outcomes, which only signed agreements have), so editing a
draft, its goals and steps leaves the figures alone: a draft is saved with every change
the counsellor makes, and the DELETE was a tenth of that save's database time.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from agreements.enums import AgreementStatus
from agreements.models import Agreement, EvaluationFigures, Goal, GoalOutcome, Review, Step
from people.models import Migrant


def _forget(**centre_filter) -> None:
    # One DELETE, no read: the centre is found by a subquery where the row does not hold it.
    EvaluationFigures.objects.filter(**centre_filter).delete()


def _is_draft(agreement: Agreement) -> bool:
    return agreement.status == AgreementStatus.DRAFT


@receiver([post_save, post_delete], sender=Migrant)
def forget_person_figures(sender, instance, **kwargs) -> None:
    _forget(centre_id=instance.centre_id)


@receiver([post_save, post_delete], sender=Agreement)
def forget_centre_figures(sender, instance, **kwargs) -> None:
    if not _is_draft(instance):
        _forget(centre_id=instance.centre_id)


@receiver([post_save, post_delete], sender=Goal)
def forget_goal_figures(sender, instance, **kwargs) -> None:
    # Only when the goal's agreement is at hand: finding out would cost what it saves.
    if Goal.agreement.is_cached(instance) and _is_draft(instance.agreement):
        return
    _forget(centre__agreements=instance.agreement_id)


@receiver([post_save, post_delete], sender=Step)
def forget_step_figures(sender, instance, **kwargs) -> None:
    # Progress on a signed version (done, cancelled, postponed) moves the step figures;
    # a draft's steps count in none, and are skipped when the draft is at hand (as goals).
    if (
        Step.goal.is_cached(instance)
        and Goal.agreement.is_cached(instance.goal)
        and _is_draft(instance.goal.agreement)
    ):
        return
    _forget(centre__agreements__goals=instance.goal_id)


@receiver([post_save, post_delete], sender=Review)
def forget_agreement_figures(sender, instance, **kwargs) -> None:
    _forget(centre__agreements=instance.agreement_id)


@receiver([post_save, post_delete], sender=GoalOutcome)
def forget_review_figures(sender, instance, **kwargs) -> None:
    _forget(centre__agreements__reviews=instance.review_id)
