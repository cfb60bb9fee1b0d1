"""Reviews (Überprüfung / Bilanz) and the reminders that keep them on time.

A review is the joint stock-take of an active agreement: an outcome per goal, successes,
hurdles and the next date. Recording one moves the goals' statuses and the agreement's
next review date together, in one transaction; the final review completes the agreement.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agreements.enums import AgreementStatus, GoalStatus, HurdleCategory, ReviewOutcome, StepStatus
from agreements.models import Agreement, Goal, GoalOutcome, ReminderDigest, Review, Step
from agreements.services.lifecycle import add_months, complete_agreement
from people.models import CounsellingSession
from sites.attribution import attributed
from sites.errors import RuleError
from sites.models import Membership, Partner, User

__all__ = [
    "DUE_SOON_DAYS",
    "RuleError",
    "due_reviews",
    "due_window",
    "goals_for_review",
    "home_items",
    "record_review",
    "reminder_digests",
    "send_reminders",
]

# "Due this week" means the next seven days, so a Friday still shows next Thursday.
DUE_SOON_DAYS = 7
HOME_LIST_LIMIT = 10
# An e-mail lists this many items per section and links to the rest.
DIGEST_LIST_LIMIT = 25
OPEN_STEP_STATUSES = (StepStatus.OPEN, StepStatus.IN_PROGRESS)

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


def due_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day that count as "due soon" (today included)."""
    return today, today + datetime.timedelta(days=DUE_SOON_DAYS - 1)


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


# --- reminders ---------------------------------------------------------------------------


