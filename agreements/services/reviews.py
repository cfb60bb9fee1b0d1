"""Reviews (Überprüfung / Bilanz): recording the joint stock-take (the reminders that keep
reviews on time are in agreements.services.reminders).

A review is the joint stock-take of an active agreement: an outcome per open goal and a
status per step of those goals, successes, hurdles, the client's own view and the next date.
Recording one moves the goals' statuses, the steps' progress and the agreement's next review
date together, in one transaction; the final review completes the agreement.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agreements.enums import (
    STEP_STATUSES_TO_DO,
    AgreementStatus,
    ClientRating,
    GoalStatus,
    HurdleCategory,
    ReviewOutcome,
    StepStatus,
)
from agreements.models import Agreement, Goal, GoalOutcome, Review, Step, StepOutcome
from agreements.services.lifecycle import (
    add_months,
    apply_step_progress,
    carry_progress_into_amendment,
    complete_agreement,
    progress_reason,
)
from agreements.terms import STEP_PROGRESS
from sites.attribution import attributed
from sites.errors import RuleError
from sites.models import Partner, User

__all__ = [
    "AlreadyRecorded",
    "RuleError",
    "goals_for_review",
    "is_open_goal",
    "record_review",
    "unfinished_steps_message",
]

GOAL_STATUS_FOR_OUTCOME = {
    ReviewOutcome.ACHIEVED: GoalStatus.ACHIEVED,
    ReviewOutcome.PARTLY_ACHIEVED: GoalStatus.PARTLY_ACHIEVED,
    ReviewOutcome.IN_PROGRESS: GoalStatus.IN_PROGRESS,
    ReviewOutcome.NOT_ACHIEVED: GoalStatus.NOT_ACHIEVED,
    ReviewOutcome.DROPPED: GoalStatus.DROPPED,
}
# "In progress" is not an ending: a completed agreement says how each goal ended.
FINAL_OUTCOMES = frozenset(ReviewOutcome) - {ReviewOutcome.IN_PROGRESS}
# A goal reached or given up is settled: later reviews no longer ask about it (a "partly" or
# "not achieved" is a stock-take on the way and is asked again). The final review records
# a settled goal's ending as it stands.
SETTLED_GOAL_STATUSES = frozenset({GoalStatus.ACHIEVED, GoalStatus.DROPPED})

# A step's outcome at a review: its status then, a comment, the new date if postponed.
StepOutcomeInput = tuple[str, str, datetime.date | None]


class AlreadyRecorded(Exception):
    """The same form was sent before (double click, second tab): `review` is the one it
    recorded."""

    def __init__(self, review: Review):
        super().__init__(review.pk)
        self.review = review


def is_open_goal(goal: Goal) -> bool:
    return goal.status not in SETTLED_GOAL_STATUSES


def unfinished_steps_message(goal: Goal, steps: Iterable[Step]) -> str:
    return _(
        "The goal “%(goal)s” is marked achieved, but these steps are not finished: "
        "%(steps)s. Say for each whether it was done or cancelled."
    ) % {"goal": goal.text, "steps": ", ".join(f"„{step.description}“" for step in steps)}


def missing_outcome_message(goal: Goal) -> str:
    return _("Please give an outcome for the goal “%(goal)s”.") % {"goal": goal.text}


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
    for goal in goals.values():
        if goal.pk not in cleaned and is_open_goal(goal):
            raise RuleError(missing_outcome_message(goal))
    return cleaned


def _validated_categories(categories: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(categories))
    unknown = [c for c in cleaned if c not in HurdleCategory.values]
    if unknown:
        raise RuleError(_("Unknown kind of hurdle: %(codes)s") % {"codes": ", ".join(unknown)})
    return cleaned


def _validated_rating(rating: int | None) -> int | None:
    if rating is not None and rating not in ClientRating.values:
        raise RuleError(_("The client's answer is a number from 1 to 5."))
    return rating


def _step_outcomes(
    step_outcomes: Mapping[int, StepOutcomeInput],
    steps: dict[int, Step],
    reviewed_goal_ids: set[int],
) -> dict[int, StepOutcomeInput]:
    """Every step of a reviewed goal gets an outcome; one not named stands as it is."""
    if set(step_outcomes) - set(steps):
        raise RuleError(_("An outcome names a step that is not part of this agreement."))
    cleaned = {}
    for step in steps.values():
        if step.pk in step_outcomes:
            status, comment, postponed_to = step_outcomes[step.pk]
        elif step.goal_id in reviewed_goal_ids:
            status, comment, postponed_to = step.status, "", step.postponed_to
        else:
            continue
        if status != StepStatus.POSTPONED:
            postponed_to = None
        cleaned[step.pk] = (status, (comment or "").strip(), postponed_to)
    return cleaned


def _moves_step(step: Step, status: str, postponed_to: datetime.date | None) -> bool:
    """A review changes a step's progress only where its status (or new date) differs: a
    step that stands as it was keeps its date and note, and gets no history entry."""
    return status != step.status or (
        status == StepStatus.POSTPONED and postponed_to != step.postponed_to
    )


def check_step_outcome(
    step: Step,
    *,
    agreement: Agreement,
    status: str,
    comment: str,
    postponed_to: datetime.date | None,
    held_on: datetime.date,
    next_review_on: datetime.date | None,
    today: datetime.date,
) -> list[str]:
    """Set a step's outcome as its progress on `step` (not saved), by the lifecycle's one
    rule; a postponement reaches up to the next review agreed at this one. Returns the
    changed fields (none for a step that stands as it was)."""
    if not _moves_step(step, status, postponed_to):
        return []
    try:
        return apply_step_progress(
            step,
            agreement=agreement,
            status=status,
            on=held_on,
            note=comment,
            postponed_to=postponed_to,
            limit=next_review_on,
            today=today,
        )
    except RuleError as error:
        raise RuleError(
            _("Step “%(step)s”: %(error)s") % {"step": step.description, "error": error}
        ) from error


@attributed
def record_review(
    *,
    agreement: Agreement,
    user: User,
    held_on: datetime.date,
    outcomes: Mapping[int, tuple[str, str]],
    step_outcomes: Mapping[int, StepOutcomeInput] | None = None,
    successes: str = "",
    hurdles: str = "",
    hurdle_categories: Iterable[str] = (),
    changes: str = "",
    next_review_on: datetime.date | None = None,
    migrant_present: bool = True,
    counsellor_present: bool = True,
    interpreter_present: bool = False,
    partner: Partner | None = None,
    client_rating: int | None = None,
    client_most_helpful: str = "",
    client_wish: str = "",
    submission_key: uuid.UUID | None = None,
    final: bool = False,
    today: datetime.date | None = None,
) -> Review:
    """Record a review of an active agreement.

    `outcomes` maps goal ids to (outcome, comment): every open goal needs one (a goal
    achieved or dropped before is settled; the final review records its ending as it
    stands). `step_outcomes` maps step ids to (status, comment, postponed_to); a step of a
    reviewed goal that is not named stands as it is. Each goal's status follows its
    outcome, each step's progress its outcome (history entries in the acting user's name);
    a goal marked achieved needs each of its steps done or cancelled. The agreement gets
    the next review date, and the review keeps the date it replaced in `due_on`, so "held
    on time" can be measured. A final review needs an ending for every goal and completes
    the agreement. The same `submission_key` sent again records nothing and raises
    AlreadyRecorded with the review it recorded. Either everything is written or nothing.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        # The lock also orders two posts of the same form: the second finds the first.
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if submission_key is not None:
            earlier = Review.objects.filter(submission_key=submission_key).first()
            if earlier is not None and earlier.agreement_id == locked.pk:
                raise AlreadyRecorded(earlier)
        if locked.status != AgreementStatus.ACTIVE:
            raise RuleError(_("Only a signed, active agreement can be reviewed."))
        if held_on > today:
            raise RuleError(_("A review can only be recorded once it has taken place."))
        if locked.signed_on and held_on < locked.signed_on:
            raise RuleError(_("A review cannot take place before the agreement was signed."))
        goals = {
            goal.pk: goal
            for goal in Goal.objects.select_for_update()
            .filter(agreement=locked)
            .order_by("position", "pk")
        }
        steps = {
            step.pk: step
            for step in Step.objects.select_for_update()
            .filter(goal__agreement=locked)
            .order_by("goal__position", "goal_id", "position", "pk")
        }
        cleaned = _validated_outcomes(outcomes, goals, final=final)
        if final:
            for goal in goals.values():
                if goal.pk not in cleaned:
                    cleaned[goal.pk] = (ReviewOutcome(goal.status), "")
        categories = _validated_categories(hurdle_categories)
        rating = _validated_rating(client_rating)
        if final:
            next_review_on = None
        elif next_review_on is None:
            raise RuleError(_("Please set the date of the next review."))
        elif next_review_on <= held_on:
            raise RuleError(_("The next review must come after this one."))
        if partner is not None and partner.municipality_id != locked.centre.municipality_id:
            raise RuleError(_("The partner must work in the centre's municipality."))

        reviewed = {goal_id for goal_id in cleaned if is_open_goal(goals[goal_id])}
        step_cleaned = _step_outcomes(step_outcomes or {}, steps, reviewed)
        moved = []
        for step_id, (status, comment, postponed_to) in step_cleaned.items():
            step = steps[step_id]
            if check_step_outcome(
                step,
                agreement=locked,
                status=status,
                comment=comment,
                postponed_to=postponed_to,
                held_on=held_on,
                next_review_on=next_review_on,
                today=today,
            ):
                moved.append(step)
        for goal_id in outcomes:
            # A goal settled before keeps its ending at the final review; only a goal
            # judged now must account for its steps.
            if cleaned[goal_id][0] != ReviewOutcome.ACHIEVED:
                continue
            unfinished = [
                step
                for step in steps.values()
                if step.goal_id == goal_id and step.status in STEP_STATUSES_TO_DO
            ]
            if unfinished:
                raise RuleError(unfinished_steps_message(goals[goal_id], unfinished))

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
            client_rating=rating,
            client_most_helpful=(client_most_helpful or "").strip(),
            client_wish=(client_wish or "").strip(),
            submission_key=submission_key,
            recorded_by=user,
        )
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError as error:
            # Only the key is unique here: it was sent with another agreement's review.
            raise RuleError(
                _("This form was already sent. Open the review form again to record a review.")
            ) from error
        bulk_create_with_history(
            [
                GoalOutcome(review=review, goal_id=goal_id, outcome=outcome, comment=comment)
                for goal_id, (outcome, comment) in cleaned.items()
            ],
            GoalOutcome,
            default_user=user,
        )
        bulk_create_with_history(
            [
                StepOutcome(
                    review=review,
                    step_id=step_id,
                    status=status,
                    comment=comment,
                    postponed_to=postponed_to,
                )
                for step_id, (status, comment, postponed_to) in step_cleaned.items()
            ],
            StepOutcome,
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
        if moved:
            for step in moved:
                step.revision += 1
                step._change_reason = progress_reason(step)
            bulk_update_with_history(moved, Step, [*STEP_PROGRESS, "revision"], default_user=user)
            carry_progress_into_amendment(locked, moved)

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

    Goals keep their key when an agreement is amended, so the form shows the previous
    version's review beside each goal (it preselects nothing: each goal's outcome is
    judged anew).
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
