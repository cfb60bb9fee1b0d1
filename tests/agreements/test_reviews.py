"""Recording reviews: goals, dates and completion move together or not at all."""

import datetime

import pytest
from django.db import DatabaseError, connection

from agreements.enums import AgreementStatus, GoalStatus, HurdleCategory, ReviewOutcome
from agreements.models import Agreement, Goal, GoalOutcome, Review
from agreements.services.reviews import goals_for_review, initial_outcome, record_review
from sites.errors import RuleError
from tests.factories import (
    AgreementFactory,
    GoalFactory,
    GoalOutcomeFactory,
    MigrantFactory,
    PartnerFactory,
    ReviewFactory,
    SignedAgreementFactory,
)

TODAY = datetime.date(2026, 11, 24)
pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(centre, counsellor):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    agreement = SignedAgreementFactory(
        migrant=migrant, signed_on=datetime.date(2026, 3, 1), next_review_on=TODAY
    )
    GoalFactory(agreement=agreement, area="language", status=GoalStatus.OPEN)
    GoalFactory(agreement=agreement, area="work", status=GoalStatus.IN_PROGRESS)
    return agreement


def _goals(agreement):
    return list(Goal.objects.filter(agreement=agreement).order_by("pk"))


def _snapshot(agreement):
    agreement.refresh_from_db()
    return {
        "reviews": Review.objects.count(),
        "outcomes": GoalOutcome.objects.count(),
        "goal_statuses": [g.status for g in _goals(agreement)],
        "next_review_on": agreement.next_review_on,
        "status": agreement.status,
        "revision": agreement.revision,
        "history": (
            Goal.history.count(),
            Agreement.history.count(),
            Review.history.count(),
            GoalOutcome.history.count(),
        ),
    }


def test_a_review_updates_goals_and_the_next_date_and_keeps_the_date_it_replaced(
    agreement, counsellor
):
    language, work = _goals(agreement)
    review = record_review(
        agreement=agreement,
        user=counsellor,
        held_on=TODAY,
        outcomes={
            language.pk: (ReviewOutcome.ACHIEVED, "B1 bestanden"),
            work.pk: (ReviewOutcome.PARTLY_ACHIEVED, ""),
        },
        successes="Kurs abgeschlossen",
        hurdles="Warteliste Kita",
        hurdle_categories=[HurdleCategory.NO_CHILDCARE, HurdleCategory.NO_CHILDCARE],
        next_review_on=datetime.date(2027, 2, 24),
        today=TODAY,
    )

    agreement.refresh_from_db()
    assert [g.status for g in _goals(agreement)] == [
        GoalStatus.ACHIEVED,
        GoalStatus.PARTLY_ACHIEVED,
    ]
    assert agreement.next_review_on == datetime.date(2027, 2, 24)
    assert agreement.status == AgreementStatus.ACTIVE
    assert review.due_on == TODAY
    assert review.hurdle_categories == [HurdleCategory.NO_CHILDCARE]
    assert review.is_final is False
    assert sorted(review.outcomes.values_list("goal_id", "outcome", "comment")) == [
        (language.pk, ReviewOutcome.ACHIEVED, "B1 bestanden"),
        (work.pk, ReviewOutcome.PARTLY_ACHIEVED, ""),
    ]


def test_goal_changes_are_history_entries_in_the_acting_users_name(agreement, supervisor):
    language, work = _goals(agreement)
    record_review(
        agreement=agreement,
        user=supervisor,
        held_on=TODAY,
        outcomes={
            language.pk: (ReviewOutcome.ACHIEVED, ""),
            work.pk: (ReviewOutcome.IN_PROGRESS, ""),  # unchanged: no new history entry
        },
        next_review_on=datetime.date(2027, 2, 24),
        today=TODAY,
    )
    latest = language.history.order_by("-history_id").first()
    assert (latest.status, latest.history_user) == (GoalStatus.ACHIEVED, supervisor)
    assert work.history.count() == 1
    agreement_entry = agreement.history.order_by("-history_id").first()
    assert (agreement_entry.next_review_on, agreement_entry.history_user) == (
        datetime.date(2027, 2, 24),
        supervisor,
    )
    assert GoalOutcome.history.filter(history_user=supervisor).count() == 2


