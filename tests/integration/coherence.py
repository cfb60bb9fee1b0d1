"""What makes generated people believable, checked alike for the demo and generate_data."""

import itertools
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, F, Min
from django.utils import translation

from agreements.enums import AgreementStatus, ClientRating, ReviewOutcome, StepStatus
from agreements.models import Agreement, GoalOutcome, Review, Step, StepOutcome
from agreements.services.lifecycle import progress_reason
from integration.datagen.places import PLACES
from integration.datagen.pools import NAMES, NATIVE_NAMES
from people.enums import CaseStatus, Sex
from people.models import Migrant

POOLS = [*NAMES.values(), *NATIVE_NAMES.values()]
# Family names that exist in one gendered form only (Iwanowa / Iwanow, Kowalska / Kowalski).
FEMININE = {name for pool in POOLS for name, _ in pool.female_family} - {
    name for pool in POOLS for name, _ in pool.male_family
}
MASCULINE = {name for pool in POOLS for name, _ in pool.male_family} - {
    name for pool in POOLS for name, _ in pool.female_family
}
SLAVIC = ["RU", "BG", "PL", "UA"]


def assert_surnames_agree_with_gender(people) -> None:
    women = people.filter(sex=Sex.FEMALE)
    men = people.filter(sex=Sex.MALE)
    assert not women.filter(last_name__in=MASCULINE).exists()
    assert not men.filter(last_name__in=FEMININE).exists()
    for suffix in ["ow", "ew", "ski", "skyj", "ов", "ський"]:
        assert not women.filter(nationality__in=SLAVIC, last_name__endswith=suffix).exists()
    for suffix in ["owa", "ewa", "ska", "ова", "ська"]:
        assert not men.filter(nationality__in=SLAVIC, last_name__endswith=suffix).exists()


def assert_addresses_carry_the_real_postcode(people) -> None:
    for name, postcode, city in people.values_list(
        "centre__municipality__name", "postcode", "city"
    ).distinct():
        assert (postcode, city) == (PLACES[name].postcode, PLACES[name].town)


def assert_permits_issued_after_arrival(people, today) -> None:
    issued = people.filter(residence_issued_on__isnull=False)
    assert issued.exists()
    for arrival, issued_on, valid_until in issued.values_list(
        "arrival_on", "residence_issued_on", "residence_valid_until"
    ):
        assert arrival is None or arrival < issued_on <= today
        assert valid_until is None or valid_until > issued_on


