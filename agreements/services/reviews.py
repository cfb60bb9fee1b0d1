"""Reviews (Überprüfung / Bilanz): recording the joint stock-take (the reminders that keep
reviews on time are in agreements.services.reminders).

A review is the joint stock-take of an active agreement: an outcome per goal, successes,
hurdles and the next date. Recording one moves the goals' statuses and the agreement's
next review date together, in one transaction; the final review completes the agreement.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agreements.enums import AgreementStatus, GoalStatus, HurdleCategory, ReviewOutcome
from agreements.models import Agreement, Goal, GoalOutcome, Review
from agreements.services.lifecycle import add_months, complete_agreement
from sites.attribution import attributed
from sites.errors import RuleError
from sites.models import Partner, User

__all__ = ["RuleError", "goals_for_review", "record_review"]

GOAL_STATUS_FOR_OUTCOME = {
    ReviewOutcome.ACHIEVED: GoalStatus.ACHIEVED,
    ReviewOutcome.PARTLY_ACHIEVED: GoalStatus.PARTLY_ACHIEVED,
    ReviewOutcome.IN_PROGRESS: GoalStatus.IN_PROGRESS,
    ReviewOutcome.NOT_ACHIEVED: GoalStatus.NOT_ACHIEVED,
    ReviewOutcome.DROPPED: GoalStatus.DROPPED,
}
# What the form suggests for a goal that has no outcome yet.
OUTCOME_FOR_GOAL_STATUS = {
    GoalStatus.OPEN: ReviewOutcome.IN_PROGRESS,
    **{status: outcome for outcome, status in GOAL_STATUS_FOR_OUTCOME.items()},
}
# "In progress" is not an ending: a completed agreement says how each goal ended.
FINAL_OUTCOMES = frozenset(ReviewOutcome) - {ReviewOutcome.IN_PROGRESS}


# --- recording a review ------------------------------------------------------------------


def _validated_outcomes(
    outcomes: Mapping[int, tuple[str, str]], goals: dict[int, Goal], *, final: bool
) -> dict[int, tuple[str, str]]:
    if set(outcomes) - set(goals):
        raise RuleError(_("An outcome names a goal that is not part of this agreement."))
    cleaned = {}
    for goal_id, (outcome, comment) in outcomes.items():
        if outcome not in ReviewOutcome.values:
            raise RuleError(_("“%(outcome)s” is not a known outcome.") % {"outcome": outcome})
        if final and outcome not in FINAL_OUTCOMES:
            raise RuleError(
                _("A final review says how each goal ended; “in progress” is not an ending.")
            )
        cleaned[goal_id] = (outcome, (comment or "").strip())
    if final and set(goals) - set(cleaned):
        raise RuleError(_("A final review needs an outcome for every goal."))
    return cleaned


def _validated_categories(categories: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(categories))
    unknown = [c for c in cleaned if c not in HurdleCategory.values]
    if unknown:
        raise RuleError(_("Unknown kind of hurdle: %(codes)s") % {"codes": ", ".join(unknown)})
    return cleaned


@attributed
def record_review(
    *,
    agreement: Agreement,
    user: User,
    held_on: datetime.date,
    outcomes: Mapping[int, tuple[str, str]],
    successes: str = "",
    hurdles: str = "",
    hurdle_categories: Iterable[str] = (),
    changes: str = "",
    next_review_on: datetime.date | None = None,
    migrant_present: bool = True,
    counsellor_present: bool = True,
    interpreter_present: bool = False,
    partner: Partner | None = None,
    final: bool = False,
    today: datetime.date | None = None,
) -> Review:
    """Record a review of an active agreement.

    `outcomes` maps goal ids to (outcome, comment). Each goal's status follows its outcome
    (a history entry in the acting user's name); the agreement gets the next review date,
    and the review keeps the date it replaced in `due_on`, so "held on time" can be
    measured. A final review needs an ending for every goal and completes the agreement.
    Either everything is written or nothing.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != AgreementStatus.ACTIVE:
            raise RuleError(_("Only a signed, active agreement can be reviewed."))
        if held_on > today:
            raise RuleError(_("A review can only be recorded once it has taken place."))
        if locked.signed_on and held_on < locked.signed_on:
            raise RuleError(_("A review cannot take place before the agreement was signed."))
        goals = {
            goal.pk: goal for goal in Goal.objects.select_for_update().filter(agreement=locked)
        }
        cleaned = _validated_outcomes(outcomes, goals, final=final)
        categories = _validated_categories(hurdle_categories)
        if final:
            next_review_on = None
        elif next_review_on is None:
            raise RuleError(_("Please set the date of the next review."))
        elif next_review_on <= held_on:
            raise RuleError(_("The next review must come after this one."))
        if partner is not None and partner.municipality_id != locked.centre.municipality_id:
            raise RuleError(_("The partner must work in the centre's municipality."))

        review = Review(
            agreement=locked,
            held_on=held_on,
            due_on=locked.next_review_on,
            migrant_present=migrant_present,
            counsellor_present=counsellor_present,
            interpreter_present=interpreter_present,
            partner=partner,
            successes=successes.strip(),
            hurdles=hurdles.strip(),
            hurdle_categories=categories,
            changes=changes.strip(),
            next_review_on=next_review_on,
            is_final=final,
            recorded_by=user,
        )
        review.save()
        bulk_create_with_history(
            [
                GoalOutcome(review=review, goal_id=goal_id, outcome=outcome, comment=comment)
                for goal_id, (outcome, comment) in cleaned.items()
            ],
            GoalOutcome,
            default_user=user,
        )
        changed = []
        for goal_id, (outcome, _comment) in cleaned.items():
            goal = goals[goal_id]
            status = GOAL_STATUS_FOR_OUTCOME[ReviewOutcome(outcome)]
            if goal.status != status:
                goal.status = status
                changed.append(goal)
        if changed:
            bulk_update_with_history(changed, Goal, ["status"], default_user=user)
            _carry_into_amendment(locked, changed, user)

        if final:
            complete_agreement(
                user=user,
                agreement=locked,
                completed_on=held_on,
                reason=_("final review on %(day)s") % {"day": held_on.strftime("%d.%m.%Y")},
            )
        else:
            locked.next_review_on = next_review_on
            locked.revision += 1
            locked._change_reason = _("review on %(day)s") % {"day": held_on.strftime("%d.%m.%Y")}
            locked.save()
        return review


def _carry_into_amendment(agreement: Agreement, goals: list[Goal], user: User) -> None:
    """An amendment being written copied the goals before this review; it takes over their
    new statuses, so the next version does not start from an outdated state."""
    status_by_key = {goal.key: goal.status for goal in goals}
    drafts = list(
        Goal.objects.filter(
            agreement__predecessor=agreement,
            agreement__status=AgreementStatus.DRAFT,
            key__in=status_by_key,
        )
    )
    for draft in drafts:
        draft.status = status_by_key[draft.key]
    if drafts:
        bulk_update_with_history(drafts, Goal, ["status"], default_user=user)


def suggested_next_review(agreement: Agreement, held_on: datetime.date) -> datetime.date:
    return add_months(held_on, agreement.review_interval_months)


def goals_for_review(agreement: Agreement) -> QuerySet[Goal]:
    """The agreement's goals with the last recorded outcome, across earlier versions too.

    Goals keep their key when an agreement is amended, so the outcome of the previous
    version's review is what the form preselects.
    """
    latest = GoalOutcome.objects.filter(
        goal__agreement__number=OuterRef("agreement__number"), goal__key=OuterRef("key")
    ).order_by("-review__held_on", "-review_id")
    return (
        agreement.goals.annotate(
            last_outcome=Subquery(latest.values("outcome")[:1]),
            last_comment=Subquery(latest.values("comment")[:1]),
            last_review_on=Subquery(latest.values("review__held_on")[:1]),
        )
        .prefetch_related("steps__partner")
        .order_by("position", "pk")
    )


def initial_outcome(goal: Goal) -> str:
    return getattr(goal, "last_outcome", None) or OUTCOME_FOR_GOAL_STATUS[GoalStatus(goal.status)]
