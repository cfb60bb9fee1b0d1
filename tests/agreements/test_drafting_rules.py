"""Goals and steps carry a revision as their optimistic lock; the drafting and lifecycle
services refuse what the forms refuse, whoever calls them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Goal, Step
from agreements.services.drafting import add_goal, update_agreement, update_goal, update_step
from agreements.services.lifecycle import end_agreement_early
from sites.errors import ConflictError, RuleError
from tests.factories import (
    AgreementFactory,
    GoalFactory,
    MigrantFactory,
    SignedAgreementFactory,
    StepFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(centre, counsellor):
    return AgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))


def test_a_goal_edit_posted_without_its_revision_is_refused(counsellor_client, draft):
    goal = GoalFactory(agreement=draft, text="B1 erreichen")
    data = {"area": "language", "text": "Mein Text", "priority": "2"}
    response = counsellor_client.post(reverse("agreements:goal-edit", args=[goal.pk]), data, **HTMX)
    assert response.status_code == 400
    assert "ohne den Stand gesendet" in response.content.decode()
    assert Goal.objects.get(pk=goal.pk).text == "B1 erreichen"


def test_a_step_edit_posted_without_its_revision_is_refused(counsellor_client, draft):
    step = StepFactory(goal=GoalFactory(agreement=draft), description="Kurs suchen")
    data = {"description": "Anders", "responsible": "migrant", "status": "open"}
    response = counsellor_client.post(reverse("agreements:step-edit", args=[step.pk]), data, **HTMX)
    assert response.status_code == 400
    assert Step.objects.get(pk=step.pk).description == "Kurs suchen"


def test_the_services_refuse_an_edit_without_a_revision(counsellor, draft):
    goal = GoalFactory(agreement=draft, text="B1 erreichen")
    step = StepFactory(goal=goal, description="Kurs suchen")
    with pytest.raises(RuleError):
        update_goal(user=counsellor, goal=goal, values={"text": "x"}, expected_revision=None)
    with pytest.raises(RuleError):
        update_step(user=counsellor, step=step, values={"description": "x"}, expected_revision=None)
    assert (Goal.objects.get(pk=goal.pk).text, Step.objects.get(pk=step.pk).description) == (
        "B1 erreichen",
        "Kurs suchen",
    )


def test_each_goal_edit_moves_its_revision_on_and_a_stale_one_conflicts(
    counsellor, colleague, draft
):
    goal = GoalFactory(agreement=draft, text="B1 erreichen")
    assert goal.revision == 1
    saved = update_goal(user=colleague, goal=goal, values={"text": "B2"}, expected_revision=1)
    assert (saved.revision, saved.history.latest().history_user) == (2, colleague)
    with pytest.raises(ConflictError) as conflict:
        update_goal(user=counsellor, goal=goal, values={"text": "C1"}, expected_revision=1)
    assert [(old, new) for _label, old, new in conflict.value.changes] == [("B1 erreichen", "B2")]
    assert Goal.objects.get(pk=goal.pk).text == "B2"


def test_a_goal_edit_keeps_a_move_made_meanwhile(counsellor, draft):
    first, second = (
        GoalFactory(agreement=draft, position=1),
        GoalFactory(agreement=draft, position=2),
    )
    Goal.objects.filter(pk=first.pk).update(position=3)  # a colleague moved it down
    update_goal(user=counsellor, goal=first, values={"text": "neu"}, expected_revision=1)
    assert list(draft.goals.values_list("pk", flat=True)) == [second.pk, first.pk]


@pytest.mark.parametrize("day", [datetime.date(1999, 12, 31), datetime.date(2099, 1, 1)])
def test_a_goal_dated_outside_the_forms_range_is_refused(counsellor, draft, day):
    revision = draft.revision
    with pytest.raises(RuleError):
        add_goal(user=counsellor, agreement=draft, area="language", text="B1", target_date=day)
    assert (draft.goals.count(), Agreement.objects.get(pk=draft.pk).revision) == (0, revision)


@pytest.mark.parametrize(
    "values",
    [
        {"review_interval_months": 7},
        {"valid_from": datetime.date(2026, 5, 1), "valid_until": datetime.date(2026, 4, 1)},
        {"interpreter_present": True, "interpreter_name": ""},
    ],
)
def test_a_draft_with_values_its_form_refuses_is_not_saved(counsellor, draft, values):
    with pytest.raises(RuleError):
        update_agreement(
            user=counsellor, agreement=draft, values=values, expected_revision=draft.revision
        )
    assert Agreement.objects.get(pk=draft.pk).revision == draft.revision


def test_an_agreement_cannot_end_in_the_future(counsellor, centre):
    signed = SignedAgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(RuleError):
        end_agreement_early(user=counsellor, agreement=signed, ended_on=tomorrow, reason="Umzug")
    stored = Agreement.objects.get(pk=signed.pk)
    assert (stored.status, stored.ended_on) == (signed.status, None)
