import datetime
import json
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Max

from agreements.enums import AgreementStatus, StepStatus
from agreements.models import Agreement, Goal, GoalOutcome, Review, Step, StepOutcome
from integration.datagen import foreign_key_violations, generate
from people.models import (
    CaseNumberCounter,
    Child,
    Consent,
    CounsellingSession,
    Migrant,
    Qualification,
    normalise_for_search,
)
from sites.enums import Role
from sites.models import CounsellingCentre, Membership, Offer, Partner, User
from tests.integration.coherence import assert_coherent, assert_living_agreements_are_coherent

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)
BULK = [
    Migrant,
    Child,
    Qualification,
    Consent,
    CounsellingSession,
    Agreement,
    Goal,
    Step,
    Review,
    GoalOutcome,
    StepOutcome,
]


def test_generated_people_have_complete_files():
    report = generate(migrants=200, seed=3, centres=2, today=TODAY)

    assert Migrant.objects.count() == 200
    assert report.rows["integration_migrant"] == 200
    assert CounsellingCentre.objects.count() == 2
    for model in BULK:
        assert model.objects.count() == report.rows[model._meta.db_table], model
        assert model.objects.count() > 0, model
    assert not Migrant.objects.annotate(n=Count("sessions")).filter(n=0).exists()
    # most people have an agreement, with two to five goals (one more after an amendment)
    assert Agreement.objects.values("migrant").distinct().count() >= 150
    per_agreement = Counter(Goal.objects.values_list("agreement", flat=True))
    assert min(per_agreement.values()) >= 2
    assert max(per_agreement.values()) <= 6
    per_goal = Counter(Step.objects.values_list("goal", flat=True))
    assert set(per_goal.values()) <= {1, 2, 3}


def test_generated_data_meets_every_constraint():
    generate(migrants=200, seed=4, centres=2, today=TODAY)

    assert foreign_key_violations() == []
    connection.check_constraints()
    active = Agreement.objects.filter(status=AgreementStatus.ACTIVE)
    assert active.values("migrant").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    for migrant in Migrant.objects.select_related("centre"):
        assert re.fullmatch(
            rf"{migrant.centre.code}-{migrant.intake_on.year}-\d{{4}}", migrant.case_number
        )
        expected = normalise_for_search(
            " ".join(
                [migrant.first_name, migrant.last_name, migrant.name_latin, migrant.case_number]
            )
        )
        assert migrant.search_text == expected
        assert migrant.arrival_on is None or migrant.arrival_on >= migrant.date_of_birth
    for counter in CaseNumberCounter.objects.all():
        numbers = Migrant.objects.filter(
            centre=counter.centre, case_number__contains=f"-{counter.year}-"
        ).values_list("case_number", flat=True)
        assert counter.last_number == max(int(n.rsplit("-", 1)[1]) for n in numbers)


def test_generated_people_are_coherent():
    # 100 centres take the 18 model-project municipalities and two more
    report = generate(migrants=400, seed=9, centres=100, today=TODAY)

    assert report.municipalities_created == 2

    assert_coherent(TODAY)


def test_amended_agreements_keep_their_number_and_goal_keys():
    generate(migrants=300, seed=5, centres=2, today=TODAY)

    amended = Agreement.objects.filter(version__gt=1)
    assert amended.exists()
    for agreement in amended.select_related("predecessor"):
        assert agreement.predecessor.number == agreement.number
        assert agreement.predecessor.version == agreement.version - 1
        if agreement.status == AgreementStatus.DRAFT:  # an amendment being prepared
            assert agreement.predecessor.status == AgreementStatus.ACTIVE
        else:
            assert agreement.predecessor.status == AgreementStatus.SUPERSEDED
        keys = set(agreement.goals.values_list("key", flat=True))
        previous = set(agreement.predecessor.goals.values_list("key", flat=True))
        assert len(keys & previous) >= len(previous) - 1


def test_history_has_a_creation_row_per_object_and_a_row_per_change():
    generate(migrants=150, seed=6, centres=2, today=TODAY)

    for model in BULK:
        created = model.history.filter(history_type="+").values("id").distinct().count()
        assert created == model.objects.count(), model
    # every save of an agreement is a history row, and its revision counts the saves
    saves = dict(Agreement.history.values_list("id").annotate(n=Count("history_id")).order_by())
    for pk, revision, status in Agreement.objects.values_list("pk", "revision", "status"):
        assert saves[pk] == revision
        assert status == AgreementStatus.DRAFT or revision >= 2
    latest = Agreement.history.filter(id__in=Agreement.objects.values("pk")).order_by(
        "id", "-history_date"
    )
    seen = set()
    current = {a.pk: a.status for a in Agreement.objects.all()}
    for row in latest:
        if row.id not in seen:
            seen.add(row.id)
            assert row.status == current[row.id]
    closed = Migrant.objects.filter(status="closed")
    assert closed.exists()
    assert Migrant.history.filter(history_type="~", status="closed").count() == closed.count()


