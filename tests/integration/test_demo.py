"""The demo: the generator at a fixed seed and size, the fixed logins, everything the demo
has to show, coherent, and idempotent."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.test import override_settings
from django.utils import timezone

from agreements.enums import AgreementStatus, StepStatus
from agreements.models import Agreement, Goal, GoalOutcome, Review, Step, StepOutcome
from integration.datagen.demo import (
    BERATER_CASELOAD,
    COLLEAGUE_CASELOAD,
    PEOPLE_PER_CENTRE,
    seed_demo,
    showcase_people,
)
from people.enums import CaseStatus, ConsentForm, Interpreter
from people.models import Child, Consent, CounsellingSession, Migrant, Qualification
from people.services import next_case_number
from sites.enums import Role
from sites.models import CounsellingCentre, Membership, User
from tests.factories import TODAY
from tests.integration.coherence import (
    assert_addresses_carry_the_real_postcode,
    assert_closed_cases_have_no_open_agreement,
    assert_living_agreements_are_coherent,
    assert_no_duplicate_names,
    assert_permits_issued_after_arrival,
    assert_surnames_agree_with_gender,
)

pytestmark = pytest.mark.django_db
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"  # as in tests/conftest.py
MODELS = [
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


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One demo for the module (it takes seconds), rolled back afterwards."""
    # The PDFs seed_demo freezes go to a throwaway directory, not the project's var/.
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path_factory.mktemp("private"), "base_url": None},
        },
    }
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=[FAST_HASHER], STORAGES=storages):
            seed_demo(today=TODAY)
        # Checked once here: each test's rollback would bring the deferred checks back.
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def _counts() -> list[int]:
    return [n for model in MODELS for n in (model.objects.count(), model.history.count())]


def test_fixed_logins_and_caseloads():
    for username, code, role in [
        ("berater", "LU", Role.COUNSELLOR),
        ("leitung", "LU", Role.SUPERVISOR),
        ("berater-leipzig", "L", Role.COUNSELLOR),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password("integration-demo")
        assert list(user.memberships.values_list("centre__code", "role")) == [(code, role)]
    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.check_password("integration-demo")) == (True, True)
    assert CounsellingCentre.objects.count() == 87
    lu = dict(
        Migrant.objects.filter(centre__code="LU")
        .values_list("counsellor__username")
        .annotate(n=Count("id"))
    )
    assert lu == {
        "berater": BERATER_CASELOAD,
        "lu-berater-1": COLLEAGUE_CASELOAD,
        "lu-berater-2": COLLEAGUE_CASELOAD,
        "lu-berater-3": COLLEAGUE_CASELOAD,
    }
    per_centre = Migrant.objects.exclude(centre__code="LU").values("centre").annotate(n=Count("id"))
    assert {row["n"] for row in per_centre} == {PEOPLE_PER_CENTRE}
    assert not Migrant.objects.exclude(counsellor__memberships__centre=F("centre")).exists()


def test_a_second_run_changes_nothing_and_prints_the_logins():
    before = _counts()
    users = list(User.objects.order_by("pk").values_list("pk", "username", "password"))
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert list(User.objects.order_by("pk").values_list("pk", "username", "password")) == users
    for username in ["berater", "leitung", "berater-leipzig", "admin"]:
        assert f"  {username} " in out.getvalue()
    assert "integration-demo" in out.getvalue()


