import datetime

import pytest
from django.db import IntegrityError, transaction

from agreements.content import commitments
from agreements.enums import AgreementStatus, Responsible
from agreements.models import Agreement, GoalTemplate
from agreements.services.drafting import (
    ConsentMissing,
    add_goal,
    add_goal_from_catalogue,
    create_agreement,
)
from agreements.services.lifecycle import (
    add_months,
    amend_agreement,
    complete_agreement,
    prepare_for_signing,
    sign_agreement,
)
from agreements.versions import compare, with_goals
from people.enums import GermanLevel, Language
from sites.errors import RuleError
from tests.factories import (
    AgreementFactory,
    ConsentFactory,
    GoalFactory,
    MigrantFactory,
    OfferFactory,
    PartnerFactory,
    SignedAgreementFactory,
    StepFactory,
)

SIGNED_ON = datetime.date(2026, 11, 2)


@pytest.fixture
def migrant(centre, counsellor):
    return MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        german_level=GermanLevel.A2,
        preferred_language=Language.ARABIC,
    )


def _sign(agreement, user, **overrides):
    prepare_for_signing(agreement=agreement, user=user)
    agreement.refresh_from_db()
    arguments = {
        "agreement": agreement,
        "user": user,
        "signed_on": SIGNED_ON,
        "place": "Ludwigshafen",
        "signed_by_migrant": True,
        "signed_by_counsellor": True,
        "interpreter_present": True,
        "expected_revision": agreement.revision,
    }
    arguments.update(overrides)
    return sign_agreement(**arguments)


def test_new_agreement_takes_the_starting_situation_from_the_record(migrant, counsellor):
    agreement = create_agreement(user=counsellor, migrant=migrant)
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.number == f"{migrant.case_number}-IV1"
    assert agreement.document_language == "ar"
    assert "A2" in agreement.situation_language
    assert agreement.history.get().history_user == counsellor


def test_whole_lifecycle_draft_signed_amended_signed_again_completed(migrant, counsellor):
    draft = create_agreement(user=counsellor, migrant=migrant)
    goal = add_goal(user=counsellor, agreement=draft, area="language", text="B1 erreichen")
    StepFactory(goal=goal, description="Kurs anmelden")
    first = _sign(draft, counsellor)
    assert (first.status, first.next_review_on) == (
        AgreementStatus.ACTIVE,
        add_months(SIGNED_ON, 3),
    )

    second = amend_agreement(user=counsellor, agreement=first, reason="Kita-Ziel ergänzt")
    assert (second.version, second.status, second.number) == (2, "draft", first.number)
    assert [g.key for g in second.goals.all()] == [goal.key]
    add_goal(user=counsellor, agreement=second, area="childcare", text="Kita-Platz finden")
    second = _sign(second, counsellor)
    first.refresh_from_db()
    assert (first.status, second.status) == (AgreementStatus.SUPERSEDED, AgreementStatus.ACTIVE)

    done = complete_agreement(
        user=counsellor, agreement=second, completed_on=datetime.date(2026, 11, 20)
    )
    assert done.status == AgreementStatus.COMPLETED


