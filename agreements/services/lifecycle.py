"""An agreement's life: prepared for signing (which locks it), the preparation taken back,
signed, amended, completed, ended early or, as a draft, discarded. Every function is one
transaction.

A signed version is never edited: amending copies it into the next version, a draft with
the same number whose goals and steps keep their keys, so any two versions can be compared.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus, StepStatus
from agreements.models import Agreement, SignedDocument, Step
from agreements.services.common import check_revision, lock, require_draft, touch
from agreements.services.documents import discard_frozen_pdf, freeze_pdf
from agreements.services.verification import check_fingerprint
from sites.attribution import attributed
from sites.errors import RuleError
from sites.models import User


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _require_goals(agreement: Agreement) -> None:
    if not agreement.goals.exists():
        raise RuleError(_("An agreement needs at least one goal before it is signed."))


@attributed
def prepare_for_signing(*, agreement: Agreement, user: User) -> SignedDocument:
    """Freeze this version's PDF for signing; the draft is locked from then on.

    Idempotent: a version that is already frozen returns its document untouched, so later
    template or translation changes never alter what was signed.
    """
    with transaction.atomic():
        agreement = lock(agreement)
        existing = SignedDocument.objects.filter(agreement=agreement).first()
        if existing is not None:
            return existing
        if agreement.status != AgreementStatus.DRAFT:
            raise RuleError(_("Only a draft can be prepared for signing."))
        _require_goals(agreement)
        document = freeze_pdf(agreement=agreement, user=user)
        touch(agreement, reason=_("prepared for signing"))
        return document


@attributed
def withdraw_preparation(*, user: User, agreement: Agreement) -> Agreement:
    """Take back the preparation of a draft: its frozen PDF (file and row) is discarded and
    the draft can be edited again, then prepared anew. History ("preparation withdrawn")
    and the access log keep that it happened. A signed version keeps its PDF forever."""
    with transaction.atomic():
        agreement = lock(agreement)
        if agreement.status != AgreementStatus.DRAFT:
            raise RuleError(
                _(
                    "Only the preparation of a draft can be taken back: a signed version "
                    "stays as it was signed. Amend it to change it."
                )
            )
        if not SignedDocument.objects.filter(agreement=agreement).exists():
            raise RuleError(_("This draft has not been prepared for signing."))
        # The access log's detail is data (English, as the others); history shows the reason.
        discard_frozen_pdf(agreement=agreement, user=user, why="preparation withdrawn")
        return touch(agreement, reason=_("preparation withdrawn"))


@attributed
def sign_agreement(
    *,
    agreement: Agreement,
    user: User,
    signed_on: datetime.date,
    place: str,
    signed_by_migrant: bool,
    signed_by_counsellor: bool,
    interpreter_present: bool,
    expected_revision: int | None = None,
) -> Agreement:
    """Record the signatures on the frozen PDF of this version; the version becomes active."""
    with transaction.atomic():
        agreement = lock(agreement)
        if agreement.status != AgreementStatus.DRAFT:
            raise RuleError(_("Only a draft can be signed."))
        check_revision(agreement, expected_revision)
        if not (signed_by_migrant and signed_by_counsellor):
            raise RuleError(_("Both the person and the counsellor must have signed."))
        _require_goals(agreement)
        if signed_on > timezone.localdate():
            raise RuleError(_("The signature cannot be dated in the future."))
        withdrawn = Step.objects.filter(
            goal__agreement=agreement,
            consent__withdrawn_on__lte=signed_on,
            status__in=[StepStatus.OPEN, StepStatus.IN_PROGRESS],
        )
        if withdrawn.exists():
            raise RuleError(
                _(
                    "A referral in this version relies on a consent that was withdrawn. "
                    "Cancel that step or record a new consent before signing."
                )
            )
        if not hasattr(agreement, "signed_document"):
            raise RuleError(
                _("Prepare the agreement for signing first: the printed PDF is what is signed.")
            )
        check_fingerprint(agreement)
        predecessor = agreement.predecessor
        if predecessor is not None:
            predecessor = lock(predecessor)
            predecessor.status = AgreementStatus.SUPERSEDED
            touch(
                predecessor,
                reason=_("replaced by version %(version)s") % {"version": agreement.version},
            )
        agreement.status = AgreementStatus.ACTIVE
        agreement.signed_on = signed_on
        agreement.signed_place = place
        agreement.signed_by_migrant = signed_by_migrant
        agreement.signed_by_counsellor = signed_by_counsellor
        agreement.interpreter_present = interpreter_present
        agreement.valid_from = agreement.valid_from or signed_on
        agreement.next_review_on = add_months(signed_on, agreement.review_interval_months)
        try:
            with transaction.atomic():
                touch(agreement, reason=_("signed"))
        except IntegrityError as error:
            raise RuleError(
                _("This person already has an active agreement. Amend that one instead.")
            ) from error
        return agreement


@attributed
def amend_agreement(*, user: User, agreement: Agreement, reason: str) -> Agreement:
    """Start the next version: a draft copy with the same goals and steps (and keys)."""
    with transaction.atomic():
        agreement = lock(agreement)
        if agreement.status != AgreementStatus.ACTIVE:
            raise RuleError(_("Only an active (signed) agreement can be amended."))
        if Agreement.objects.filter(predecessor=agreement).exists():
            raise RuleError(_("An amendment of this version is already being written."))
        if not reason.strip():
            raise RuleError(_("Please give the reason for the amendment."))
        goals = list(agreement.goals.prefetch_related("steps"))
        copy = Agreement.objects.get(pk=agreement.pk)
        copy.pk = None
        copy.id = None
        copy._state.adding = True
        copy.predecessor = agreement
        copy.version = agreement.version + 1
        copy.status = AgreementStatus.DRAFT
        copy.signed_on = None
        copy.signed_place = ""
        copy.signed_by_migrant = copy.signed_by_counsellor = False
        copy.amendment_reason = reason
        copy.revision = 1
        copy._change_reason = reason
        copy.save()
        for goal in goals:
            steps = list(goal.steps.all())
            goal.pk = goal.id = None
            goal._state.adding = True
            goal.agreement = copy
            goal.revision = 1  # a new row, edited from its first version on
            goal.save()
            for step in steps:
                step.pk = step.id = None
                step._state.adding = True
                step.goal = goal
                step.revision = 1
                step.save()
        return copy


def _close(agreement: Agreement, status: str, ended_on, reason: str) -> Agreement:
    if agreement.status != AgreementStatus.ACTIVE:
        raise RuleError(_("Only an active agreement can be completed or ended."))
    if ended_on < agreement.signed_on:
        raise RuleError(_("An agreement cannot end before it was signed."))
    if ended_on > timezone.localdate():
        raise RuleError(_("Please check the date."))
    return _mark_ended(agreement, status, ended_on, reason)


def _mark_ended(agreement: Agreement, status: str, ended_on, reason: str) -> Agreement:
    agreement.status = status
    agreement.ended_on = ended_on
    agreement.closure_reason = reason
    agreement.next_review_on = None
    return touch(agreement, reason=reason)


def end_unsigned_draft(*, agreement: Agreement, ended_on: datetime.date, reason: str) -> Agreement:
    """A draft (prepared or not) ended with its case: it stays without a signing date, kept
    with its history; a prepared one keeps its frozen PDF, which the verification page
    reports as prepared but never signed. The caller holds the row lock."""
    require_draft(agreement)
    return _mark_ended(agreement, AgreementStatus.ENDED_EARLY, ended_on, reason)


@attributed
def complete_agreement(
    *, user: User, agreement: Agreement, completed_on: datetime.date, reason: str = ""
) -> Agreement:
    with transaction.atomic():
        return _close(lock(agreement), AgreementStatus.COMPLETED, completed_on, reason)


@attributed
def end_agreement_early(
    *, user: User, agreement: Agreement, ended_on: datetime.date, reason: str
) -> Agreement:
    if not reason.strip():
        raise RuleError(_("Please give the reason for ending the agreement early."))
    with transaction.atomic():
        return _close(lock(agreement), AgreementStatus.ENDED_EARLY, ended_on, reason)


@attributed
def discard_draft(*, user: User, agreement: Agreement) -> None:
    """A draft that was never signed may be thrown away, prepared or not (its frozen PDF
    goes with it, noted in the access log); signed versions stay forever."""
    with transaction.atomic():
        agreement = lock(agreement)
        require_draft(agreement)
        discard_frozen_pdf(agreement=agreement, user=user, why="draft discarded")
        for goal in agreement.goals.all():
            for step in goal.steps.all():
                step.delete()
            goal.delete()
        agreement.delete()