def test_active_agreements_record_progress_between_reviews_and_reviews_take_stock():
    generate(migrants=300, seed=7, centres=2, today=TODAY)

    assert_living_agreements_are_coherent(TODAY)
    active = Agreement.objects.filter(status=AgreementStatus.ACTIVE)
    reviewed = active.annotate(last=Max("reviews__held_on")).filter(last__isnull=False)
    moved_since = reviewed.filter(goals__steps__status_on__gt=F("last")).distinct()
    # running agreements moved on since their last review (long ones have little left to do)
    assert 0.15 <= moved_since.count() / reviewed.count() <= 0.9
    fresh = active.annotate(last=Max("reviews__held_on")).filter(last__isnull=True)
    assert fresh.filter(goals__steps__status_on__isnull=False).distinct().count() >= 5
    steps = Counter(
        Step.objects.filter(goal__agreement__in=active).values_list("status", flat=True)
    )
    share = {status: steps[status] / steps.total() for status in StepStatus.values}
    assert 0.3 <= share[StepStatus.DONE] <= 0.7
    assert 0.05 <= share[StepStatus.IN_PROGRESS] <= 0.3
    assert 0.02 <= share[StepStatus.POSTPONED] <= 0.15
    assert 0.01 <= share[StepStatus.CANCELLED] <= 0.15
    assert Step.objects.filter(status=StepStatus.DONE).exclude(progress_note="").exists()
    # every review takes stock of the steps; most clients answer, not all
    assert StepOutcome.objects.count() > GoalOutcome.objects.count()
    answered = Review.objects.filter(client_rating__isnull=False).count() / Review.objects.count()
    assert 0.55 <= answered <= 0.85
    ratings = Counter(Review.objects.exclude(client_rating=None).values_list("client_rating"))
    assert len(ratings) == 5


def test_staff_and_partners_are_created_in_proportion():
    generate(migrants=200, seed=8, centres=3, today=TODAY)

    for centre in CounsellingCentre.objects.all():
        roles = Counter(Membership.objects.filter(centre=centre).values_list("role", flat=True))
        assert 3 <= roles[Role.COUNSELLOR] <= 8
        assert roles[Role.SUPERVISOR] == 1
        kinds = set(
            Partner.objects.filter(municipality=centre.municipality).values_list("kind", flat=True)
        )
        assert {"jobcenter", "foreigners_authority", "course_provider"} <= kinds
    assert Offer.objects.exists()
    # people are counselled by counsellors of their own centre
    assert not Migrant.objects.exclude(counsellor__memberships__centre=F("centre")).exists()


def _fingerprint() -> dict:
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "username")),
        "migrants": list(
            Migrant.objects.order_by("pk").values_list(
                "pk",
                "case_number",
                "first_name",
                "last_name",
                "date_of_birth",
                "status",
                "counsellor_id",
                "created_at",
            )
        ),
        "agreements": list(
            Agreement.objects.order_by("pk").values_list(
                "pk", "number", "version", "status", "signed_on", "next_review_on"
            )
        ),
        "goals": list(Goal.objects.order_by("pk").values_list("pk", "key", "status", "text")),
        "steps": list(
            Step.objects.order_by("pk").values_list(
                "pk", "key", "status", "status_on", "progress_note", "postponed_to", "revision"
            )
        ),
        "outcomes": list(GoalOutcome.objects.order_by("pk").values_list("pk", "outcome")),
        "step outcomes": list(
            StepOutcome.objects.order_by("pk").values_list(
                "pk", "review", "step", "status", "comment", "postponed_to"
            )
        ),
        "client view": list(
            Review.objects.order_by("pk").values_list(
                "pk", "client_rating", "client_most_helpful", "client_wish"
            )
        ),
        "history": [model.history.count() for model in BULK],
    }


def _wipe() -> None:
    tables = [m.history.model._meta.db_table for m in BULK] + [m._meta.db_table for m in BULK]
    tables += [
        CaseNumberCounter._meta.db_table,
        Membership._meta.db_table,
        User._meta.db_table,
        Offer._meta.db_table,
        Partner._meta.db_table,
        CounsellingCentre._meta.db_table,
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - model table names


def test_the_same_seed_gives_the_same_data():
    generate(migrants=60, seed=11, centres=2, today=TODAY)
    first = _fingerprint()
    _wipe()
    generate(migrants=60, seed=11, centres=2, today=TODAY)
    assert _fingerprint() == first
    _wipe()
    generate(migrants=60, seed=12, centres=2, today=TODAY)
    assert _fingerprint()["migrants"] != first["migrants"]


def test_a_second_run_adds_new_centres_without_clashes():
    generate(migrants=40, seed=1, centres=2, today=TODAY)
    generate(migrants=40, seed=1, centres=2, today=TODAY)

    assert Migrant.objects.count() == 80
    assert CounsellingCentre.objects.count() == 4
    assert Migrant.objects.aggregate(top=Max("pk"))["top"] == 80
    assert foreign_key_violations() == []


def test_command_reports_counts_as_json():
    out = StringIO()
    call_command(
        "generate_data",
        "--migrants",
        "30",
        "--centres",
        "2",
        "--today",
        "2026-11-24",
        "--json",
        "--verify",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["rows"]["integration_migrant"] == 30
    assert report["history_rows"]["integration_historicalmigrant"] >= 30
    assert report["foreign_key_violations"] == []
    assert report["centres"] == 2


def test_command_refuses_nonsense_sizes():
    with pytest.raises(CommandError):
        call_command("generate_data", "--migrants", "0")