def test_only_one_active_agreement_per_person_at_database_level(migrant):
    SignedAgreementFactory(migrant=migrant, number="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        SignedAgreementFactory(migrant=migrant, number="B")


def test_signing_a_second_agreement_while_one_is_active_is_refused(migrant, counsellor):
    # Written before create_agreement refused a second one (tests/agreements/
    # test_prepared_lock.py): such drafts exist, and signing them must still be refused.
    SignedAgreementFactory(migrant=migrant, number="OLD")
    draft = AgreementFactory(migrant=migrant, number="NEW")
    GoalFactory(agreement=draft)
    with pytest.raises(RuleError):
        _sign(draft, counsellor)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_signed_agreement_cannot_be_edited(migrant, counsellor):
    agreement = SignedAgreementFactory(migrant=migrant)
    with pytest.raises(RuleError):
        add_goal(user=counsellor, agreement=agreement, area="work", text="Arbeit finden")
    assert agreement.goals.count() == 0


def test_signing_needs_the_frozen_pdf_and_both_signatures(migrant, counsellor):
    draft = create_agreement(user=counsellor, migrant=migrant)
    GoalFactory(agreement=draft)
    with pytest.raises(RuleError):
        sign_agreement(
            agreement=draft,
            user=counsellor,
            signed_on=SIGNED_ON,
            place="LU",
            signed_by_migrant=True,
            signed_by_counsellor=True,
            interpreter_present=False,
        )
    with pytest.raises(RuleError):
        _sign(draft, counsellor, signed_by_migrant=False)
    assert Agreement.objects.get(pk=draft.pk).status == AgreementStatus.DRAFT


def test_history_records_the_user_for_agreement_goal_and_step_changes(migrant, counsellor):
    draft = create_agreement(user=counsellor, migrant=migrant)
    template = GoalTemplate.objects.filter(steps__isnull=False).first()
    goal = add_goal_from_catalogue(user=counsellor, agreement=draft, template=template)
    assert goal.history.get().history_user == counsellor
    assert {s.history.get().history_user for s in goal.steps.all()} == {counsellor}
    assert draft.history.latest().history_user == counsellor


def test_referral_to_a_partner_needs_a_valid_consent(migrant, counsellor, centre):
    from agreements.forms.drafting import StepForm
    from agreements.services.drafting import add_step

    draft = create_agreement(user=counsellor, migrant=migrant)
    goal = add_goal(user=counsellor, agreement=draft, area="language", text="B1")
    offer = OfferFactory(partner=PartnerFactory(municipality=centre.municipality))
    data = {
        "description": "Kursplatz vermitteln",
        "responsible": Responsible.PARTNER,
        "partner": offer.partner.pk,
        "offer": offer.pk,
        "status": "open",
    }
    form = StepForm(data, agreement=draft)
    assert form.is_valid(), form.errors
    with pytest.raises(ConsentMissing):
        add_step(user=counsellor, goal=goal, values=form.values())
    assert goal.steps.count() == 0

    consent = ConsentFactory(migrant=migrant, recipient_partner=offer.partner)
    form = StepForm(data, agreement=draft)
    assert form.is_valid()
    step = add_step(user=counsellor, goal=goal, values=form.values())
    assert step.consent == consent


def test_commitments_are_derived_from_the_steps(migrant):
    agreement = SignedAgreementFactory(migrant=migrant)
    goal = GoalFactory(agreement=agreement)
    mine = StepFactory(goal=goal, responsible=Responsible.MIGRANT)
    theirs = StepFactory(goal=goal, responsible=Responsible.COUNSELLOR)
    result = commitments(agreement)
    assert (result.migrant, result.centre, result.partners) == ([mine], [theirs], [])


def test_comparison_shows_added_removed_and_changed_goals_and_steps(migrant, counsellor):
    draft = create_agreement(user=counsellor, migrant=migrant)
    kept = add_goal(user=counsellor, agreement=draft, area="language", text="B1 erreichen")
    dropped = add_goal(user=counsellor, agreement=draft, area="work", text="Minijob")
    StepFactory(goal=kept, description="Kurs anmelden")
    first = _sign(draft, counsellor)
    second = amend_agreement(user=counsellor, agreement=first, reason="Anpassung")
    second.goals.get(key=dropped.key).delete()
    changed = second.goals.get(key=kept.key)
    changed.text = "B2 erreichen"
    changed.save()
    add_goal(user=counsellor, agreement=second, area="childcare", text="Kita-Platz")

    old, new = with_goals(Agreement.objects.filter(pk__in=[first.pk, second.pk])).order_by(
        "version"
    )
    diff = compare(old, new)
    states = {(d.state, (d.new or d.old).text) for d in diff["goals"]}
    assert states == {
        ("changed", "B2 erreichen"),
        ("added", "Kita-Platz"),
        ("removed", "Minijob"),
    }
    changed_goal = next(d for d in diff["goals"] if d.state == "changed")
    assert [(f.old, f.new) for f in changed_goal.fields] == [("B1 erreichen", "B2 erreichen")]


def test_add_months_keeps_the_day_or_takes_the_last_day_of_the_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
