import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from agreements.enums import Responsible
from agreements.models import Agreement, Goal, GoalTemplate, Step
from tests.factories import (
    AgreementFactory,
    GoalFactory,
    MigrantFactory,
    SignedAgreementFactory,
    StepFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def migrant(centre, counsellor):
    return MigrantFactory(centre=centre, counsellor=counsellor)


@pytest.fixture
def draft(migrant):
    return AgreementFactory(migrant=migrant)


def test_person_page_starts_an_agreement(counsellor_client, migrant):
    response = counsellor_client.post(reverse("agreements:create", args=[migrant.pk]))
    agreement = Agreement.objects.get()
    assert response["Location"] == reverse("agreements:edit", args=[agreement.pk])


def test_catalogue_goal_is_added_with_its_steps_by_htmx(counsellor_client, draft):
    template = GoalTemplate.objects.get(text="Kita-Platz finden")
    response = counsellor_client.post(
        reverse("agreements:goal-add", args=[draft.pk]),
        {"catalogue-template": template.pk},
        **HTMX,
    )
    assert response.status_code == 200
    assert '<div id="goals"' in response.content.decode()
    goal = draft.goals.get()
    assert (goal.text, goal.area) == ("Kita-Platz finden", "childcare")
    assert goal.steps.count() == template.steps.count()


def test_invalid_goal_answers_with_the_form_and_saves_nothing(counsellor_client, draft):
    response = counsellor_client.post(
        reverse("agreements:goal-add", args=[draft.pk]),
        {"new-goal-area": "", "new-goal-text": "", "new-goal-priority": "2"},
        **HTMX,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_new-goal-area" aria-invalid="true"' in html.replace(" required", "") or (
        html.count("is-invalid") >= 2
    )
    assert Goal.objects.count() == 0


def test_goals_and_steps_are_reordered_and_removed(counsellor_client, draft):
    first, second = (
        GoalFactory(agreement=draft, position=1),
        GoalFactory(agreement=draft, position=2),
    )
    counsellor_client.post(reverse("agreements:goal-move", args=[second.pk, "up"]), **HTMX)
    assert list(draft.goals.values_list("pk", flat=True)) == [second.pk, first.pk]
    step = StepFactory(goal=first)
    counsellor_client.post(reverse("agreements:step-delete", args=[step.pk]), **HTMX)
    counsellor_client.post(reverse("agreements:goal-delete", args=[first.pk]), **HTMX)
    assert (Step.objects.count(), list(Goal.objects.all())) == (0, [second])


def test_stale_goal_form_is_refused_and_shows_what_changed(client, counsellor, colleague, draft):
    goal = GoalFactory(agreement=draft, text="B1 erreichen")
    data = {"area": "language", "text": "Mein Text", "priority": "2", "revision": goal.revision}
    client.force_login(colleague)
    client.post(
        reverse("agreements:goal-edit", args=[goal.pk]), {**data, "text": "B2 erreichen"}, **HTMX
    )
    client.force_login(counsellor)
    response = client.post(reverse("agreements:goal-edit", args=[goal.pk]), data, **HTMX)
    assert response.status_code == 409
    goal.refresh_from_db()
    assert goal.text == "B2 erreichen"
    assert "B1 erreichen → B2 erreichen" in response.content.decode()


def _situation_data(agreement, **changes) -> dict:
    from agreements.forms.drafting import AgreementForm

    initial = AgreementForm(instance=agreement)
    data = {name: initial[name].value() for name in initial.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    return {**data, "revision": agreement.revision, **changes}


def test_stale_situation_form_is_refused_and_the_page_still_shows(
    client, counsellor, colleague, draft
):
    url = reverse("agreements:edit", args=[draft.pk])
    stale = _situation_data(draft, situation_work="Minijob im Einzelhandel")
    client.force_login(colleague)
    saved = client.post(url, _situation_data(draft, situation_work="Teilzeit in der Pflege"))
    assert saved.status_code == 302
    client.force_login(counsellor)
    response = client.post(url, stale)
    # The refusal leaves the request's transaction usable: the page is built after it.
    assert response.status_code == 409
    assert "Teilzeit in der Pflege" in response.content.decode()
    draft.refresh_from_db()
    assert draft.situation_work == "Teilzeit in der Pflege"


@pytest.mark.parametrize("months", ["0", "7"])
def test_a_review_interval_outside_one_to_six_months_is_refused(counsellor_client, draft, months):
    url = reverse("agreements:edit", args=[draft.pk])
    response = counsellor_client.post(url, _situation_data(draft, review_interval_months=months))
    assert response.status_code == 400
    assert "review_interval_months" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.review_interval_months == 3


def test_a_refused_update_leaves_the_surrounding_transaction_usable(counsellor, draft):
    from django.db import transaction

    from agreements.forms.drafting import AgreementForm
    from agreements.services.drafting import update_agreement
    from sites.errors import RuleError

    form = AgreementForm(_situation_data(draft, strengths="neu"), instance=draft)
    assert form.is_valid(), form.errors
    Agreement.objects.filter(pk=draft.pk).update(
        status="active", signed_on=datetime.date(2026, 3, 1)
    )
    with transaction.atomic():
        with pytest.raises(RuleError):
            update_agreement(
                user=counsellor,
                agreement=draft,
                values=form.values(),
                expected_revision=draft.revision,
            )
        assert Agreement.objects.get(pk=draft.pk).strengths != "neu"


def _situation_form(agreement, **changes):
    from agreements.forms.drafting import AgreementForm

    form = AgreementForm(_situation_data(agreement, **changes), instance=agreement)
    assert form.is_valid(), form.errors
    return form


def test_saving_a_draft_is_a_locked_read_one_update_and_one_history_row(
    counsellor, draft, django_assert_num_queries
):
    from agreements.services.drafting import update_agreement

    form = _situation_form(draft, strengths="spricht drei Sprachen")
    before = Agreement.objects.get(pk=draft.pk)

    with django_assert_num_queries(3):
        update_agreement(
            user=counsellor, agreement=draft, values=form.values(), expected_revision=draft.revision
        )

    stored = Agreement.objects.get(pk=draft.pk)
    latest = stored.history.latest()
    assert (stored.strengths, stored.revision) == ("spricht drei Sprachen", before.revision + 1)
    assert stored.updated_at > before.updated_at
    assert stored.created_at == before.created_at
    assert (latest.history_type, latest.history_user, latest.strengths, latest.revision) == (
        "~",
        counsellor,
        "spricht drei Sprachen",
        before.revision + 1,
    )


def test_a_save_from_an_older_revision_writes_nothing(counsellor, colleague, draft):
    from agreements.services.drafting import update_agreement
    from sites.errors import ConflictError

    opened_at = draft.revision
    opened = Agreement.objects.get(pk=draft.pk)
    for revision, text in ((opened_at, "ihre Fassung"), (opened_at + 1, "ihre zweite Fassung")):
        theirs = _situation_form(Agreement.objects.get(pk=draft.pk), strengths=text)
        update_agreement(
            user=colleague, agreement=draft, values=theirs.values(), expected_revision=revision
        )
    rows = draft.history.count()

    mine = _situation_form(opened, strengths="meine Fassung")
    with pytest.raises(ConflictError):
        update_agreement(
            user=counsellor, agreement=opened, values=mine.values(), expected_revision=opened_at
        )

    stored = Agreement.objects.get(pk=draft.pk)
    assert stored.strengths == "ihre zweite Fassung"
    assert draft.history.count() == rows
    assert stored.revision == opened_at + 2
    assert opened.revision == opened_at  # the service leaves its arguments alone


def test_saving_a_discarded_draft_says_so(counsellor, draft):
    from agreements.services.drafting import update_agreement
    from sites.errors import RuleError

    form = _situation_form(draft, strengths="zu spät")
    Agreement.objects.filter(pk=draft.pk).delete()

    with translation.override("en"), pytest.raises(RuleError, match="discarded"):
        update_agreement(
            user=counsellor, agreement=draft, values=form.values(), expected_revision=draft.revision
        )

    assert not Agreement.objects.filter(pk=draft.pk).exists()


def test_step_with_partner_but_no_consent_offers_to_record_consent(
    counsellor_client, draft, centre
):
    from tests.factories import PartnerFactory

    goal = GoalFactory(agreement=draft)
    partner = PartnerFactory(municipality=centre.municipality)
    response = counsellor_client.post(
        reverse("agreements:step-add", args=[goal.pk]),
        {
            f"new-step-{goal.pk}-description": "Termin beim Jobcenter",
            f"new-step-{goal.pk}-responsible": Responsible.PARTNER,
            f"new-step-{goal.pk}-partner": partner.pk,
            f"new-step-{goal.pk}-status": "open",
        },
        **HTMX,
    )
    assert response.status_code == 400
    consent_url = reverse("integration:consent-add", args=[draft.migrant_id])
    assert f'href="{consent_url}?partner={partner.pk}' in response.content.decode()
    assert Step.objects.count() == 0


def test_signed_version_cannot_be_opened_for_editing(counsellor_client, migrant):
    signed = SignedAgreementFactory(migrant=migrant)
    response = counsellor_client.get(reverse("agreements:edit", args=[signed.pk]))
    assert response["Location"] == signed.get_absolute_url()
    goal = GoalFactory(agreement=signed)
    response = counsellor_client.post(reverse("agreements:goal-delete", args=[goal.pk]), **HTMX)
    assert response.status_code == 400
    assert Goal.objects.filter(pk=goal.pk).exists()


@pytest.mark.parametrize("amended", [False, True])
@pytest.mark.parametrize("goals", [1, 8])
def test_agreement_page_uses_a_constant_number_of_queries(
    counsellor_client, migrant, django_assert_num_queries, goals, amended
):
    agreement = SignedAgreementFactory(migrant=migrant)
    if amended:
        agreement.status = "superseded"
        agreement.save()
        agreement = SignedAgreementFactory(
            migrant=migrant, number=agreement.number, version=2, predecessor=agreement
        )
    for goal in GoalFactory.create_batch(goals, agreement=agreement):
        StepFactory.create_batch(2, goal=goal)
    with django_assert_num_queries(11):
        response = counsellor_client.get(agreement.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("goals", [1, 8])
def test_history_page_uses_a_constant_number_of_queries(
    counsellor_client, migrant, django_assert_num_queries, goals
):
    agreement = SignedAgreementFactory(migrant=migrant)
    for goal in GoalFactory.create_batch(goals, agreement=agreement):
        StepFactory.create_batch(2, goal=goal)
    with django_assert_num_queries(11):
        response = counsellor_client.get(reverse("agreements:history", args=[agreement.pk]))
    assert response.status_code == 200


def test_referral_to_an_offer_goes_to_the_offering_partner(counsellor_client, draft, centre):
    from tests.factories import ConsentFactory, OfferFactory, PartnerFactory

    goal = GoalFactory(agreement=draft)
    offer = OfferFactory(partner=PartnerFactory(municipality=centre.municipality))
    ConsentFactory(migrant=draft.migrant, recipient_partner=offer.partner)
    prefix = f"new-step-{goal.pk}"
    response = counsellor_client.post(
        reverse("agreements:step-add", args=[goal.pk]),
        {
            f"{prefix}-description": "Kursplatz vermitteln",
            f"{prefix}-responsible": "partner",
            f"{prefix}-offer": offer.pk,
            f"{prefix}-status": "open",
        },
        **HTMX,
    )
    assert response.status_code == 200
    step = Step.objects.get()
    assert (step.partner, step.offer) == (offer.partner, offer)