def _reviewable(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return queryset.filter(status=AgreementStatus.ACTIVE, next_review_on__isnull=False)


def due_reviews(
    queryset: QuerySet[Agreement], *, state: str, today: datetime.date
) -> QuerySet[Agreement]:
    """Active agreements whose review is overdue ("overdue"), due within the next days
    ("soon"), or either ("due")."""
    first, last = due_window(today)
    queryset = _reviewable(queryset)
    if state == "overdue":
        queryset = queryset.filter(next_review_on__lt=first)
    elif state == "soon":
        queryset = queryset.filter(next_review_on__range=(first, last))
    else:
        queryset = queryset.filter(next_review_on__lte=last)
    return queryset.order_by("next_review_on", "pk")


def overdue_steps(queryset: QuerySet[Step], today: datetime.date) -> QuerySet[Step]:
    return queryset.filter(
        status__in=OPEN_STEP_STATUSES,
        due_on__lt=today,
        goal__agreement__status=AgreementStatus.ACTIVE,
    )


def home_items(*, user: User, today: datetime.date | None = None) -> dict:
    """The start page's reminders: the user's reviews overdue and due soon, steps past due.

    Five queries whatever the caseload: one count over the agreements, one over the steps,
    and the first few rows of each list.
    """
    today = today or timezone.localdate()
    first, last = due_window(today)
    own = _reviewable(Agreement.objects.visible_to(user).filter(counsellor=user))
    counts = own.aggregate(
        overdue=Count("pk", filter=Q(next_review_on__lt=first)),
        due_soon=Count("pk", filter=Q(next_review_on__range=(first, last))),
    )
    rows = own.select_related("migrant").order_by("next_review_on", "pk")
    steps = overdue_steps(
        Step.objects.filter(goal__agreement__in=Agreement.objects.visible_to(user)), today
    ).filter(goal__agreement__counsellor=user)
    return {
        "today": today,
        "reviews_overdue": list(rows.filter(next_review_on__lt=first)[:HOME_LIST_LIMIT]),
        "reviews_overdue_count": counts["overdue"],
        "reviews_due_soon": list(
            rows.filter(next_review_on__range=(first, last))[:HOME_LIST_LIMIT]
        ),
        "reviews_due_soon_count": counts["due_soon"],
        "steps_overdue": list(
            steps.select_related("goal__agreement__migrant", "partner").order_by("due_on", "pk")[
                :HOME_LIST_LIMIT
            ]
        ),
        "steps_overdue_count": steps.count(),
        "due_soon_days": DUE_SOON_DAYS,
    }


@dataclass
class Digest:
    """What one counsellor is reminded of on one day."""

    user: User
    reviews_overdue: list[Agreement] = field(default_factory=list)
    reviews_due_soon: list[Agreement] = field(default_factory=list)
    steps_overdue: list[Step] = field(default_factory=list)
    appointments: list[CounsellingSession] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return (
            len(self.reviews_overdue)
            + len(self.reviews_due_soon)
            + len(self.steps_overdue)
            + len(self.appointments)
        )


def _still_member(counsellor_path: str, centre_path: str) -> Exists:
    # A counsellor who left a centre is not reminded of its cases (and could not open them).
    return Exists(
        Membership.objects.filter(user=OuterRef(counsellor_path), centre=OuterRef(centre_path))
    )


def reminder_digests(*, today: datetime.date, batch_size: int = 500) -> Iterable[Digest]:
    """Yield one digest per active counsellor with an e-mail address who has something due
    and has not had today's digest yet.

    Works in batches of counsellors with three queries each, so a national run does not
    hold every open item in memory at once.
    """
    first, last = due_window(today)
    agreements = _reviewable(Agreement.objects.all()).filter(
        _still_member("counsellor", "centre"), next_review_on__lte=last
    )
    steps = overdue_steps(Step.objects.all(), today).filter(
        _still_member("goal__agreement__counsellor", "goal__agreement__centre")
    )
    # A range on the column itself (not __date), so an index on it can serve the query.
    day_starts = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    appointments = CounsellingSession.objects.filter(
        _still_member("counsellor", "migrant__centre"),
        next_appointment__gte=day_starts,
        next_appointment__lt=day_starts + datetime.timedelta(days=1),
    )
    candidates = (
        set(agreements.values_list("counsellor_id", flat=True).distinct())
        | set(steps.values_list("goal__agreement__counsellor_id", flat=True).distinct())
        | set(appointments.values_list("counsellor_id", flat=True).distinct())
    )
    already = set(User.objects.filter(reminder_digests__sent_on=today).values_list("pk", flat=True))
    ids = sorted(candidates - already)
    for start in range(0, len(ids), batch_size):
        users = {
            user.pk: user
            for user in User.objects.filter(pk__in=ids[start : start + batch_size], is_active=True)
            .exclude(email="")
            .order_by("pk")
        }
        digests = {pk: Digest(user=user) for pk, user in users.items()}
        for agreement in (
            agreements.filter(counsellor_id__in=users)
            .select_related("migrant")
            .only("number", "version", "next_review_on", "counsellor_id", "migrant__case_number")
            .order_by("next_review_on", "pk")
        ):
            digest = digests[agreement.counsellor_id]
            if agreement.next_review_on < first:
                digest.reviews_overdue.append(agreement)
            else:
                digest.reviews_due_soon.append(agreement)
        for step in (
            steps.filter(goal__agreement__counsellor_id__in=users)
            .select_related("goal__agreement")
            .order_by("due_on", "pk")
        ):
            digests[step.goal.agreement.counsellor_id].steps_overdue.append(step)
        for session in (
            appointments.filter(counsellor_id__in=users)
            .select_related("migrant")
            .only("next_appointment", "counsellor_id", "migrant__case_number")
            .order_by("next_appointment", "pk")
        ):
            digests[session.counsellor_id].appointments.append(session)
        for digest in digests.values():
            if digest.item_count:
                yield digest


def _section(title: str, items: list, line) -> dict:
    return {
        "title": title,
        "lines": [line(item) for item in items[:DIGEST_LIST_LIMIT]],
        "more": max(len(items) - DIGEST_LIST_LIMIT, 0),
    }


def _digest_sections(digest: Digest) -> list[dict]:
    def review_line(agreement: Agreement) -> tuple[str, str]:
        text = _("%(number)s, due on %(day)s") % {
            "number": agreement.number,
            "day": agreement.next_review_on.strftime("%d.%m.%Y"),
        }
        return text, reverse("agreements:review-add", args=[agreement.pk])

    def step_line(step: Step) -> tuple[str, str]:
        text = _("%(number)s: step due on %(day)s (who: %(who)s)") % {
            "number": step.goal.agreement.number,
            "who": step.get_responsible_display(),
            "day": step.due_on.strftime("%d.%m.%Y"),
        }
        return text, step.get_absolute_url()

    def appointment_line(session: CounsellingSession) -> tuple[str, str]:
        text = _("%(time)s, case %(number)s") % {
            "time": timezone.localtime(session.next_appointment).strftime("%H:%M"),
            "number": session.migrant.case_number,
        }
        return text, reverse("integration:migrant-detail", args=[session.migrant_id])

    sections = [
        (_("Appointments today"), digest.appointments, appointment_line),
        (_("Reviews overdue"), digest.reviews_overdue, review_line),
        (
            _("Reviews due within %(days)s days") % {"days": DUE_SOON_DAYS},
            digest.reviews_due_soon,
            review_line,
        ),
        (_("Steps past their due date"), digest.steps_overdue, step_line),
    ]
    return [_section(title, items, line) for title, items, line in sections if items]


def render_digest(digest: Digest, *, today: datetime.date, base_url: str) -> EmailMessage:
    """The e-mail for one digest, in the site's language (German unless configured).

    E-mail leaves our systems: it names no person and carries no free text, only case
    and agreement numbers, dates and links into the application.
    """
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "digest": digest,
            "today": today,
            "base_url": base_url.rstrip("/"),
            "sections": _digest_sections(digest),
        }
        subject = render_to_string("agreements/email/reminder_digest_subject.txt", context)
        body = render_to_string("agreements/email/reminder_digest.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[digest.user.email])


def send_reminders(*, today: datetime.date | None = None, base_url: str = "") -> int:
    """Send today's digests; returns how many went out. Safe to run again the same day.

    The day's ReminderDigest row and the e-mail go together: if sending fails the row is
    rolled back and the next run tries again; once the row exists, nobody gets a second
    copy.
    """
    today = today or timezone.localdate()
    sent = 0
    for digest in reminder_digests(today=today):
        with transaction.atomic():
            _row, created = ReminderDigest.objects.get_or_create(
                user=digest.user, sent_on=today, defaults={"item_count": digest.item_count}
            )
            if not created:
                continue
            render_digest(digest, today=today, base_url=base_url).send()
        sent += 1
    return sent
