"""Merging two records of one person, with four eyes: one supervisor asks, another confirms.

Everything the person told us moves to the record kept: sessions, consents, children,
qualifications, every version of every agreement (goals, steps, reviews and signed
documents follow their agreement), the history rows of all of them and the access log.
The record merged away keeps its own history, is closed as merged and points to the kept
one. It spans the people and the agreements apps, so it lives in the project layer.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.guard import terms_unlocked
from agreements.models import OPEN_STATUSES, Agreement
from agreements.services.cases import hand_over_agreements
from integration.privacy.rows import PersonRows
from people.enums import CaseStatus, ClosureReason
from people.models import (
    AccessLog,
    Child,
    Consent,
    CounsellingSession,
    ErasureRequest,
    MergeRequest,
    Migrant,
    Qualification,
)
from sites.attribution import attributed
from sites.errors import RuleError
from sites.models import User
from sites.permissions import is_supervisor_of, require_supervisor

# Rows that name the person directly; everything else hangs on one of these.
MOVED_MODELS = (Child, Qualification, Consent, CounsellingSession, Agreement)


def can_decide(*, user: User, merge_request: MergeRequest) -> bool:
    """Four eyes: a supervisor of the centre who did not ask for the merge."""
    return (
        merge_request.status == MergeRequest.Status.PENDING
        and merge_request.requested_by_id != user.pk
        and is_supervisor_of(user, merge_request.merged.centre_id)
    )


def _open_agreement(migrant: Migrant) -> Agreement | None:
    return migrant.agreements.filter(status__in=OPEN_STATUSES).order_by("-pk").first()


def merge_blockers(*, merged: Migrant, kept: Migrant) -> list[str]:
    """Why these two records cannot be merged now, each with what to do (empty: they can)."""
    if merged.pk == kept.pk:
        return [_("Choose another record: a record cannot be merged into itself.")]
    if merged.centre_id != kept.centre_id:
        return [_("Only records of the same counselling centre can be merged.")]
    problems = []
    for record in (merged, kept):
        if record.anonymised_at is not None:
            problems.append(
                _("%(case)s was anonymised; it can no longer be merged.")
                % {"case": record.case_number}
            )
        if record.merged_into_id is not None:
            problems.append(
                _("%(case)s was already merged into another record.") % {"case": record.case_number}
            )
    if problems:
        return problems
    merged_open, kept_open = _open_agreement(merged), _open_agreement(kept)
    if merged_open and kept_open:
        problems.append(
            _(
                "Both records have an open agreement (%(merged)s and %(kept)s), and a person "
                "can have only one. End or complete one of them (a draft can be discarded), "
                "then merge."
            )
            % {"merged": merged_open.number, "kept": kept_open.number}
        )
    if merged_open and kept.status != CaseStatus.ACTIVE:
        problems.append(
            _(
                "The record to keep (%(case)s) is closed, but the other holds the open "
                "agreement %(number)s. Reopen %(case)s first, or keep the other record."
            )
            % {"case": kept.case_number, "number": merged_open.number}
        )
    pending_erasure = ErasureRequest.objects.filter(
        migrant__in=(merged, kept), status=ErasureRequest.Status.PENDING
    ).exists()
    if pending_erasure:
        problems.append(_("An erasure request for one of the records is waiting. Decide it first."))
    return problems


def _lock_pair(merged_pk: int, kept_pk: int) -> tuple[Migrant, Migrant]:
    # Always in the order of the keys, so two merges of the same pair cannot deadlock.
    locked = {
        person.pk: person
        for person in Migrant.objects.select_for_update()
        .filter(pk__in=(merged_pk, kept_pk))
        .order_by("pk")
    }
    return locked[merged_pk], locked[kept_pk]


@transaction.atomic
def request_merge(*, user: User, merged: Migrant, kept: Migrant, reason: str) -> MergeRequest:
    require_supervisor(
        user, merged.centre_id, _("Only a supervisor of the centre can merge records.")
    )
    if not reason.strip():
        raise RuleError(_("Please give a reason."))
    merged, kept = _lock_pair(merged.pk, kept.pk)
    problems = merge_blockers(merged=merged, kept=kept)
    if MergeRequest.objects.filter(merged=merged, status=MergeRequest.Status.PENDING).exists():
        problems.append(_("A merge of this record is already waiting for confirmation."))
    if problems:
        raise RuleError(" ".join(str(p) for p in problems))
    return MergeRequest.objects.create(
        merged=merged, kept=kept, reason=reason.strip(), requested_by=user
    )


@attributed
@transaction.atomic
def decide_merge(
    *, user: User, merge_request: MergeRequest, approve: bool, note: str = ""
) -> MergeRequest:
    """Confirm (and carry out) or reject a pending merge: the second pair of eyes."""
    locked = (
        MergeRequest.objects.select_for_update()
        .select_related("merged", "kept")
        .get(pk=merge_request.pk)
    )
    if locked.status != MergeRequest.Status.PENDING:
        raise RuleError(_("This request has already been decided."))
    require_supervisor(
        user, locked.merged.centre_id, _("Only a supervisor of the centre can merge records.")
    )
    if locked.requested_by_id == user.pk:
        raise RuleError(_("A request must be decided by someone other than the requester."))
    if not approve and not note.strip():
        raise RuleError(_("Please say why the request is rejected."))
    if approve:
        merge_records(user=user, merged=locked.merged, kept=locked.kept)
    locked.status = MergeRequest.Status.MERGED if approve else MergeRequest.Status.REJECTED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked


@attributed
def merge_records(*, user: User, merged: Migrant, kept: Migrant) -> Migrant:
    """Move everything of `merged` to `kept` and close `merged` as merged; one transaction.

    Called by `decide_merge` once a second supervisor confirmed."""
    with transaction.atomic():
        merged, kept = _lock_pair(merged.pk, kept.pk)
        problems = merge_blockers(merged=merged, kept=kept)
        if problems:
            raise RuleError(" ".join(str(p) for p in problems))
        rows = PersonRows(merged.pk)
        # Goals, steps, reviews and signed documents hang on their agreement and follow it.
        for model in MOVED_MODELS:
            rows.history(model).update(migrant_id=kept.pk)
        for model in MOVED_MODELS:
            if model is Agreement:
                continue
            rows.live(model).update(migrant_id=kept.pk)
        # The database guard counts a signed version's person among its terms, against a
        # version slipping to somebody else; a merge names the same person by the record
        # kept, so it is the third writer allowed past the guard (agreements/guard.py).
        with terms_unlocked():
            rows.live(Agreement).update(migrant_id=kept.pk)
        # Reviews, reminders and the due lists read the agreement's counsellor: an open
        # agreement that moved in goes to whoever holds the kept case.
        hand_over_agreements(
            user=user,
            migrants=[kept],
            to_counsellor=kept.counsellor,
            reason=_("%(case)s merged into %(kept)s")
            % {"case": merged.case_number, "kept": kept.case_number},
        )
        AccessLog.objects.filter(migrant=merged).update(migrant=kept)
        # A request naming the record merged away as the one to keep can no longer be met.
        MergeRequest.objects.filter(kept=merged, status=MergeRequest.Status.PENDING).update(
            status=MergeRequest.Status.REJECTED,
            decided_by=user,
            decided_at=timezone.now(),
            decision_note=_("%(case)s was merged into %(kept)s.")
            % {"case": merged.case_number, "kept": kept.case_number},
        )

        merged._change_reason = _("merged into %(case)s") % {"case": kept.case_number}
        merged.merged_into = kept
        if merged.status != CaseStatus.CLOSED:
            merged.status = CaseStatus.CLOSED
            merged.closed_on = max(timezone.localdate(), merged.intake_on)
        merged.closure_reason = ClosureReason.MERGED
        merged.closure_note = _("Merged into %(case)s.") % {"case": kept.case_number}
        merged.revision += 1
        merged.save()

        # Open forms of the kept record must not write over what just moved in.
        kept._change_reason = _("%(case)s merged into this record") % {"case": merged.case_number}
        kept.revision += 1
        kept.save()
        return kept
