"""Prepared means locked: what is printed is what is signed.

The services refuse every edit of a prepared version and say how to go on; the database
refuses what bypasses them; taking back the preparation unlocks the draft, in history and
the access log; the second-agreement path cannot get stuck.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from agreements.enums import AgreementStatus, GoalStatus, ReviewOutcome, StepStatus
from agreements.guard import terms_unlocked
from agreements.models import Agreement, Goal, GoalTemplate, SignedDocument, Step
from agreements.services.drafting import (
    add_goal,
    add_goal_from_catalogue,
    add_step,
    create_agreement,
    delete_goal,
    delete_step,
    move_goal,
    move_step,
    update_agreement,
    update_goal,
    update_step,
)
from agreements.services.lifecycle import (
    amend_agreement,
    discard_draft,
    prepare_for_signing,
    sign_agreement,
    withdraw_preparation,
)
from agreements.services.reviews import record_review
from people.enums import AccessAction
from people.models import AccessLog
from sites.enums import Area
from sites.errors import RuleError
from tests.factories import MigrantFactory

SIGNED_ON = datetime.date(2026, 11, 2)
LOCKED = "Vorbereitung zurücknehmen"


@pytest.fixture
def migrant(centre, counsellor):
    return MigrantFactory(centre=centre, counsellor=counsellor)


@pytest.fixture
def draft(migrant, counsellor):
    """A draft written through the services: two goals, the first with two steps."""
    agreement = create_agreement(user=counsellor, migrant=migrant)
    goal = add_goal(user=counsellor, agreement=agreement, area=Area.LANGUAGE, text="B1 erreichen")
    add_goal(user=counsellor, agreement=agreement, area=Area.WORK, text="Arbeit finden")
    for text in ("Kurs suchen", "Anmelden"):
        add_step(user=counsellor, goal=goal, values={"description": text})
    return Agreement.objects.get(pk=agreement.pk)


def _prepare(agreement, user) -> Agreement:
    prepare_for_signing(agreement=agreement, user=user)
    return Agreement.objects.get(pk=agreement.pk)


def _sign(agreement, user) -> Agreement:
    agreement = _prepare(agreement, user)
    return sign_agreement(
        agreement=agreement,
        user=user,
        signed_on=SIGNED_ON,
        place="Ludwigshafen",
        signed_by_migrant=True,
        signed_by_counsellor=True,
        interpreter_present=False,
        expected_revision=agreement.revision,
    )


def _first_goal(agreement) -> Goal:
    return agreement.goals.order_by("position").first()


def _first_step(agreement) -> Step:
    return Step.objects.filter(goal=_first_goal(agreement)).order_by("position").first()


def _content(agreement) -> tuple:
    goals = [(g.key, g.text, g.position) for g in agreement.goals.order_by("pk")]
    steps = [
        (s.key, s.description, s.position)
        for s in Step.objects.filter(goal__agreement=agreement).order_by("pk")
    ]
    stored = Agreement.objects.get(pk=agreement.pk)
    return stored.strengths, stored.revision, goals, steps


# --- the services ------------------------------------------------------------------------


def _template() -> GoalTemplate:
    return GoalTemplate.objects.create(area=Area.WORK, text="Eine Arbeitsstelle finden")


EDITS = {
    "update the agreement": lambda user, a: update_agreement(
        user=user,
        agreement=a,
        values={"strengths": "neu"},
        expected_revision=a.revision,
    ),
    "add a goal": lambda user, a: add_goal(user=user, agreement=a, area=Area.WORK, text="Neu"),
    "add a catalogue goal": lambda user, a: add_goal_from_catalogue(
        user=user, agreement=a, template=_template()
    ),
    "update a goal": lambda user, a: update_goal(
        user=user, goal=_first_goal(a), values={"text": "Neu"}, expected_revision=1
    ),
    "delete a goal": lambda user, a: delete_goal(user=user, goal=_first_goal(a)),
    "move a goal": lambda user, a: move_goal(user=user, goal=_first_goal(a), direction="down"),
    "add a step": lambda user, a: add_step(
        user=user, goal=_first_goal(a), values={"description": "Neu"}
    ),
    "update a step": lambda user, a: update_step(
        user=user, step=_first_step(a), values={"description": "Neu"}, expected_revision=1
    ),
    "delete a step": lambda user, a: delete_step(user=user, step=_first_step(a)),
    "move a step": lambda user, a: move_step(user=user, step=_first_step(a), direction="down"),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_every_edit_of_a_prepared_version_is_refused_with_the_way_on(draft, counsellor, edit):
    prepared = _prepare(draft, counsellor)
    before = _content(prepared)

    with pytest.raises(RuleError, match=LOCKED) as refused:
        EDITS[edit](counsellor, prepared)

    assert "zur Unterschrift vorbereitet" in str(refused.value)
    assert _content(prepared) == before


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_every_edit_of_a_draft_works_before_it_is_prepared(draft, counsellor, edit):
    # The refusals above are the lock's, not the edits' own.
    before = _content(draft)
    EDITS[edit](counsellor, draft)
    assert _content(draft) != before


# --- the database guard ------------------------------------------------------------------

DIRECT_WRITES = {
    "insert a goal": lambda a: Goal.objects.create(agreement=a, area=Area.WORK, text="Neu"),
    "change a goal's text": lambda a: Goal.objects.filter(agreement=a).update(text="Neu"),
    "change a goal's target date": lambda a: Goal.objects.filter(agreement=a).update(
        target_date=datetime.date(2027, 1, 1)
    ),
    "delete a goal": lambda a: Goal.objects.filter(pk=_first_goal(a).pk).delete(),
    "insert a step": lambda a: Step.objects.create(goal=_first_goal(a), description="Neu"),
    "change a step's description": lambda a: Step.objects.filter(goal__agreement=a).update(
        description="Neu"
    ),
    "move a step to another goal": lambda a: Step.objects.filter(goal__agreement=a).update(
        goal=a.goals.order_by("position").last()
    ),
    "delete a step": lambda a: Step.objects.filter(goal__agreement=a).delete(),
    "change the agreement's situation": lambda a: Agreement.objects.filter(pk=a.pk).update(
        situation_work="Neu"
    ),
    "change the review interval": lambda a: Agreement.objects.filter(pk=a.pk).update(
        review_interval_months=6
    ),
}


def _refused_by_the_database(write, agreement) -> bool:
    try:
        with transaction.atomic():
            write(agreement)
    except IntegrityError as error:
        assert "terms_locked" in str(error)
        return True
    return False


@pytest.mark.parametrize("write", list(DIRECT_WRITES), ids=list(DIRECT_WRITES))
def test_the_database_refuses_a_direct_write_to_a_prepared_version(draft, counsellor, write):
    prepared = _prepare(draft, counsellor)
    before = _content(prepared)

    assert _refused_by_the_database(DIRECT_WRITES[write], prepared)
    assert _content(prepared) == before


@pytest.mark.parametrize("write", list(DIRECT_WRITES), ids=list(DIRECT_WRITES))
def test_the_database_refuses_a_direct_write_to_a_signed_version(draft, counsellor, write):
    signed = _sign(draft, counsellor)
    before = _content(signed)

    assert _refused_by_the_database(DIRECT_WRITES[write], signed)
    assert _content(signed) == before


@pytest.mark.parametrize("write", list(DIRECT_WRITES), ids=list(DIRECT_WRITES))
def test_the_database_lets_an_open_draft_be_written(draft, write):
    assert not _refused_by_the_database(DIRECT_WRITES[write], draft)


def test_the_agreed_due_date_is_locked_once_prepared_and_a_postponement_is_its_own_column(
    draft, counsellor, migrant
):
    later = datetime.date(2027, 2, 1)
    prepared = _prepare(draft, counsellor)
    move_due = lambda a: Step.objects.filter(goal__agreement=a).update(due_on=later)  # noqa: E731
    assert _refused_by_the_database(move_due, prepared)

    signed = _sign(prepared, counsellor)
    agreed = set(Step.objects.filter(goal__agreement=signed).values_list("due_on", flat=True))
    assert _refused_by_the_database(move_due, signed)
    postpone = lambda a: Step.objects.filter(goal__agreement=a).update(postponed_to=later)  # noqa: E731
    assert not _refused_by_the_database(postpone, signed)
    rows = Step.objects.filter(goal__agreement=signed)
    assert set(rows.values_list("due_on", flat=True)) == agreed
    assert set(rows.values_list("postponed_to", flat=True)) == {later}


def test_progress_stays_writable_on_a_signed_version(draft, counsellor):
    signed = _sign(draft, counsellor)
    step = _first_step(signed)
    step.status, step.status_on = StepStatus.DONE, SIGNED_ON
    step.save()
    Goal.objects.filter(agreement=signed).update(status=GoalStatus.IN_PROGRESS)
    Agreement.objects.filter(pk=signed.pk).update(next_review_on=datetime.date(2027, 3, 1))

    assert Step.objects.get(pk=step.pk).status == StepStatus.DONE
    assert set(signed.goals.values_list("status", flat=True)) == {GoalStatus.IN_PROGRESS}


def test_reviews_still_move_goals_of_an_active_agreement_on(draft, counsellor):
    signed = _sign(draft, counsellor)
    goals = list(signed.goals.order_by("position"))

    record_review(
        agreement=signed,
        user=counsellor,
        held_on=SIGNED_ON + datetime.timedelta(days=14),
        today=SIGNED_ON + datetime.timedelta(days=14),
        outcomes={
            goals[0].pk: (ReviewOutcome.ACHIEVED, ""),
            goals[1].pk: (ReviewOutcome.IN_PROGRESS, ""),
        },
        # An achieved goal accounts for its steps; progress passes the guard too.
        step_outcomes={step.pk: (StepStatus.DONE, "", None) for step in goals[0].steps.all()},
        next_review_on=SIGNED_ON + datetime.timedelta(days=90),
    )

    assert [g.status for g in signed.goals.order_by("position")] == [
        GoalStatus.ACHIEVED,
        GoalStatus.IN_PROGRESS,
    ]
    assert set(Step.objects.filter(goal=goals[0]).values_list("status", flat=True)) == {
        StepStatus.DONE
    }


def test_the_unlock_lasts_for_its_block_only(draft, counsellor):
    prepared = _prepare(draft, counsellor)
    with terms_unlocked():
        Goal.objects.filter(agreement=prepared).update(text="Anonymisiert")
    assert set(prepared.goals.values_list("text", flat=True)) == {"Anonymisiert"}
    assert _refused_by_the_database(DIRECT_WRITES["change a goal's text"], prepared)


def test_a_failed_unlocked_block_leaves_the_guard_locked(draft, counsellor):
    prepared = _prepare(draft, counsellor)
    with pytest.raises(ZeroDivisionError), terms_unlocked():
        Goal.objects.filter(agreement=prepared).update(text="Anonymisiert")
        _ = 1 / 0
    assert "Anonymisiert" not in set(prepared.goals.values_list("text", flat=True))
    assert _refused_by_the_database(DIRECT_WRITES["change a goal's text"], prepared)


@pytest.mark.django_db
def test_the_guards_triggers_are_installed():
    # A later migration must not lose them (SQLite lays them after every migrate run).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'agreements_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    for table in ("agreement", "goal", "step"):
        assert any(name.startswith(f"agreements_{table}_terms_locked") for name in names), table


# --- taking back the preparation ---------------------------------------------------------


def test_taking_back_the_preparation_makes_the_draft_editable_and_history_shows_it(
    draft, counsellor, django_capture_on_commit_callbacks
):
    prepared = _prepare(draft, counsellor)
    document = SignedDocument.objects.get(agreement=prepared)
    storage, name = document.pdf.storage, document.pdf.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_preparation(user=counsellor, agreement=prepared)

    assert not SignedDocument.objects.filter(agreement=prepared).exists()
    assert not storage.exists(name)
    stored = Agreement.objects.get(pk=prepared.pk)
    assert stored.revision == prepared.revision + 1
    latest = stored.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "Vorbereitung zurückgenommen",
        counsellor,
    )
    logged = AccessLog.objects.get(action=AccessAction.DISCARD_PDF)
    assert (logged.user, logged.migrant_id) == (counsellor, prepared.migrant_id)
    assert "preparation withdrawn" in logged.detail

    goal = add_goal(user=counsellor, agreement=stored, area=Area.HEALTH, text="Hausarzt finden")
    assert goal.agreement_id == stored.pk
    signed = _sign(stored, counsellor)
    assert signed.status == AgreementStatus.ACTIVE


def test_taking_back_is_refused_for_a_signed_version_and_an_unprepared_draft(draft, counsellor):
    with pytest.raises(RuleError, match="nicht zur Unterschrift vorbereitet"):
        withdraw_preparation(user=counsellor, agreement=draft)
    signed = _sign(draft, counsellor)
    with pytest.raises(RuleError, match="unterschriebene Fassung"):
        withdraw_preparation(user=counsellor, agreement=signed)
    assert SignedDocument.objects.filter(agreement=signed).exists()


def test_the_signing_page_offers_to_take_back_and_the_button_does(
    draft, counsellor, counsellor_client
):
    prepared = _prepare(draft, counsellor)
    page = counsellor_client.get(reverse("agreements:sign", args=[prepared.pk]))
    unprepare = reverse("agreements:unprepare", args=[prepared.pk])
    assert unprepare in page.content.decode()

    response = counsellor_client.post(unprepare)

    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:edit", args=[prepared.pk])
    assert not SignedDocument.objects.filter(agreement=prepared).exists()


def test_the_edit_and_agreement_pages_show_a_prepared_draft_locked(
    draft, counsellor, counsellor_client
):
    edit = counsellor_client.get(reverse("agreements:edit", args=[draft.pk])).content.decode()
    assert reverse("agreements:goal-add", args=[draft.pk]) in edit

    prepared = _prepare(draft, counsellor)
    edit = counsellor_client.get(reverse("agreements:edit", args=[prepared.pk])).content.decode()
    detail = counsellor_client.get(prepared.get_absolute_url()).content.decode()

    unprepare = reverse("agreements:unprepare", args=[prepared.pk])
    for page in (edit, detail):
        assert "Diese Fassung ist zur Unterschrift vorbereitet" in page
        assert unprepare in page
    assert reverse("agreements:goal-add", args=[prepared.pk]) not in edit
    assert reverse("agreements:goal-delete", args=[_first_goal(prepared).pk]) not in edit
    assert reverse("agreements:step-edit", args=[_first_step(prepared).pk]) not in edit
    assert "Weiter schreiben" not in detail


# --- the second agreement ----------------------------------------------------------------


def test_a_second_agreement_beside_an_active_one_is_refused_offering_the_amendment(
    draft, counsellor, migrant
):
    _sign(draft, counsellor)
    with pytest.raises(RuleError, match="„Ändern“"):
        create_agreement(user=counsellor, migrant=migrant)
    assert migrant.agreements.count() == 1


def test_a_second_agreement_beside_an_open_draft_is_refused_offering_the_draft(
    draft, counsellor, migrant
):
    with pytest.raises(RuleError, match="offenen Entwurf"):
        create_agreement(user=counsellor, migrant=migrant)
    assert migrant.agreements.count() == 1


def test_the_person_page_offers_amend_not_a_new_agreement_while_one_is_active(
    draft, counsellor, migrant, counsellor_client
):
    page = counsellor_client.get(migrant.get_absolute_url()).content.decode()
    assert "Neue Vereinbarung schreiben" not in page
    assert "Entwurf öffnen (Version 1)" in page  # the open draft instead

    signed = _sign(draft, counsellor)
    page = counsellor_client.get(migrant.get_absolute_url()).content.decode()
    assert "Neue Vereinbarung schreiben" not in page
    assert reverse("agreements:amend", args=[signed.pk]) in page
    assert "Ändern" in page


def test_the_person_page_offers_a_new_agreement_when_none_is_open(migrant, counsellor_client):
    page = counsellor_client.get(migrant.get_absolute_url()).content.decode()
    assert "Neue Vereinbarung schreiben" in page


def test_a_prepared_draft_can_be_discarded_with_its_pdf(
    draft, counsellor, migrant, django_capture_on_commit_callbacks
):
    prepared = _prepare(draft, counsellor)
    document = SignedDocument.objects.get(agreement=prepared)
    storage, name = document.pdf.storage, document.pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        discard_draft(user=counsellor, agreement=prepared)

    assert not Agreement.objects.filter(pk=prepared.pk).exists()
    assert not SignedDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)
    assert AccessLog.objects.filter(action=AccessAction.DISCARD_PDF, migrant=migrant).exists()
    # And the way is free for a new one.
    assert create_agreement(user=counsellor, migrant=migrant).version == 1


def test_an_amendment_prepared_and_signed_supersedes_the_active_version(draft, counsellor):
    active = _sign(draft, counsellor)
    amendment = amend_agreement(user=counsellor, agreement=active, reason="Umzug")
    add_goal(user=counsellor, agreement=amendment, area=Area.HOUSING, text="Wohnung finden")

    prepared = _prepare(amendment, counsellor)
    with pytest.raises(RuleError, match=LOCKED):
        add_goal(user=counsellor, agreement=prepared, area=Area.HEALTH, text="Nachträglich")
    signed = _sign(prepared, counsellor)

    active.refresh_from_db()
    assert (active.status, signed.status, signed.version) == (
        AgreementStatus.SUPERSEDED,
        AgreementStatus.ACTIVE,
        2,
    )
    assert signed.goals.count() == 3
    assert SignedDocument.objects.filter(agreement__in=[active, signed]).count() == 2
