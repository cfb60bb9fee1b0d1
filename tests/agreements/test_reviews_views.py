"""The review form, the review page, the due-reviews list and the start page."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.enums import (
    AgreementStatus,
    ClientRating,
    GoalStatus,
    Responsible,
    ReviewOutcome,
    StepStatus,
)
from agreements.models import Agreement, Review, StepOutcome
from agreements.services.lifecycle import add_months
from tests.factories import (
    AgreementFactory,
    GoalFactory,
    GoalOutcomeFactory,
    MigrantFactory,
    PartnerFactory,
    ReviewFactory,
    SignedAgreementFactory,
    StepFactory,
    counsellor_of,
)

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _agreement(counsellor, *, next_review_on=None, goals=2, **kwargs):
    centre = counsellor.memberships.get().centre
    migrant = MigrantFactory(centre=centre, counsellor=counsellor, **kwargs)
    agreement = SignedAgreementFactory(
        migrant=migrant,
        signed_on=_days(-200),
        next_review_on=next_review_on or _days(-3),
    )
    for area in ["language", "work", "childcare"][:goals]:
        GoalFactory(agreement=agreement, area=area)
    return agreement


def _post_data(agreement, **overrides):
    data = {
        "held_on": _today().isoformat(),
        "migrant_present": "on",
        "counsellor_present": "on",
        "next_review_on": _days(90).isoformat(),
        "successes": "Kurs begonnen",
        "hurdle_categories": ["course_waiting"],
    }
    for goal in agreement.goals.prefetch_related("steps"):
        data[f"outcome_{goal.pk}"] = ReviewOutcome.IN_PROGRESS
        data[f"comment_{goal.pk}"] = ""
        for step in goal.steps.all():
            data[f"step_status_{step.pk}"] = step.status
    data.update(overrides)
    return data


def test_the_form_preselects_no_goal_outcome_but_shows_the_last_and_presets_each_step(
    counsellor_client, counsellor
):
    agreement = _agreement(counsellor)
    language, work = agreement.goals.order_by("pk")
    GoalOutcomeFactory(
        review=ReviewFactory(agreement=agreement, held_on=_days(-100)),
        goal=language,
        outcome=ReviewOutcome.PARTLY_ACHIEVED,
        comment="A2 geschafft, B1 fehlt",
    )
    step = StepFactory(goal=work, status=StepStatus.IN_PROGRESS)
    response = counsellor_client.get(reverse("agreements:review-add", args=[agreement.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert (form[f"outcome_{language.pk}"].value(), form[f"outcome_{work.pk}"].value()) == (
        None,
        None,
    )
    assert form[f"step_status_{step.pk}"].value() == StepStatus.IN_PROGRESS
    assert form["next_review_on"].value() == add_months(_today(), agreement.review_interval_months)
    assert uuid.UUID(str(form["submission_key"].value())).version == 4
    page = response.content.decode()
    assert "A2 geschafft, B1 fehlt" in page
    assert 'name="submission_key"' in page


def _pinned_agreement(counsellor, goals: int, steps: int):
    agreement = _agreement(counsellor, goals=0)
    partner = PartnerFactory(municipality=agreement.centre.municipality)
    for index in range(goals):
        goal = GoalFactory(agreement=agreement, area="work", text=f"Ziel {index}")
        StepFactory(goal=goal, responsible=Responsible.PARTNER, partner=partner)
        for _step in range(steps - 1):
            StepFactory(goal=goal)
    return agreement


def test_the_review_form_costs_the_same_queries_for_one_goal_and_for_twenty(
    counsellor_client, counsellor, django_assert_num_queries
):
    one = _pinned_agreement(counsellor, goals=1, steps=1)
    twenty = _pinned_agreement(counsellor, goals=20, steps=4)
    ReviewFactory(agreement=one, held_on=_days(-90))
    ReviewFactory(agreement=twenty, held_on=_days(-90))
    counsellor_client.get(reverse("agreements:review-add", args=[one.pk]))  # warm caches
    # session, user, memberships, agreement, goals with their last outcomes, steps, their
    # partners, previous review, partner choices; a savepoint pair
    for agreement in (one, twenty):
        url = reverse("agreements:review-add", args=[agreement.pk])
        with django_assert_num_queries(11):
            assert counsellor_client.get(url).status_code == 200
    # A post with errors: the same, and the look-up of the submission key
    for agreement in (one, twenty):
        url = reverse("agreements:review-add", args=[agreement.pk])
        data = _post_data(agreement, next_review_on="", submission_key=str(uuid.uuid4()))
        with django_assert_num_queries(12):
            assert counsellor_client.post(url, data).status_code == 400
    assert Review.objects.count() == 2


def test_posting_the_form_records_the_review_and_shows_it(counsellor_client, counsellor):
    agreement = _agreement(counsellor)
    language, _work = agreement.goals.order_by("pk")
    data = _post_data(
        agreement,
        **{
            f"outcome_{language.pk}": ReviewOutcome.ACHIEVED,
            f"comment_{language.pk}": "B1 bestanden",
        },
    )
    response = counsellor_client.post(reverse("agreements:review-add", args=[agreement.pk]), data)
    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review.get_absolute_url()
    agreement.refresh_from_db()
    language.refresh_from_db()
    assert (agreement.next_review_on, language.status, review.due_on) == (
        _days(90),
        GoalStatus.ACHIEVED,
        _days(-3),
    )
    page = counsellor_client.get(review.get_absolute_url())
    assert page.status_code == 200
    assert "B1 bestanden" in page.content.decode()


def test_the_final_review_from_the_form_completes_the_agreement(counsellor_client, counsellor):
    agreement = _agreement(counsellor)
    language, work = agreement.goals.order_by("pk")
    data = _post_data(
        agreement,
        final="on",
        next_review_on="",
        **{
            f"outcome_{language.pk}": ReviewOutcome.ACHIEVED,
            f"outcome_{work.pk}": ReviewOutcome.DROPPED,
        },
    )
    response = counsellor_client.post(reverse("agreements:review-add", args=[agreement.pk]), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.COMPLETED


def test_the_final_review_form_refuses_goals_still_in_progress(counsellor_client, counsellor):
    agreement = _agreement(counsellor)
    language, work = agreement.goals.order_by("pk")
    data = _post_data(agreement, final="on", **{f"outcome_{language.pk}": "achieved"})
    response = counsellor_client.post(reverse("agreements:review-add", args=[agreement.pk]), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [f"outcome_{work.pk}"]
    assert Review.objects.count() == 0


def test_a_review_without_next_date_is_refused_with_the_field_marked(counsellor_client, counsellor):
    agreement = _agreement(counsellor)
    response = counsellor_client.post(
        reverse("agreements:review-add", args=[agreement.pk]),
        _post_data(agreement, next_review_on=""),
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["next_review_on"]
    agreement.refresh_from_db()
    assert agreement.next_review_on == _days(-3)


def test_a_draft_cannot_be_reviewed_the_form_sends_back(counsellor_client, counsellor):
    draft = AgreementFactory(migrant=MigrantFactory(centre=counsellor.memberships.get().centre))
    response = counsellor_client.get(reverse("agreements:review-add", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()


def test_reviews_of_another_centre_are_not_found(client, counsellor, outsider):
    agreement = _agreement(counsellor)
    review = ReviewFactory(agreement=agreement)
    client.force_login(outsider)
    assert client.get(reverse("agreements:review-add", args=[agreement.pk])).status_code == 404
    assert (
        client.post(
            reverse("agreements:review-add", args=[agreement.pk]), _post_data(agreement)
        ).status_code
        == 404
    )
    assert client.get(review.get_absolute_url()).status_code == 404
    assert Review.objects.count() == 1


def test_the_due_list_shows_the_counsellors_own_overdue_and_due_reviews(
    counsellor_client, counsellor, colleague
):
    overdue = _agreement(counsellor, next_review_on=_days(-10))
    soon = _agreement(counsellor, next_review_on=_days(6))
    _agreement(counsellor, next_review_on=_days(7))  # beyond the week
    _agreement(colleague, next_review_on=_days(-10))  # someone else's
    url = reverse("agreements:reviews-due")
    assert list(counsellor_client.get(url).context["page"]) == [overdue, soon]
    assert list(counsellor_client.get(url, {"state": "overdue"}).context["page"]) == [overdue]
    assert list(
        counsellor_client.get(url, {"state": "soon", "counsellor": ""}).context["page"]
    ) == [soon]


def test_the_due_list_costs_the_same_queries_for_one_row_and_for_twenty(
    supervisor_client, counsellor, django_assert_num_queries
):
    _agreement(counsellor, goals=0)
    url = reverse("agreements:reviews-due")
    supervisor_client.get(url)
    # session, user, memberships, counsellor choices, count, rows; a savepoint pair
    # around the view
    with django_assert_num_queries(8):
        assert len(supervisor_client.get(url).context["page"]) == 1
    for _index in range(19):
        _agreement(counsellor, goals=0)
    with django_assert_num_queries(8):
        assert len(supervisor_client.get(url).context["page"]) == 20


def test_the_start_page_lists_overdue_and_due_reviews_and_late_steps(
    counsellor_client, counsellor, colleague
):
    overdue = _agreement(counsellor, next_review_on=_days(-1), first_name="Overdue")
    soon = _agreement(counsellor, next_review_on=_days(0), first_name="Soon")
    later = _agreement(counsellor, next_review_on=_days(30), first_name="Later")
    others = _agreement(colleague, next_review_on=_days(-5), first_name="Others")
    late_step = StepFactory(goal=later.goals.first(), due_on=_days(-2))
    StepFactory(goal=later.goals.first(), due_on=_days(-2), status=StepStatus.DONE)
    StepFactory(goal=later.goals.first(), due_on=_days(0))
    StepFactory(goal=others.goals.first(), due_on=_days(-2))
    ended = AgreementFactory(
        migrant=MigrantFactory(centre=overdue.centre, counsellor=counsellor),
        status=AgreementStatus.COMPLETED,
        signed_on=_days(-300),
        next_review_on=_days(-40),
    )
    StepFactory(goal=GoalFactory(agreement=ended), due_on=_days(-50))

    response = counsellor_client.get(reverse("home"))
    assert response.status_code == 200
    context = response.context
    assert (context["reviews_overdue"], context["reviews_overdue_count"]) == ([overdue], 1)
    assert (context["reviews_due_soon"], context["reviews_due_soon_count"]) == ([soon], 1)
    assert (context["steps_overdue"], context["steps_overdue_count"]) == ([late_step], 1)
    assert "appointments" in context  # the cases engineer's part is still there


def test_the_start_page_costs_the_same_queries_with_many_reminders(
    counsellor_client, counsellor, django_assert_num_queries
):
    agreement = _agreement(counsellor, next_review_on=_days(-1), goals=1)
    StepFactory(goal=agreement.goals.first(), due_on=_days(-3))
    counsellor_client.get(reverse("home"))
    # session, user, memberships; the cases part (caseload count, appointments); ours:
    # review counts, overdue rows, due rows, step rows, step count; the savepoint pair
    # around the request
    with django_assert_num_queries(12):
        counsellor_client.get(reverse("home"))
    for index in range(15):
        agreement = _agreement(counsellor, next_review_on=_days(-index - 1), goals=1)
        StepFactory(goal=agreement.goals.first(), due_on=_days(-3))
        _agreement(counsellor, next_review_on=_days(index % 7), goals=0)
    with django_assert_num_queries(12):
        response = counsellor_client.get(reverse("home"))
    assert (
        len(response.context["reviews_overdue"]),
        response.context["reviews_overdue_count"],
    ) == (
        10,
        16,
    )


def test_a_supervisor_sees_the_reviews_of_a_counsellor_who_left(
    supervisor_client, centre, counsellor
):
    leaver = counsellor_of(centre)
    agreement = _agreement(leaver, next_review_on=_days(-30))
    leaver.memberships.all().delete()
    response = supervisor_client.get(
        reverse("agreements:reviews-due"), {"counsellor": leaver.pk, "state": "overdue"}
    )
    assert list(response.context["page"]) == [agreement]
    assert Agreement.objects.filter(counsellor=leaver).count() == 1


def test_the_steps_list_shows_every_late_step_of_active_agreements(
    counsellor_client, counsellor, colleague
):
    mine = _agreement(counsellor, next_review_on=_days(30), goals=1)
    goal = mine.goals.get()
    late = [StepFactory(goal=goal, due_on=_days(-d)) for d in (40, 3, 1)]
    StepFactory(goal=goal, due_on=_days(-5), status=StepStatus.CANCELLED)
    StepFactory(goal=goal, due_on=_days(0))
    theirs = _agreement(colleague, next_review_on=_days(30), goals=1)
    their_step = StepFactory(goal=theirs.goals.get(), due_on=_days(-2))
    url = reverse("agreements:steps-due")
    assert list(counsellor_client.get(url).context["page"]) == late
    everyone = counsellor_client.get(url, {"counsellor": ""}).context["page"]
    assert list(everyone) == [late[0], late[1], their_step, late[2]]


def test_the_steps_list_costs_the_same_queries_for_one_row_and_for_twenty(
    counsellor_client, counsellor, django_assert_num_queries
):
    goal = _agreement(counsellor, next_review_on=_days(30), goals=1).goals.get()
    StepFactory(goal=goal, due_on=_days(-3))
    url = reverse("agreements:steps-due")
    counsellor_client.get(url)
    # session, user, memberships, counsellor choices, count, rows; savepoints
    with django_assert_num_queries(8):
        assert len(counsellor_client.get(url).context["page"]) == 1
    for index in range(19):
        StepFactory(goal=goal, due_on=_days(-index - 1))
    with django_assert_num_queries(8):
        assert len(counsellor_client.get(url).context["page"]) == 20


# --- every step taken stock of, the client's view, one review per form ------------------


def _url(agreement):
    return reverse("agreements:review-add", args=[agreement.pk])


def test_a_missing_goal_outcome_is_refused_naming_the_goal(counsellor_client, counsellor):
    agreement = _agreement(counsellor, goals=0)
    goal = GoalFactory(agreement=agreement, text="Deutsch B1")
    data = _post_data(agreement)
    del data[f"outcome_{goal.pk}"]
    response = counsellor_client.post(_url(agreement), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        f"outcome_{goal.pk}": ["Bitte geben Sie für das Ziel „Deutsch B1“ ein Ergebnis an."]
    }
    assert "Bitte geben Sie für das Ziel „Deutsch B1“ ein Ergebnis an." in (
        response.content.decode()
    )
    assert Review.objects.count() == 0


def test_the_form_records_step_outcomes_and_moves_the_steps(counsellor_client, counsellor):
    agreement = _agreement(counsellor, goals=0)
    goal = GoalFactory(agreement=agreement, text="Deutsch B1")
    course = StepFactory(goal=goal, description="Kurs besuchen", due_on=_days(-10))
    exam = StepFactory(goal=goal, description="Prüfung ablegen", due_on=_days(-1))
    data = _post_data(
        agreement,
        **{
            f"step_status_{course.pk}": StepStatus.DONE,
            f"step_comment_{course.pk}": "mit Zertifikat",
            f"step_status_{exam.pk}": StepStatus.POSTPONED,
            f"step_postponed_to_{exam.pk}": _days(60).isoformat(),
        },
    )
    response = counsellor_client.post(_url(agreement), data)
    assert response.status_code == 302
    review = Review.objects.get()
    assert sorted(review.step_outcomes.values_list("step_id", "status", "postponed_to")) == [
        (course.pk, StepStatus.DONE, None),
        (exam.pk, StepStatus.POSTPONED, _days(60)),
    ]
    course.refresh_from_db()
    exam.refresh_from_db()
    assert (course.status, course.progress_note, exam.status, exam.postponed_to) == (
        StepStatus.DONE,
        "mit Zertifikat",
        StepStatus.POSTPONED,
        _days(60),
    )
    assert [h.history_user for h in course.history.all()] == [counsellor, None]
    page = counsellor_client.get(review.get_absolute_url()).content.decode()
    assert "Kurs besuchen" in page
    assert "mit Zertifikat" in page
    assert _days(60).strftime("%d.%m.%Y") in page


def test_a_step_postponed_beyond_the_next_review_is_refused_at_its_date_field(
    counsellor_client, counsellor
):
    agreement = _agreement(counsellor, goals=1)
    step = StepFactory(goal=agreement.goals.get(), description="Prüfung ablegen")
    data = _post_data(
        agreement,
        next_review_on=_days(90).isoformat(),
        **{
            f"step_status_{step.pk}": StepStatus.POSTPONED,
            f"step_postponed_to_{step.pk}": _days(91).isoformat(),
        },
    )
    response = counsellor_client.post(_url(agreement), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [f"step_postponed_to_{step.pk}"]
    assert errors[f"step_postponed_to_{step.pk}"][0].startswith(
        "Ein Schritt kann bis zur nächsten Überprüfung "
        f"({_days(90).strftime('%d.%m.%Y')}) verschoben werden."
    )
    step.refresh_from_db()
    assert (step.status, Review.objects.count(), StepOutcome.objects.count()) == (
        StepStatus.OPEN,
        0,
        0,
    )


def test_an_achieved_goal_with_open_steps_asks_what_became_of_them(counsellor_client, counsellor):
    agreement = _agreement(counsellor, goals=0)
    goal = GoalFactory(agreement=agreement, text="Deutsch B1")
    done = StepFactory(goal=goal, description="Kurs besuchen", status=StepStatus.DONE)
    StepFactory(goal=goal, description="Prüfung ablegen")
    StepFactory(goal=goal, description="Zertifikat abholen", status=StepStatus.IN_PROGRESS)
    data = _post_data(agreement, **{f"outcome_{goal.pk}": ReviewOutcome.ACHIEVED})
    response = counsellor_client.post(_url(agreement), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        f"outcome_{goal.pk}": [
            "Das Ziel „Deutsch B1“ ist als erreicht markiert, aber diese Schritte sind nicht "
            "abgeschlossen: „Prüfung ablegen“, „Zertifikat abholen“. Geben Sie bei jedem an, "
            "ob er erledigt oder abgebrochen wurde."
        ]
    }
    assert done.pk  # a done step is not named
    assert Review.objects.count() == 0


def test_a_settled_goal_is_listed_without_an_outcome_to_give(counsellor_client, counsellor):
    agreement = _agreement(counsellor, goals=0)
    settled = GoalFactory(agreement=agreement, text="Kita-Platz", status=GoalStatus.ACHIEVED)
    open_goal = GoalFactory(agreement=agreement, text="Arbeit finden")
    response = counsellor_client.get(_url(agreement))
    form = response.context["form"]
    assert (f"outcome_{settled.pk}" in form.fields, f"outcome_{open_goal.pk}" in form.fields) == (
        False,
        True,
    )
    assert "Kita-Platz" in response.content.decode()
    data = _post_data(agreement)
    del data[f"outcome_{settled.pk}"]
    assert counsellor_client.post(_url(agreement), data).status_code == 302


def test_the_clients_view_is_saved_and_shown_on_the_review(counsellor_client, counsellor):
    agreement = _agreement(counsellor)
    data = _post_data(
        agreement,
        client_rating=str(ClientRating.MUCH.value),
        client_most_helpful="Die Kinderbetreuung während des Kurses",
        client_wish="Termine am Nachmittag",
    )
    assert counsellor_client.post(_url(agreement), data).status_code == 302
    review = Review.objects.get()
    assert (review.client_rating, review.client_most_helpful, review.client_wish) == (
        ClientRating.MUCH,
        "Die Kinderbetreuung während des Kurses",
        "Termine am Nachmittag",
    )
    page = counsellor_client.get(review.get_absolute_url()).content.decode()
    for text in (
        "Hilft Ihnen die Vereinbarung?",
        "4 – viel",
        "Die Kinderbetreuung während des Kurses",
        "Termine am Nachmittag",
    ):
        assert text in page


def test_no_answer_from_the_client_is_allowed(counsellor_client, counsellor):
    agreement = _agreement(counsellor)
    assert counsellor_client.post(_url(agreement), _post_data(agreement)).status_code == 302
    review = Review.objects.get()
    assert (review.client_rating, review.client_most_helpful) == (None, "")
    assert "keine Antwort" in counsellor_client.get(review.get_absolute_url()).content.decode()


def test_the_client_questions_are_shown_in_the_agreements_document_language_too(
    counsellor_client, counsellor
):
    agreement = _agreement(counsellor)
    Agreement.objects.filter(pk=agreement.pk).update(document_language="ar")
    page = counsellor_client.get(_url(agreement)).content.decode()
    for text in ("Hilft Ihnen die Vereinbarung?", "هل تساعدك الاتفاقية؟", "ما الذي يجب أن يتغير؟"):
        assert text in page
    assert 'lang="ar" dir="rtl"' in page
    Agreement.objects.filter(pk=agreement.pk).update(document_language="")
    assert "هل تساعدك" not in counsellor_client.get(_url(agreement)).content.decode()


def test_the_same_form_posted_twice_records_one_review(counsellor_client, counsellor):
    agreement = _agreement(counsellor)
    data = _post_data(agreement, submission_key=str(uuid.uuid4()))
    first = counsellor_client.post(_url(agreement), data)
    second = counsellor_client.post(_url(agreement), data, follow=True)
    review = Review.objects.get()
    assert first["Location"] == review.get_absolute_url()
    assert second.redirect_chain == [(review.get_absolute_url(), 302)]
    assert [str(m) for m in second.context["messages"]] == [
        "Die Überprüfung wurde gespeichert. Die nächste Überprüfung ist am "
        f"{_days(90).strftime('%d.%m.%Y')} fällig.",
        "Diese Überprüfung war bereits gespeichert; hier ist sie.",
    ]
    agreement.refresh_from_db()
    assert agreement.revision == 2


def test_the_final_review_posted_twice_finds_the_first(counsellor_client, counsellor):
    agreement = _agreement(counsellor, goals=1)
    goal = agreement.goals.get()
    data = _post_data(
        agreement,
        final="on",
        next_review_on="",
        submission_key=str(uuid.uuid4()),
        **{f"outcome_{goal.pk}": ReviewOutcome.ACHIEVED},
    )
    assert counsellor_client.post(_url(agreement), data).status_code == 302
    again = counsellor_client.post(_url(agreement), data)
    review = Review.objects.get()
    assert (again.status_code, again["Location"]) == (302, review.get_absolute_url())