def assert_no_duplicate_names(people) -> None:
    same = (
        people.values("centre", "first_name", "last_name", "date_of_birth")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(same) == []


def assert_closed_cases_have_no_open_agreement() -> None:
    # Closing a case ends its agreement (the lifecycle service); generated data does too.
    open_on_closed = Agreement.objects.filter(
        migrant__status=CaseStatus.CLOSED,
        status__in=[AgreementStatus.DRAFT, AgreementStatus.ACTIVE],
    )
    assert list(open_on_closed.values_list("number", "version")) == []
    assert Agreement.objects.filter(migrant__status=CaseStatus.CLOSED).exists()


def assert_coherent(today) -> None:
    people = Migrant.objects.all()
    assert people.exists()
    assert_surnames_agree_with_gender(people)
    assert_addresses_carry_the_real_postcode(people)
    assert_permits_issued_after_arrival(people, today)
    assert_no_duplicate_names(people)
    assert_closed_cases_have_no_open_agreement()
    assert_living_agreements_are_coherent(today)


OPEN_STEP = {StepStatus.OPEN, StepStatus.IN_PROGRESS, StepStatus.POSTPONED}


def assert_step_outcomes_belong_to_the_review(reviews) -> None:
    outcomes = StepOutcome.objects.filter(review__in=reviews)
    assert outcomes.exists()
    assert not outcomes.exclude(step__goal__agreement=F("review__agreement")).exists()
    # one per step of every goal the review assessed, none of a goal it did not
    assessed = Counter(
        Step.objects.filter(goal__outcomes__review__in=reviews).values_list(
            "goal__outcomes__review", "goal"
        )
    )
    found = Counter(outcomes.values_list("review", "step__goal"))
    assert found == assessed
    # a goal the review found reached has none of its steps still to do
    reached = GoalOutcome.objects.filter(review__in=reviews, outcome=ReviewOutcome.ACHIEVED)
    assert not outcomes.filter(
        status__in=OPEN_STEP,
        review__outcomes__in=reached,
        step__goal=F("review__outcomes__goal"),
    ).exists()
    assert not outcomes.filter(status=StepStatus.POSTPONED, postponed_to__isnull=True).exists()
    assert not outcomes.exclude(status=StepStatus.POSTPONED).exclude(postponed_to=None).exists()


def assert_step_progress_is_coherent(steps, today) -> None:
    """Dates of progress: a done (or any moved) step has the day it happened, never in the
    future nor before the agreement was first signed; a postponement lies after the date
    agreed and the day it was recorded, and not after the next review."""
    moved = steps.exclude(status=StepStatus.OPEN)
    assert moved.exists()
    assert not moved.filter(status_on__isnull=True).exists()
    assert not steps.filter(status_on__gt=today).exists()
    first_signed = dict(
        Agreement.objects.filter(signed_on__isnull=False)
        .values_list("number")
        .annotate(first=Min("signed_on"))
    )
    for number, status_on in moved.values_list("goal__agreement__number", "status_on"):
        assert status_on >= first_signed[number], number
    assert not steps.filter(postponed_to__lte=F("due_on")).exists()
    postponed = steps.filter(status=StepStatus.POSTPONED)
    assert postponed.exists()
    assert not postponed.filter(postponed_to__isnull=True).exists()
    assert not postponed.filter(postponed_to__lte=F("status_on")).exists()
    assert not postponed.filter(postponed_to__gt=F("goal__agreement__next_review_on")).exists()


def assert_progress_is_in_the_history(steps) -> None:
    """Each change of a step's progress is a history row ("~", on its day, by the
    counsellor, with the service's wording), its revision counts its rows, the newest row
    is the step as it is, and each review's step outcome is the step as the review left it."""
    rows = defaultdict(list)
    for row in Step.history.filter(id__in=steps.values("pk")).order_by("history_date"):
        rows[row.id].append(row)
    counsellor = dict(steps.values_list("pk", "goal__agreement__counsellor"))
    for step in steps:
        history = rows[step.pk]
        assert len(history) == step.revision, step.pk
        newest = history[-1]
        for name in ("status", "status_on", "progress_note", "postponed_to"):
            assert getattr(newest, name) == getattr(step, name), (step.pk, name)
        for before, after in itertools.pairwise(history):
            assert after.history_type == "~"
            assert after.history_user_id == counsellor[step.pk]
            assert after.history_date.date() == after.status_on
            with translation.override(settings.LANGUAGE_CODE):
                assert after.history_change_reason == progress_reason(after)
            assert (before.status, before.status_on) != (after.status, after.status_on)
    for outcome in StepOutcome.objects.filter(step__in=steps).select_related("review"):
        then = [r for r in rows[outcome.step_id] if r.history_date <= outcome.review.created_at]
        assert then[-1].status == outcome.status
        if outcome.status == StepStatus.POSTPONED:
            assert then[-1].postponed_to == outcome.postponed_to


def assert_client_answers_are_coherent(reviews) -> None:
    answered = reviews.filter(client_rating__isnull=False)
    assert answered.exists() and reviews.filter(client_rating__isnull=True).exists()
    assert set(answered.values_list("client_rating", flat=True)) <= set(ClientRating.values)
    assert not answered.filter(migrant_present=False).exists()
    unanswered = reviews.filter(client_rating__isnull=True)
    assert not unanswered.exclude(client_most_helpful="", client_wish="").exists()
    assert not reviews.exclude(submission_key=None).exists()


def assert_living_agreements_are_coherent(today) -> None:
    steps = Step.objects.all()
    reviews = Review.objects.all()
    assert_step_progress_is_coherent(steps, today)
    assert_progress_is_in_the_history(steps)
    assert_step_outcomes_belong_to_the_review(reviews)
    assert_client_answers_are_coherent(reviews)
