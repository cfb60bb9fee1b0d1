"""Withdrawing a consent blocks the referrals that relied on it, from that day on."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from agreements.enums import Responsible, StepStatus
from agreements.forms.drafting import StepForm
from agreements.models import SignedDocument, Step
from agreements.services.drafting import ConsentMissing, add_step
from agreements.services.lifecycle import sign_agreement
from integration.privacy import consent_usable_for_referral, steps_with_withdrawn_consent
from people.services import withdraw_consent
from tests.factories import CaseGraph, ConsentFactory


@pytest.fixture
def graph(centre, counsellor, supervisor):
    return CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)


def _referral_form(graph, **data):
    return StepForm(
        {
            "description": "Vermittlung in den Integrationskurs",
            "responsible": Responsible.PARTNER,
            "partner": graph.partner.pk,
            "status": StepStatus.OPEN,
            **data,
        },
        agreement=graph.draft,
    )


def test_withdrawing_a_consent_flags_the_open_steps_relying_on_it(graph, counsellor):
    today = timezone.localdate()
    assert graph.step not in steps_with_withdrawn_consent(day=today)
    withdraw_consent(user=counsellor, consent=graph.consent, withdrawn_on=today)
    assert graph.step in steps_with_withdrawn_consent(day=today)
    graph.consent.refresh_from_db()
    assert consent_usable_for_referral(consent=graph.consent, day=today) is False


def test_no_new_referral_step_may_rely_on_a_withdrawn_consent(graph, counsellor):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    withdraw_consent(user=counsellor, consent=graph.consent, withdrawn_on=yesterday)
    steps_before = Step.objects.count()
    form = _referral_form(graph)
    assert form.is_valid(), form.errors
    with pytest.raises(ConsentMissing):
        add_step(user=counsellor, goal=graph.draft_goal, values=form.values())
    assert Step.objects.count() == steps_before


def test_a_new_consent_after_the_withdrawal_carries_the_new_referral(graph, counsellor):
    today = timezone.localdate()
    withdraw_consent(user=counsellor, consent=graph.consent, withdrawn_on=today)
    renewed = ConsentFactory(migrant=graph.migrant, recipient_partner=graph.partner, given_on=today)
    form = _referral_form(graph)
    assert form.is_valid(), form.errors
    step = add_step(user=counsellor, goal=graph.draft_goal, values=form.values())
    assert step.consent == renewed


def test_a_version_with_a_referral_relying_on_a_withdrawn_consent_cannot_be_signed(
    graph, counsellor
):
    from sites.errors import RuleError

    signed = graph.signed
    SignedDocument.objects.create(
        agreement=graph.draft,
        pdf="agreements/pdf/draft.pdf",
        sha256=hashlib.sha256(b"draft").hexdigest(),
        verification_code="DRAFT0001",
        prepared_by=counsellor,
    )
    with pytest.raises(RuleError):
        sign_agreement(
            agreement=graph.draft,
            user=counsellor,
            signed_on=timezone.localdate(),
            place="Ludwigshafen",
            signed_by_migrant=True,
            signed_by_counsellor=True,
            interpreter_present=False,
        )
    signed.refresh_from_db()
    assert signed.status == "active"
