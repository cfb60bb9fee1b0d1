"""What the drafting and lifecycle services share: the agreement's row lock, the draft
and prepared rules and the revision every change of an agreement, its goals or steps moves
on."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus
from agreements.models import Agreement, SignedDocument
from sites.changes import changes_since
from sites.errors import ConflictError, RuleError


def locked_rows():
    """Agreements to lock, each read with whether its PDF is frozen (no second query; a
    subquery, as FOR UPDATE cannot take the outer join to the document)."""
    frozen = SignedDocument.objects.filter(agreement_id=OuterRef("pk"))
    return Agreement.objects.select_for_update().annotate(has_frozen_pdf=Exists(frozen))


def lock(agreement: Agreement) -> Agreement:
    """The agreement's row, locked until the transaction ends."""
    return locked_rows().get(pk=agreement.pk)


def draft_refusal(agreement: Agreement) -> RuleError | None:
    if agreement.status != AgreementStatus.DRAFT:
        return RuleError(
            _(
                "What both sides signed cannot be changed here: to change what a goal or "
                "step says, who takes it, its partner or its dates, amend the agreement (a "
                "new version, signed again). How far a step has come is recorded on the "
                "agreement page without a new signature."
            )
        )
    return None


def require_draft(agreement: Agreement) -> None:
    if refusal := draft_refusal(agreement):
        raise refusal


def prepared_refusal() -> RuleError:
    return RuleError(
        _(
            "This version has been prepared for signing and can no longer be changed. "
            "“Take back the preparation” discards the frozen PDF and makes the draft "
            "editable again."
        )
    )


def editing_refusal(agreement: Agreement) -> RuleError | None:
    """Why the version, its goals and steps cannot be edited: signed, or prepared (what
    is printed is what is signed, so the frozen PDF locks the draft)."""
    if refusal := draft_refusal(agreement):
        return refusal
    if agreement.is_prepared:
        return prepared_refusal()
    return None


def require_editable(agreement: Agreement) -> None:
    if refusal := editing_refusal(agreement):
        raise refusal


def require_token(expected_revision: int | None) -> None:
    """Without the revision the form was opened at, a save could overwrite a colleague's."""
    if expected_revision is None:
        raise RuleError(
            _(
                "This form was sent without the version it was opened at. Reload the page "
                "and make the change again."
            )
        )


def touch(agreement: Agreement, reason: str = "") -> Agreement:
    """Every change of an agreement, its goals or steps bumps the agreement's revision.
    (The history row names the user of the calling service: see `sites.attribution`.)"""
    agreement.revision += 1
    if reason:
        agreement._change_reason = reason
    agreement.save()
    return agreement


def revision_conflict(instance, expected_revision: int | None) -> ConflictError | None:
    """A conflict listing what changed if `instance` moved past the writer's revision."""
    if expected_revision is not None and instance.revision != expected_revision:
        return ConflictError(changes_since(instance, expected_revision))
    return None


def check_revision(instance, expected_revision: int | None) -> None:
    if conflict := revision_conflict(instance, expected_revision):
        raise conflict