def test_demo_shows_every_status_and_kind_of_record():
    people = Migrant.objects.all()
    assert set(people.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(Agreement.objects.values_list("status", flat=True)) == set(AgreementStatus.values)
    amendments = Agreement.objects.filter(version__gt=1)
    assert amendments.filter(status=AgreementStatus.ACTIVE).exists()
    assert amendments.filter(status=AgreementStatus.DRAFT).exists()  # amendment in progress
    assert people.values("nationality").distinct().count() >= 15
    assert people.exclude(name_latin="").count() >= 100  # own script beside the Latin one
    assert CounsellingSession.objects.exclude(interpreter=Interpreter.NONE).count() >= 1000
    assert Consent.objects.filter(withdrawn_on__isnull=False).exists()
    assert Consent.objects.filter(form=ConsentForm.ORAL).exists()
    assert Step.objects.filter(partner__isnull=False, offer__isnull=False).count() >= 1000
    assert GoalOutcome.objects.values("outcome").distinct().count() >= 4
    overdue_reviews = Agreement.objects.filter(
        status=AgreementStatus.ACTIVE, next_review_on__lt=TODAY
    )
    assert overdue_reviews.filter(counsellor__username="berater").exists()
    assert Step.objects.filter(status=StepStatus.OPEN, due_on__lt=TODAY).exists()
    assert Child.objects.exists() and Qualification.objects.exists()


def test_surnames_agree_with_the_persons_gender():
    people = Migrant.objects.all()
    assert_surnames_agree_with_gender(people)
    # both forms occur, so the rule is tested on real cases
    assert people.filter(sex="female", nationality="RU", last_name__endswith="owa").exists()
    assert people.filter(sex="male", nationality="RU", last_name__endswith="ow").exists()


def test_addresses_carry_the_municipalitys_real_postcode():
    assert_addresses_carry_the_real_postcode(Migrant.objects.all())
    ludwigshafen = CounsellingCentre.objects.get(code="LU")
    assert (ludwigshafen.postcode, ludwigshafen.city) == ("67059", "Ludwigshafen")


def test_residence_permits_are_issued_after_arrival():
    assert_permits_issued_after_arrival(Migrant.objects.all(), TODAY)


def test_closing_a_case_ended_its_agreement():
    assert_closed_cases_have_no_open_agreement()


def test_no_two_people_of_a_centre_share_name_and_date_of_birth():
    assert_no_duplicate_names(Migrant.objects.all())


def test_demo_keeps_the_rules_of_the_forms():
    for born, arrival, intake, status, closed in Migrant.objects.values_list(
        "date_of_birth", "arrival_on", "intake_on", "status", "closed_on"
    ):
        assert arrival is None or born < arrival < intake <= TODAY
        if status == CaseStatus.CLOSED:
            assert intake <= closed <= TODAY
    assert not CounsellingSession.objects.filter(held_on__gt=TODAY).exists()
    assert not Consent.objects.filter(form=ConsentForm.ORAL, file_note="").exists()
    assert not CounsellingSession.objects.exclude(interpreter=Interpreter.NONE).filter(
        interpreter_language=""
    )
    for held_on, appointment in CounsellingSession.objects.filter(
        next_appointment__isnull=False
    ).values_list("held_on", "next_appointment"):
        assert held_on < appointment.date()
    # an open case's next appointment lies ahead
    assert not CounsellingSession.objects.filter(
        migrant__status=CaseStatus.ACTIVE, next_appointment__date__lte=TODAY
    ).exists()


def test_sessions_and_appointments_fall_on_working_days():
    for held_on, appointment in CounsellingSession.objects.values_list(
        "held_on", "next_appointment"
    ):
        assert held_on.weekday() < 5
        assert appointment is None or timezone.localtime(appointment).weekday() < 5


def test_history_names_the_counsellor_and_agrees_with_the_current_rows():
    person = Migrant.objects.filter(counsellor__username="berater").first()
    created = person.history.get(history_type="+")
    assert (created.history_user, created.history_date.date()) == (
        person.counsellor,
        person.intake_on,
    )
    assert {s.history.get().history_user for s in person.sessions.all()} == {person.counsellor}
    for model in MODELS:
        created = model.history.filter(history_type="+").values("id").distinct().count()
        assert created == model.objects.count(), model


def test_case_numbers_continue_after_the_demo():
    centre = CounsellingCentre.objects.get(code="LU")
    last = (
        Migrant.objects.filter(centre=centre, case_number__startswith=f"LU-{TODAY.year}-")
        .order_by("-case_number")
        .values_list("case_number", flat=True)
        .first()
    )
    following = next_case_number(centre=centre, on=TODAY)
    assert int(following.rsplit("-", 1)[1]) == int(last.rsplit("-", 1)[1]) + 1
    assert Membership.objects.filter(user__username="berater").count() == 1


def test_demo_agreements_live_between_reviews_coherently():
    assert_living_agreements_are_coherent(TODAY)
    active = Agreement.objects.filter(status=AgreementStatus.ACTIVE)
    reviewed = active.annotate(last=Max("reviews__held_on")).filter(last__isnull=False)
    # progress since the last review, steps in progress and postponed in the login centres
    for code in ["LU", "L"]:
        here = reviewed.filter(centre__code=code)
        assert here.filter(goals__steps__status_on__gt=F("last")).count() >= 5
        steps = Step.objects.filter(goal__agreement__in=active, goal__agreement__centre__code=code)
        assert steps.filter(status=StepStatus.POSTPONED).count() >= 5
        assert steps.filter(status=StepStatus.IN_PROGRESS).count() >= 5
    answered = Review.objects.filter(client_rating__isnull=False).count() / Review.objects.count()
    assert 0.55 <= answered <= 0.85


def test_tour_shows_progress_since_the_last_review_and_a_review_that_took_stock():
    person = showcase_people()[0]
    agreement = Agreement.objects.get(migrant=person, status=AgreementStatus.ACTIVE)
    last = agreement.reviews.order_by("-held_on").first()
    assert last.client_rating is not None and last.client_most_helpful and last.client_wish
    assert last.step_outcomes.count() == Step.objects.filter(goal__outcomes__review=last).count()
    assert agreement.next_review_on > TODAY
    since = Step.objects.filter(goal__agreement=agreement, status_on__gt=last.held_on)
    assert {StepStatus.DONE, StepStatus.IN_PROGRESS, StepStatus.POSTPONED} <= set(
        since.values_list("status", flat=True)
    )
    in_flight = since.filter(status__in=[StepStatus.IN_PROGRESS, StepStatus.POSTPONED])
    assert not in_flight.filter(progress_note="").exists()
    for step in since.filter(status=StepStatus.POSTPONED):
        assert step.due_on < step.postponed_to <= agreement.next_review_on
        assert step.postponed_to > TODAY
