"""Recording reviews: goals, dates and completion move together or not at all."""

import datetime
import threading
import uuid

import pytest
from django.db import DatabaseError, connection

from agreements.enums import (
    AgreementStatus,
    ClientRating,
    GoalStatus,
    HurdleCategory,
    ReviewOutcome,
    StepStatus,
)
from agreements.models import Agreement, Goal, GoalOutcome, Review, Step, StepOutcome
from agreements.services.reviews import AlreadyRecorded, goals_for_review, record_review
from sites.errors import RuleError
from tests.factories import (
    AgreementFactory,
    GoalFactory,
    GoalOutcomeFactory,
    MigrantFactory,
    PartnerFactory,
    ReviewFactory,
    SignedAgreementFactory,
    StepFactory,
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


def test_each_goal_carries_its_last_outcome_and_comment_also_from_the_previous_version(
    agreement, counsellor
):
    language, work = _goals(agreement)
    older = ReviewFactory(agreement=agreement, held_on=datetime.date(2026, 5, 1))
    newer = ReviewFactory(agreement=agreement, held_on=datetime.date(2026, 8, 1))
    GoalOutcomeFactory(review=older, goal=language, outcome=ReviewOutcome.NOT_ACHIEVED)
    GoalOutcomeFactory(
        review=newer, goal=language, outcome=ReviewOutcome.PARTLY_ACHIEVED, comment="A2 erreicht"
    )
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
    assert [g.last_comment for g in goals] == ["A2 erreicht", None, None]


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


# --- every step taken stock of -----------------------------------------------------------

NEXT = datetime.date(2027, 2, 24)


def _in_progress(*goals):
    return {goal.pk: (ReviewOutcome.IN_PROGRESS, "") for goal in goals}


def _review(agreement, user, outcomes, **kwargs):
    return record_review(
        agreement=agreement,
        user=user,
        held_on=TODAY,
        outcomes=outcomes,
        next_review_on=kwargs.pop("next_review_on", NEXT),
        today=TODAY,
        **kwargs,
    )


def test_a_review_records_each_steps_outcome_and_moves_its_progress_in_the_users_name(
    agreement, supervisor
):
    language, work = _goals(agreement)
    course = StepFactory(goal=language, description="Kurs anmelden")
    exam = StepFactory(goal=language, description="Prüfung buchen")
    cv = StepFactory(goal=work, description="Lebenslauf schreiben", status=StepStatus.IN_PROGRESS)
    review = _review(
        agreement,
        supervisor,
        {
            language.pk: (ReviewOutcome.IN_PROGRESS, ""),
            work.pk: (ReviewOutcome.IN_PROGRESS, ""),
        },
        step_outcomes={
            course.pk: (StepStatus.DONE, " angemeldet ", None),
            exam.pk: (StepStatus.POSTPONED, "erst nach dem Kurs", datetime.date(2027, 1, 15)),
        },
    )

    recorded = {
        o.step_id: (o.status, o.comment, o.postponed_to)
        for o in StepOutcome.objects.filter(review=review)
    }
    assert recorded == {
        course.pk: (StepStatus.DONE, "angemeldet", None),
        exam.pk: (StepStatus.POSTPONED, "erst nach dem Kurs", datetime.date(2027, 1, 15)),
        # not named: it stands as it is, and the review says so
        cv.pk: (StepStatus.IN_PROGRESS, "", None),
    }
    course.refresh_from_db()
    exam.refresh_from_db()
    cv.refresh_from_db()
    assert (course.status, course.status_on, course.progress_note) == (
        StepStatus.DONE,
        TODAY,
        "angemeldet",
    )
    assert (exam.status, exam.postponed_to, exam.due_on) == (
        StepStatus.POSTPONED,
        datetime.date(2027, 1, 15),
        datetime.date(2026, 4, 30),
    )
    entries = {
        step.pk: [(h.history_user, h.history_change_reason) for h in step.history.all()]
        for step in (course, exam)
    }
    assert entries == {
        course.pk: [(supervisor, "Fortschritt: erledigt am 24.11.2026"), (None, None)],
        exam.pk: [(supervisor, "Fortschritt: verschoben auf den 15.01.2027"), (None, None)],
    }
    # A step that stands as it was gets no history entry and keeps its dates.
    assert (cv.history.count(), cv.status_on, cv.revision) == (1, None, 1)
    assert StepOutcome.history.filter(history_user=supervisor).count() == 3


def test_a_missing_outcome_for_an_open_goal_is_refused_naming_the_goal(agreement, counsellor):
    language, work = _goals(agreement)
    GoalFactory(agreement=agreement, text="Deutsch B1")
    before = _snapshot(agreement)
    with pytest.raises(RuleError) as refused:
        _review(agreement, counsellor, _in_progress(language, work))
    assert str(refused.value) == "Bitte geben Sie für das Ziel „Deutsch B1“ ein Ergebnis an."
    assert _snapshot(agreement) == before


def test_a_settled_goal_is_not_asked_again_and_the_final_review_records_its_ending(
    agreement, counsellor
):
    language, work = _goals(agreement)
    Goal.objects.filter(pk=language.pk).update(status=GoalStatus.ACHIEVED)
    open_step = StepFactory(goal=language)  # left open when it was achieved, before the rule
    _review(agreement, counsellor, {work.pk: (ReviewOutcome.IN_PROGRESS, "")})
    assert list(StepOutcome.objects.values_list("step_id", flat=True)) == []

    final = record_review(
        agreement=agreement,
        user=counsellor,
        held_on=TODAY,
        outcomes={work.pk: (ReviewOutcome.NOT_ACHIEVED, "")},
        final=True,
        today=TODAY,
    )
    assert dict(final.outcomes.values_list("goal_id", "outcome")) == {
        language.pk: ReviewOutcome.ACHIEVED,
        work.pk: ReviewOutcome.NOT_ACHIEVED,
    }
    open_step.refresh_from_db()
    assert open_step.status == StepStatus.OPEN


@pytest.mark.parametrize(
    ("postponed_to", "accepted"),
    [
        (NEXT, True),  # up to the next review agreed at this one
        (NEXT + datetime.timedelta(days=1), False),
        (None, False),
        (TODAY, False),
    ],
)
def test_a_step_is_postponed_up_to_the_next_review_agreed_now(
    agreement, counsellor, postponed_to, accepted
):
    # The agreement's old next review date (today) would allow no postponement at all.
    language, work = _goals(agreement)
    step = StepFactory(goal=language, description="Prüfung buchen")
    before = _snapshot(agreement)

    def review():
        return _review(
            agreement,
            counsellor,
            _in_progress(language, work),
            step_outcomes={step.pk: (StepStatus.POSTPONED, "", postponed_to)},
        )

    if accepted:
        review()
        step.refresh_from_db()
        assert (step.status, step.postponed_to) == (StepStatus.POSTPONED, NEXT)
    else:
        with pytest.raises(RuleError) as refused:
            review()
        assert str(refused.value).startswith("Schritt „Prüfung buchen“: ")
        assert _snapshot(agreement) == before
        assert StepOutcome.objects.count() == 0


def test_the_refusal_beyond_the_next_review_names_its_date(agreement, counsellor):
    language, work = _goals(agreement)
    step = StepFactory(goal=language, description="Prüfung buchen")
    with pytest.raises(RuleError) as refused:
        _review(
            agreement,
            counsellor,
            _in_progress(language, work),
            step_outcomes={step.pk: (StepStatus.POSTPONED, "", datetime.date(2027, 6, 1))},
        )
    assert str(refused.value) == (
        "Schritt „Prüfung buchen“: Ein Schritt kann bis zur nächsten Überprüfung (24.02.2027) "
        "verschoben werden. Ein späterer Termin wird gemeinsam bei der Überprüfung vereinbart "
        "oder durch eine Änderung der Vereinbarung."
    )


def test_an_achieved_goal_with_unfinished_steps_is_refused_naming_them(agreement, counsellor):
    _language, work = _goals(agreement)
    language = GoalFactory(agreement=agreement, text="Deutsch B1")
    done = StepFactory(goal=language, description="Kurs besuchen")
    waiting = StepFactory(goal=language, description="Prüfung ablegen")
    later = StepFactory(goal=language, description="Zertifikat abholen")
    outcomes = {
        _language.pk: (ReviewOutcome.IN_PROGRESS, ""),
        work.pk: (ReviewOutcome.IN_PROGRESS, ""),
        language.pk: (ReviewOutcome.ACHIEVED, ""),
    }
    before = _snapshot(agreement)
    with pytest.raises(RuleError) as refused:
        _review(
            agreement,
            counsellor,
            outcomes,
            step_outcomes={
                done.pk: (StepStatus.DONE, "", None),
                later.pk: (StepStatus.IN_PROGRESS, "", None),
            },
        )
    assert str(refused.value) == (
        "Das Ziel „Deutsch B1“ ist als erreicht markiert, aber diese Schritte sind nicht "
        "abgeschlossen: „Prüfung ablegen“, „Zertifikat abholen“. Geben Sie bei jedem an, ob er "
        "erledigt oder abgebrochen wurde."
    )
    assert _snapshot(agreement) == before

    _review(
        agreement,
        counsellor,
        outcomes,
        step_outcomes={
            done.pk: (StepStatus.DONE, "", None),
            waiting.pk: (StepStatus.DONE, "", None),
            later.pk: (StepStatus.CANCELLED, "nicht mehr nötig", None),
        },
    )
    language.refresh_from_db()
    assert language.status == GoalStatus.ACHIEVED


def test_the_clients_view_is_stored_with_the_review(agreement, counsellor):
    language, work = _goals(agreement)
    outcomes = {
        language.pk: (ReviewOutcome.IN_PROGRESS, ""),
        work.pk: (ReviewOutcome.IN_PROGRESS, ""),
    }
    review = _review(
        agreement,
        counsellor,
        outcomes,
        client_rating=ClientRating.MUCH,
        client_most_helpful=" Der Kurs am Vormittag ",
        client_wish="Mehr Zeit für Termine",
    )
    review.refresh_from_db()
    assert (review.client_rating, review.client_most_helpful, review.client_wish) == (
        4,
        "Der Kurs am Vormittag",
        "Mehr Zeit für Termine",
    )
    with pytest.raises(RuleError):
        _review(agreement, counsellor, outcomes, client_rating=6)
    assert Review.objects.count() == 1


def test_the_same_submission_sent_twice_records_one_review(agreement, counsellor):
    language, work = _goals(agreement)
    key = uuid.uuid4()
    outcomes = {
        language.pk: (ReviewOutcome.ACHIEVED, ""),
        work.pk: (ReviewOutcome.IN_PROGRESS, ""),
    }
    first = _review(agreement, counsellor, outcomes, submission_key=key)
    snapshot = _snapshot(agreement)
    with pytest.raises(AlreadyRecorded) as again:
        _review(agreement, counsellor, outcomes, submission_key=key)
    assert again.value.review == first
    assert _snapshot(agreement) == snapshot
    # Even after the final review completed the agreement, the key finds the review.
    final_key = uuid.uuid4()
    final = record_review(
        agreement=agreement,
        user=counsellor,
        held_on=TODAY,
        outcomes={work.pk: (ReviewOutcome.DROPPED, "")},
        final=True,
        submission_key=final_key,
        today=TODAY,
    )
    with pytest.raises(AlreadyRecorded) as again:
        record_review(
            agreement=agreement,
            user=counsellor,
            held_on=TODAY,
            outcomes={work.pk: (ReviewOutcome.DROPPED, "")},
            final=True,
            submission_key=final_key,
            today=TODAY,
        )
    assert again.value.review == final


def test_an_amendment_in_progress_takes_over_the_steps_progress(agreement, counsellor):
    language, work = _goals(agreement)
    step = StepFactory(goal=language)
    draft = AgreementFactory(
        migrant=agreement.migrant, number=agreement.number, version=2, predecessor=agreement
    )
    draft_step = StepFactory(
        goal=GoalFactory(agreement=draft, key=language.key), key=step.key, due_on=step.due_on
    )
    _review(
        agreement,
        counsellor,
        {language.pk: (ReviewOutcome.ACHIEVED, ""), work.pk: (ReviewOutcome.IN_PROGRESS, "")},
        step_outcomes={step.pk: (StepStatus.DONE, "bestanden", None)},
    )
    draft_step.refresh_from_db()
    assert (draft_step.status, draft_step.status_on, draft_step.progress_note) == (
        StepStatus.DONE,
        TODAY,
        "bestanden",
    )
    assert draft_step.history.order_by("-history_id").first().history_user == counsellor


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
def test_two_concurrent_posts_of_the_same_form_record_one_review(centre, counsellor):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    agreement = SignedAgreementFactory(
        migrant=migrant, signed_on=datetime.date(2026, 3, 1), next_review_on=TODAY
    )
    goal = GoalFactory(agreement=agreement)
    step = StepFactory(goal=goal)
    key = uuid.uuid4()
    start = threading.Barrier(2)
    answers = []

    def post():
        try:
            start.wait()
            answers.append(
                _review(
                    agreement,
                    counsellor,
                    {goal.pk: (ReviewOutcome.ACHIEVED, "")},
                    step_outcomes={step.pk: (StepStatus.DONE, "", None)},
                    submission_key=key,
                )
            )
        except AlreadyRecorded as again:
            answers.append(("again", again.review.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    review = Review.objects.get()
    assert sorted(answers, key=lambda a: isinstance(a, tuple)) == [review, ("again", review.pk)]
    assert (StepOutcome.objects.count(), GoalOutcome.objects.count()) == (1, 1)
    assert Step.history.filter(id=step.pk).count() == 2
