"""An agreement's life: prepared for signing (which locks it), the preparation taken back,
signed, amended, completed, ended early or, as a draft, discarded. Every function is one
transaction.

A signed version's terms are never edited: amending copies it into the next version, a
draft with the same number whose goals and steps keep their keys, so any two versions can be
compared. What does move on without a new signature is progress: a step's status, the day
it happened, a short note and a postponement up to the next review (`record_step_progress`
below, which the review form uses too).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus, StepStatus
from agreements.models import Agreement, SignedDocument, Step
from agreements.services.common import (
    check_revision,
    lock,
    require_draft,
    require_token,
    touch,
)
from agreements.services.documents import discard_frozen_pdf, freeze_pdf
from agreements.services.verification import check_fingerprint
from agreements.terms import STEP_PROGRESS
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


# --- progress between reviews ------------------------------------------------------------

PROGRESS_NOTE_MAX = Step._meta.get_field("progress_note").max_length


def postponement_limit(agreement: Agreement) -> datetime.date | None:
    """The latest day a step may be postponed to without the other side: the next review,
    where both sides agree on anything later (or amend the agreement)."""
    return agreement.next_review_on


def apply_step_progress(
    step: Step,
    *,
    agreement: Agreement,
    status: str,
    on: datetime.date | None,
    note: str,
    postponed_to: datetime.date | None,
    limit: datetime.date | None,
    today: datetime.date,
) -> list[str]:
    """Check one step's progress and set it on `step` (not saved); returns the progress
    fields that changed. The rule of what may move on without a new signature, in one
    place: a known status, a day that has come and is not before the signature, a short
    note, and a postponement that lies after today and the agreed date but not after
    `limit` (the next review)."""
    if status not in StepStatus.values:
        raise RuleError(_("“%(status)s” is not a known status of a step.") % {"status": status})
    if on is None:
        on = today if status != step.status or step.status_on is None else step.status_on
    if on > today:
        raise RuleError(_("Progress can only be recorded once it has happened."))
    if agreement.signed_on and on < agreement.signed_on:
        raise RuleError(_("Progress cannot be dated before the agreement was signed."))
    note = (note or "").strip()
    if len(note) > PROGRESS_NOTE_MAX:
        raise RuleError(
            _("The note is too long (at most %(count)s characters).") % {"count": PROGRESS_NOTE_MAX}
        )
    if status == StepStatus.POSTPONED:
        postponed_to = _checked_postponement(step, postponed_to, limit, today)
    else:
        # Only a postponement sets a new date; a step done later keeps the date it had.
        postponed_to = step.postponed_to
    values = {
        "status": status,
        "status_on": on,
        "progress_note": note,
        "postponed_to": postponed_to,
    }
    changed = [name for name in STEP_PROGRESS if getattr(step, name) != values[name]]
    for name in changed:
        setattr(step, name, values[name])
    return changed


def _checked_postponement(
    step: Step,
    postponed_to: datetime.date | None,
    limit: datetime.date | None,
    today: datetime.date,
) -> datetime.date:
    if postponed_to is None:
        raise RuleError(_("Please give the date the step is postponed to."))
    if postponed_to <= today:
        raise RuleError(_("A step is postponed to a day after today."))
    if step.due_on and postponed_to <= step.due_on:
        raise RuleError(
            _("A step is postponed to a day after the date agreed (%(day)s).")
            % {"day": step.due_on.strftime("%d.%m.%Y")}
        )
    if limit is None or limit < today:
        raise RuleError(
            _(
                "There is no upcoming review date to postpone the step to. Record the review "
                "first: a new date for the step is agreed there."
            )
        )
    if postponed_to > limit:
        raise RuleError(
            _(
                "A step can be postponed up to the next review (%(day)s). A later date is "
                "agreed together at the review, or by amending the agreement."
            )
            % {"day": limit.strftime("%d.%m.%Y")}
        )
    return postponed_to


def progress_reason(step: Step) -> str:
    """The history's word for a progress entry: what the step's status became, and when."""
    text = _("progress: %(status)s") % {"status": step.get_status_display()}
    if step.status == StepStatus.POSTPONED and step.postponed_to:
        text += " " + _("to %(day)s") % {"day": step.postponed_to.strftime("%d.%m.%Y")}
    elif step.status_on:
        text += " " + _("on %(day)s") % {"day": step.status_on.strftime("%d.%m.%Y")}
    return text


def carry_progress_into_amendment(agreement: Agreement, steps: list[Step]) -> None:
    """An amendment being written copied the steps before this progress; it takes it over,
    so the next version does not start from an outdated state. (Progress is no term: a
    prepared amendment may take it too.)"""
    by_key = {step.key: step for step in steps}
    drafts = list(
        Step.objects.select_for_update().filter(
            goal__agreement__predecessor=agreement,
            goal__agreement__status=AgreementStatus.DRAFT,
            key__in=by_key,
        )
    )
    for draft in drafts:
        source = by_key[draft.key]
        for name in STEP_PROGRESS:
            setattr(draft, name, getattr(source, name))
        draft.revision += 1
        draft._change_reason = progress_reason(draft)
        draft.save(update_fields=[*STEP_PROGRESS, "revision"])


@attributed
def record_step_progress(
    *,
    user: User,
    step: Step,
    status: str,
    on: datetime.date | None = None,
    note: str = "",
    postponed_to: datetime.date | None = None,
    expected_revision: int | None,
    today: datetime.date | None = None,
) -> Step:
    """Record how far a step of an active agreement has come, without a new signature.

    Refused on anything but an active version (a draft's steps are edited as terms, a
    closed or superseded version stays as it ended). The step's history gets an entry in
    the acting user's name; an amendment being written takes the progress over. Returns
    the saved row (a new object)."""
    today = today or timezone.localdate()
    require_token(expected_revision)
    with transaction.atomic():
        agreement = lock(step.goal.agreement)
        if agreement.status == AgreementStatus.DRAFT:
            raise RuleError(
                _("This agreement is not signed yet: set the step's status in the draft itself.")
            )
        if agreement.status != AgreementStatus.ACTIVE:
            raise RuleError(_("Progress is recorded on the active version of an agreement."))
        stored = Step.objects.select_for_update().get(pk=step.pk)
        check_revision(stored, expected_revision)
        changed = apply_step_progress(
            stored,
            agreement=agreement,
            status=status,
            on=on,
            note=note,
            postponed_to=postponed_to,
            limit=postponement_limit(agreement),
            today=today,
        )
        if not changed:
            return stored
        stored.revision += 1
        stored._change_reason = progress_reason(stored)
        stored.save(update_fields=[*changed, "revision"])
        carry_progress_into_amendment(agreement, [stored])
        return stored
