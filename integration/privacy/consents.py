"""Referrals whose consent has been withdrawn."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from agreements.enums import AgreementStatus, StepStatus
from agreements.models import Agreement, Step
from people.models import (
    Consent,
)

# Stored instead of required free texts (names, goal texts ...). Data, not UI text: it
# reads the same in every language the UI is shown in.

# --- consents --------------------------------------------------------------------------


def steps_with_withdrawn_consent(*, day: datetime.date | None = None) -> QuerySet:
    """Open referral steps that rely on a consent withdrawn on or before `day`.

    From the day of the withdrawal the referral must not go on: the counsellor has to
    cancel the step or record a new consent. Superseded versions are history and skipped.
    """
    day = day or timezone.localdate()
    return (
        Step.objects.filter(consent__withdrawn_on__lte=day)
        .filter(status__in=[StepStatus.OPEN, StepStatus.IN_PROGRESS])
        .exclude(goal__agreement__status=AgreementStatus.SUPERSEDED)
        .select_related("goal__agreement__migrant", "consent", "partner", "offer")
        .order_by("consent__withdrawn_on", "pk")
    )


def steps_with_withdrawn_consent_visible_to(user, *, day: datetime.date | None = None):
    return steps_with_withdrawn_consent(day=day).filter(
        goal__agreement__in=Agreement.objects.visible_to(user)
    )


def consent_usable_for_referral(*, consent: Consent, day: datetime.date | None = None) -> bool:
    """Whether a new step may rely on this consent on `day` (given, and not withdrawn)."""
    return consent.is_valid_on(day)