def test_an_unknown_outcome_leaves_nothing_changed(agreement, counsellor):
    language, work = _goals(agreement)
    before = _snapshot(agreement)
    with pytest.raises(RuleError):
        record_review(
            agreement=agreement,
            user=counsellor,
            held_on=TODAY,
            outcomes={language.pk: (ReviewOutcome.ACHIEVED, ""), work.pk: ("brilliant", "")},
            next_review_on=datetime.date(2027, 2, 24),
            today=TODAY,
        )
    assert _snapshot(agreement) == before


def test_an_outcome_for_another_agreements_goal_leaves_nothing_changed(agreement, counsellor):
    language, _work = _goals(agreement)
    stranger = GoalFactory(agreement=SignedAgreementFactory())
    before = _snapshot(agreement)
    with pytest.raises(RuleError):
        record_review(
            agreement=agreement,
            user=counsellor,
            held_on=TODAY,
            outcomes={
                language.pk: (ReviewOutcome.ACHIEVED, ""),
                stranger.pk: (ReviewOutcome.ACHIEVED, ""),
            },
            next_review_on=datetime.date(2027, 2, 24),
            today=TODAY,
        )
    assert _snapshot(agreement) == before
    stranger.refresh_from_db()
    assert stranger.status == GoalStatus.OPEN


def test_a_database_failure_on_the_last_write_rolls_back_review_and_goals(agreement, counsellor):
    """The agreement's new date is written last; when that write fails, the review, its
    outcomes and the goals' new statuses written before it are gone too."""
    language, work = _goals(agreement)
    before = _snapshot(agreement)

    def refuse_agreement_update(execute, sql, params, many, context):
        if sql.startswith('UPDATE "agreements_agreement"'):
            raise DatabaseError("injected: the database refused the write")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_agreement_update), pytest.raises(DatabaseError):
        record_review(
            agreement=agreement,
            user=counsellor,
            held_on=TODAY,
            outcomes={
                language.pk: (ReviewOutcome.ACHIEVED, ""),
                work.pk: (ReviewOutcome.DROPPED, ""),
            },
            next_review_on=datetime.date(2027, 2, 24),
            today=TODAY,
        )
    assert _snapshot(agreement) == before


def test_the_final_review_completes_the_agreement(agreement, counsellor):
    language, work = _goals(agreement)
    review = record_review(
        agreement=agreement,
        user=counsellor,
        held_on=TODAY,
        outcomes={
            language.pk: (ReviewOutcome.ACHIEVED, ""),
            work.pk: (ReviewOutcome.NOT_ACHIEVED, "Kein Arbeitsplatz gefunden"),
        },
        next_review_on=datetime.date(2027, 2, 24),  # ignored: there is no next review
        final=True,
        today=TODAY,
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.ended_on, agreement.next_review_on) == (
        AgreementStatus.COMPLETED,
        TODAY,
        None,
    )
    assert (review.is_final, review.next_review_on) == (True, None)
    assert [g.status for g in _goals(agreement)] == [
        GoalStatus.ACHIEVED,
        GoalStatus.NOT_ACHIEVED,
    ]


@pytest.mark.parametrize(
    "outcomes",
    [
        pytest.param("first only", id="a goal without outcome"),
        pytest.param("in progress", id="a goal still in progress"),
    ],
)
def test_a_final_review_needs_an_ending_for_every_goal(agreement, counsellor, outcomes):
    language, work = _goals(agreement)
    given = {language.pk: (ReviewOutcome.ACHIEVED, "")}
    if outcomes == "in progress":
        given[work.pk] = (ReviewOutcome.IN_PROGRESS, "")
    before = _snapshot(agreement)
    with pytest.raises(RuleError):
        record_review(
            agreement=agreement,
            user=counsellor,
            held_on=TODAY,
            outcomes=given,
            final=True,
            today=TODAY,
        )
    assert _snapshot(agreement) == before


