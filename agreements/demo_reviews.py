"""Demo reviews over the demo agreements' lifetime (deterministic, bulk, with history).

Runs after `agreements.demo.seed_agreements`. Every signed agreement gets its reviews at
the agreed interval since signing: most on time, some late, a few still outstanding (so
the dashboard shows overdue reviews); each goal heads for an outcome, reached to a high
degree as in the model project; completed agreements end with a final review.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agreements.enums import (
    AgreementStatus,
    GoalStatus,
    HurdleCategory,
    ReviewOutcome,
    StepStatus,
)
from agreements.models import Agreement, Goal, GoalOutcome, Review, Step
from agreements.services.lifecycle import add_months
from agreements.services.reviews import GOAL_STATUS_FOR_OUTCOME
from sites.enums import PartnerKind
from sites.models import Partner

# Where a goal ends up, unless the agreement already says (completed/ended early).
FATES = [
    (ReviewOutcome.ACHIEVED, 72),
    (ReviewOutcome.PARTLY_ACHIEVED, 15),
    (ReviewOutcome.NOT_ACHIEVED, 7),
    (ReviewOutcome.DROPPED, 6),
]
HURDLES = [
    (HurdleCategory.COURSE_WAITING_LIST, 30),
    (HurdleCategory.NO_CHILDCARE, 16),
    (HurdleCategory.RECOGNITION_PENDING, 12),
    (HurdleCategory.HEALTH, 8),
    (HurdleCategory.RESIDENCE_LAW, 7),
    (HurdleCategory.MONEY, 9),
    (HurdleCategory.HOUSING, 9),
    (HurdleCategory.MOTIVATION, 4),
    (HurdleCategory.OTHER, 5),
]
SUCCESSES = [
    "Integrationskurs begonnen, regelmäßige Teilnahme.",
    "B1-Prüfung bestanden.",
    "Kita-Platz für die Tochter gefunden.",
    "Antrag auf Anerkennung gestellt, Unterlagen vollständig.",
    "Praktikum im Einzelhandel vereinbart.",
    "Termin beim Jobcenter gemeinsam wahrgenommen.",
    "Wohnungsbesichtigung, Zusage in Aussicht.",
]
HURDLE_TEXTS = {
    HurdleCategory.COURSE_WAITING_LIST: "Kursbeginn erst in drei Monaten, Warteliste.",
    HurdleCategory.NO_CHILDCARE: "Noch kein Kita-Platz, Kurs am Vormittag schwierig.",
    HurdleCategory.RECOGNITION_PENDING: "Anerkennungsverfahren dauert, Übersetzungen fehlen.",
    HurdleCategory.HEALTH: "Längere Krankheit, Termine verschoben.",
    HurdleCategory.RESIDENCE_LAW: "Aufenthaltstitel läuft aus, Verlängerung beantragt.",
    HurdleCategory.MONEY: "Fahrtkosten zum Kurs nicht gedeckt.",
    HurdleCategory.HOUSING: "Wohnung zu klein, Umzug geplant.",
    HurdleCategory.MOTIVATION: "Nach Absage entmutigt.",
    HurdleCategory.OTHER: "Familiäre Belastung.",
}
CHANGES = [
    "",
    "",
    "Neuer Schritt: Anmeldung beim Kursträger.",
    "Zieltermin um drei Monate verschoben.",
    "Anerkennungsberatung zusätzlich einbezogen.",
]


def _weighted(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def _held(rng: random.Random, due: datetime.date) -> datetime.date:
    """Most reviews take place within a week or so of the date; a quarter much later."""
    if rng.random() < 0.76:
        return due + datetime.timedelta(days=rng.randint(-7, 12))
    return due + datetime.timedelta(days=rng.randint(16, 60))


def _final_outcome(status: str, fate: str) -> str:
    known = {
        GoalStatus.ACHIEVED: ReviewOutcome.ACHIEVED,
        GoalStatus.PARTLY_ACHIEVED: ReviewOutcome.PARTLY_ACHIEVED,
        GoalStatus.NOT_ACHIEVED: ReviewOutcome.NOT_ACHIEVED,
        GoalStatus.DROPPED: ReviewOutcome.DROPPED,
    }
    return known.get(status, fate)


@transaction.atomic
def seed_reviews(*, seed: int, today: datetime.date | None = None) -> None:
    """Idempotent: agreements (all versions of a number) that have a review are skipped."""
    rng = random.Random(seed + 6)  # noqa: S311 - demo data, not security
    today = today or timezone.localdate()
    reviewed = set(Review.objects.values_list("agreement__number", flat=True).distinct())
    versions = (
        Agreement.objects.exclude(status=AgreementStatus.DRAFT)
        .exclude(number__in=reviewed)
        .select_related("centre", "counsellor")
        .order_by("number", "version")
    )
    series: dict[str, list[Agreement]] = defaultdict(list)
    for agreement in versions:
        series[agreement.number].append(agreement)
    if not series:
        return
    goals_by_agreement: dict[int, list[Goal]] = defaultdict(list)
    for goal in Goal.objects.filter(agreement__in=[a for s in series.values() for a in s]):
        goals_by_agreement[goal.agreement_id].append(goal)
    partners: dict[int, list[Partner]] = defaultdict(list)
    for partner in Partner.objects.filter(
        kind__in=[PartnerKind.JOBCENTER, PartnerKind.COURSE_PROVIDER, PartnerKind.RECOGNITION]
    ):
        partners[partner.municipality_id].append(partner)

    reviews: list[Review] = []
    outcome_plans: list[tuple[Review, list[tuple[Goal, str]]]] = []
    next_dates: dict[int, datetime.date | None] = {}
    for number in sorted(series):
        next_review_on = _plan_series(
            rng, series[number], goals_by_agreement, partners, today, reviews, outcome_plans
        )
        if next_review_on is not None:
            next_dates[series[number][-1].pk] = next_review_on
    if not reviews:
        return
    bulk_create_with_history(reviews, Review, batch_size=1000, default_user=None)

    outcomes: list[GoalOutcome] = []
    latest: dict[int, tuple[datetime.date, str, Goal]] = {}
    for review, planned in outcome_plans:
        for goal, outcome in planned:
            item = GoalOutcome(review=review, goal=goal, outcome=outcome)
            item._history_user = review._history_user
            item._history_date = review._history_date
            outcomes.append(item)
            if goal.pk not in latest or latest[goal.pk][0].held_on <= review.held_on:
                latest[goal.pk] = (review, outcome, goal)
    bulk_create_with_history(outcomes, GoalOutcome, batch_size=2000, default_user=None)

    changed_goals = []
    ended_early = {
        a.pk for s in series.values() for a in s if a.status == AgreementStatus.ENDED_EARLY
    }
    for review, outcome, goal in latest.values():
        if goal.agreement_id in ended_early:
            continue  # ended without a final review: the goals keep how they were left
        status = GOAL_STATUS_FOR_OUTCOME[ReviewOutcome(outcome)]
        if goal.status != status:
            goal.status = status
            goal._history_user = review._history_user
            goal._history_date = review._history_date
            changed_goals.append(goal)
    if changed_goals:
        bulk_update_with_history(
            changed_goals, Goal, ["status"], batch_size=1000, default_user=None
        )
    _close_steps_of_achieved_goals(latest)
    changed_agreements = []
    by_pk = {a.pk: a for s in series.values() for a in s}
    for pk, next_review_on in next_dates.items():
        agreement = by_pk[pk]
        if agreement.next_review_on != next_review_on:
            agreement.next_review_on = next_review_on
            changed_agreements.append(agreement)
    if changed_agreements:
        bulk_update_with_history(
            changed_agreements, Agreement, ["next_review_on"], batch_size=1000, default_user=None
        )


def _close_steps_of_achieved_goals(latest: dict) -> None:
    """A goal reached is a goal whose steps were done: the start page should not remind of
    them."""
    reached = {
        goal.pk: review
        for review, outcome, goal in latest.values()
        if outcome == ReviewOutcome.ACHIEVED
    }
    ids = sorted(reached)
    steps = []
    for start in range(0, len(ids), 500):
        for step in Step.objects.filter(
            goal_id__in=ids[start : start + 500],
            status__in=(StepStatus.OPEN, StepStatus.IN_PROGRESS),
        ):
            review = reached[step.goal_id]
            step.status = StepStatus.DONE
            step.done_on = min(step.due_on or review.held_on, review.held_on)
            step._history_user = review._history_user
            step._history_date = review._history_date
            steps.append(step)
    if steps:
        bulk_update_with_history(
            steps, Step, ["status", "done_on"], batch_size=1000, default_user=None
        )


def _plan_series(
    rng, versions, goals_by_agreement, partners, today, reviews, outcome_plans
) -> datetime.date | None:
    """Reviews for all versions of one agreement, in time order; returns the current
    version's next review date when a review set it."""
    current = versions[-1]
    end = current.ended_on if current.status != AgreementStatus.ACTIVE else today
    # An agreement that has ended already says how its goals ended.
    fates: dict = {
        goal.key: _final_outcome(goal.status, ReviewOutcome.IN_PROGRESS)
        for goal in goals_by_agreement.get(current.pk, [])
        if current.status != AgreementStatus.ACTIVE
    }
    fates = {key: fate for key, fate in fates.items() if fate != ReviewOutcome.IN_PROGRESS}
    start = versions[0].signed_on
    span = max((end - start).days, 1)
    reach: dict = {}  # goal key -> the share of the way at which its fate shows
    # Some active agreements fall behind: their latest review is still outstanding.
    behind = current.status == AgreementStatus.ACTIVE and rng.random() < 0.1
    next_review_on = None
    last_of_current = None
    for index, version in enumerate(versions):
        until = versions[index + 1].signed_on if index + 1 < len(versions) else end
        goals = goals_by_agreement.get(version.pk, [])
        due = add_months(version.signed_on, version.review_interval_months)
        while True:
            held_on = _held(rng, due)
            if held_on >= until or held_on > today:
                break
            if version is current and behind and held_on > today - datetime.timedelta(days=45):
                break
            planned = []
            for goal in goals:
                fate = fates.setdefault(goal.key, _weighted(rng, FATES))
                point = reach.setdefault(goal.key, rng.uniform(0.25, 1.1))
                progress = (held_on - start).days / span
                if progress >= point:
                    planned.append((goal, fate))
                elif progress >= point * 0.6 and rng.random() < 0.3:
                    planned.append((goal, ReviewOutcome.PARTLY_ACHIEVED))
                else:
                    planned.append((goal, ReviewOutcome.IN_PROGRESS))
            following = add_months(held_on, version.review_interval_months)
            reviews.append(_review(rng, version, held_on, due, following, partners))
            outcome_plans.append((reviews[-1], planned))
            due = following
            if version is current:
                last_of_current = reviews[-1]
                next_review_on = following
    if current.status == AgreementStatus.COMPLETED and current.ended_on:
        goals = goals_by_agreement.get(current.pk, [])
        planned = [
            (goal, _final_outcome(goal.status, fates.get(goal.key, ReviewOutcome.ACHIEVED)))
            for goal in goals
        ]
        planned = [
            (goal, outcome if outcome != ReviewOutcome.IN_PROGRESS else ReviewOutcome.ACHIEVED)
            for goal, outcome in planned
        ]
        held_on = max(current.ended_on, current.signed_on)
        # The final review replaces whatever date was set last.
        due_on = (
            last_of_current.next_review_on
            if last_of_current is not None
            else add_months(current.signed_on, current.review_interval_months)
        )
        final = _review(rng, current, held_on, due_on, None, partners)
        final.is_final = True
        reviews.append(final)
        outcome_plans.append((final, planned))
    return next_review_on if current.status == AgreementStatus.ACTIVE else None


def _review(rng, agreement, held_on, due_on, next_review_on, partners) -> Review:
    categories = []
    if rng.random() < 0.55:
        categories = list(dict.fromkeys(_weighted(rng, HURDLES) for _ in range(rng.randint(1, 2))))
    partner = None
    if rng.random() < 0.15 and partners.get(agreement.centre.municipality_id):
        partner = rng.choice(partners[agreement.centre.municipality_id])
    review = Review(
        agreement=agreement,
        held_on=held_on,
        due_on=due_on,
        migrant_present=True,
        counsellor_present=True,
        interpreter_present=agreement.interpreter_present and rng.random() < 0.8,
        partner=partner,
        successes=rng.choice(SUCCESSES),
        hurdles=" ".join(HURDLE_TEXTS[c] for c in categories),
        hurdle_categories=categories,
        changes=rng.choice(CHANGES),
        next_review_on=next_review_on,
        recorded_by_id=agreement.counsellor_id,
    )
    review._history_user = agreement.counsellor
    review._history_date = timezone.make_aware(
        datetime.datetime.combine(held_on, datetime.time(11, 0))
    )
    return review
