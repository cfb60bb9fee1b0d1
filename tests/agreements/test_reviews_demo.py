"""Demo reviews: realistic, consistent with the goals and dates, and idempotent."""

import datetime
import itertools

import pytest

from agreements.demo_reviews import seed_reviews
from agreements.enums import AgreementStatus, GoalStatus, ReviewOutcome
from agreements.models import Agreement, Goal, GoalOutcome, Review
from agreements.services.lifecycle import add_months
from agreements.services.reviews import GOAL_STATUS_FOR_OUTCOME
from tests.factories import GoalFactory, MigrantFactory, SignedAgreementFactory

TODAY = datetime.date(2026, 11, 24)
pytestmark = pytest.mark.django_db


def _agreement(centre, counsellor, *, signed_on, **kwargs):
    agreement = SignedAgreementFactory(
        migrant=MigrantFactory(centre=centre, counsellor=counsellor),
        signed_on=signed_on,
        review_interval_months=3,
        **kwargs,
    )
    for area in ("language", "work", "childcare"):
        GoalFactory(agreement=agreement, area=area, status=GoalStatus.OPEN)
    return agreement


def test_nothing_happens_without_agreements():
    seed_reviews(seed=1, today=TODAY)
    assert Review.objects.count() == 0


def test_demo_reviews_follow_the_interval_and_move_goals_and_dates(centre, counsellor):
    active = [
        _agreement(
            centre,
            counsellor,
            signed_on=TODAY - datetime.timedelta(days=540 - 20 * i),
            next_review_on=TODAY - datetime.timedelta(days=400),
        )
        for i in range(12)
    ]
    completed = _agreement(
        centre,
        counsellor,
        signed_on=datetime.date(2025, 6, 1),
        status=AgreementStatus.COMPLETED,
        ended_on=datetime.date(2026, 9, 1),
        next_review_on=None,
    )
    completed.goals.update(status=GoalStatus.ACHIEVED)
    fresh = _agreement(
        centre,
        counsellor,
        signed_on=TODAY - datetime.timedelta(days=10),
        next_review_on=TODAY + datetime.timedelta(days=80),
    )

    seed_reviews(seed=7, today=TODAY)

    assert Review.objects.filter(agreement=fresh).count() == 0
    for agreement in active:
        reviews = list(agreement.reviews.order_by("held_on"))
        assert 3 <= len(reviews) <= 7
        assert all(r.held_on <= TODAY and r.held_on > agreement.signed_on for r in reviews)
        assert reviews[0].due_on == add_months(agreement.signed_on, 3)
        for earlier, later in itertools.pairwise(reviews):
            assert later.due_on == earlier.next_review_on
        agreement.refresh_from_db()
        assert agreement.next_review_on == reviews[-1].next_review_on
        assert agreement.status == AgreementStatus.ACTIVE
        for goal in agreement.goals.all():
            last = goal.outcomes.order_by("-review__held_on").first()
            assert goal.status == GOAL_STATUS_FOR_OUTCOME[ReviewOutcome(last.outcome)]

    final = completed.reviews.get(is_final=True)
    assert final.held_on == completed.ended_on
    assert set(final.outcomes.values_list("outcome", flat=True)) == {ReviewOutcome.ACHIEVED}

    achieved = GoalOutcome.objects.filter(
        outcome=ReviewOutcome.ACHIEVED, review__in=Review.objects.filter(is_final=False)
    ).count()
    assert achieved > 0
    assert Review.history.filter(history_user=counsellor).count() == Review.objects.count()


def test_seeding_twice_adds_nothing(centre, counsellor):
    for i in range(5):
        _agreement(centre, counsellor, signed_on=datetime.date(2025, 9, 1 + i))
    seed_reviews(seed=3, today=TODAY)
    counts = (
        Review.objects.count(),
        GoalOutcome.objects.count(),
        Goal.history.count(),
        Agreement.history.count(),
    )
    assert counts[0] > 0
    seed_reviews(seed=3, today=TODAY)
    assert (
        Review.objects.count(),
        GoalOutcome.objects.count(),
        Goal.history.count(),
        Agreement.history.count(),
    ) == counts