@pytest.mark.parametrize(
    "status", [AgreementStatus.DRAFT, AgreementStatus.COMPLETED, AgreementStatus.SUPERSEDED]
)
def test_only_an_active_agreement_can_be_reviewed(counsellor, centre, status):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    agreement = AgreementFactory(
        migrant=migrant,
        status=status,
        signed_on=None if status == AgreementStatus.DRAFT else datetime.date(2026, 3, 1),
    )
    goal = GoalFactory(agreement=agreement)
    with pytest.raises(RuleError):
        record_review(
            agreement=agreement,
            user=counsellor,
            held_on=TODAY,
            outcomes={goal.pk: (ReviewOutcome.ACHIEVED, "")},
            next_review_on=datetime.date(2027, 1, 1),
            today=TODAY,
        )
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    ("held_on", "next_review_on"),
    [
        pytest.param(TODAY + datetime.timedelta(days=1), datetime.date(2027, 3, 1), id="future"),
        pytest.param(TODAY, TODAY, id="next review not after this one"),
        pytest.param(TODAY, None, id="no next review"),
        pytest.param(datetime.date(2026, 2, 1), datetime.date(2026, 5, 1), id="before signing"),
    ],
)
def test_review_dates_must_make_sense(agreement, counsellor, held_on, next_review_on):
    language, _work = _goals(agreement)
    with pytest.raises(RuleError):
        record_review(
            agreement=agreement,
            user=counsellor,
            held_on=held_on,
            outcomes={language.pk: (ReviewOutcome.IN_PROGRESS, "")},
            next_review_on=next_review_on,
            today=TODAY,
        )
    assert Review.objects.count() == 0


def test_a_partner_from_another_municipality_cannot_take_part(agreement, counsellor):
    language, _work = _goals(agreement)
    with pytest.raises(RuleError):
        record_review(
            agreement=agreement,
            user=counsellor,
            held_on=TODAY,
            outcomes={language.pk: (ReviewOutcome.IN_PROGRESS, "")},
            next_review_on=datetime.date(2027, 2, 1),
            partner=PartnerFactory(),
            today=TODAY,
        )
    assert Review.objects.count() == 0


def test_the_form_preselects_each_goals_last_outcome_also_from_the_previous_version(
    agreement, counsellor
):
    language, work = _goals(agreement)
    older = ReviewFactory(agreement=agreement, held_on=datetime.date(2026, 5, 1))
    newer = ReviewFactory(agreement=agreement, held_on=datetime.date(2026, 8, 1))
    GoalOutcomeFactory(review=older, goal=language, outcome=ReviewOutcome.NOT_ACHIEVED)
    GoalOutcomeFactory(review=newer, goal=language, outcome=ReviewOutcome.PARTLY_ACHIEVED)
    # The amendment's goals carry the same keys; the outcome comes over.
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.SUPERSEDED)
    amended = SignedAgreementFactory(
        migrant=agreement.migrant,
        number=agreement.number,
        version=2,
        predecessor=agreement,
        signed_on=datetime.date(2026, 9, 1),
    )
    GoalFactory(agreement=amended, key=language.key, status=GoalStatus.PARTLY_ACHIEVED)
    GoalFactory(agreement=amended, key=work.key, status=GoalStatus.IN_PROGRESS)
    GoalFactory(agreement=amended, status=GoalStatus.OPEN)

    goals = list(goals_for_review(amended))
    assert [g.last_outcome for g in goals] == [ReviewOutcome.PARTLY_ACHIEVED, None, None]
    assert [initial_outcome(g) for g in goals] == [
        ReviewOutcome.PARTLY_ACHIEVED,
        ReviewOutcome.IN_PROGRESS,
        ReviewOutcome.IN_PROGRESS,
    ]


def test_an_amendment_in_progress_takes_over_the_new_goal_statuses(agreement, counsellor):
    language, work = _goals(agreement)
    draft = AgreementFactory(
        migrant=agreement.migrant, number=agreement.number, version=2, predecessor=agreement
    )
    draft_language = GoalFactory(agreement=draft, key=language.key, status=GoalStatus.OPEN)
    draft_new = GoalFactory(agreement=draft, status=GoalStatus.OPEN)
    record_review(
        agreement=agreement,
        user=counsellor,
        held_on=TODAY,
        outcomes={
            language.pk: (ReviewOutcome.ACHIEVED, ""),
            work.pk: (ReviewOutcome.IN_PROGRESS, ""),
        },
        next_review_on=datetime.date(2027, 2, 24),
        today=TODAY,
    )
    draft_language.refresh_from_db()
    draft_new.refresh_from_db()
    assert (draft_language.status, draft_new.status) == (GoalStatus.ACHIEVED, GoalStatus.OPEN)
    assert draft_language.history.order_by("-history_id").first().history_user == counsellor
