"""Erasure with four eyes, anonymisation of live rows, history rows and files, retention."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.guard import terms_unlocked
from agreements.models import (
    Agreement,
    Goal,
    GoalOutcome,
    Review,
    SignedDocument,
    Step,
    StepOutcome,
)
from agreements.services.cases import end_open_agreements

# Stored instead of required free texts (names, goal texts ...). Data, not UI text: it
# reads the same in every language the UI is shown in.
from integration.privacy.rows import ANONYMISED, PLACEHOLDER_PREFIX, PersonRows
from people.enums import CaseStatus, CourseEntitlement, Degree
from people.models import (
    AccessLog,
    Child,
    Consent,
    CounsellingSession,
    ErasureRequest,
    Migrant,
    Qualification,
)

# --- erasure: four eyes ----------------------------------------------------------------
from sites.errors import RuleError
from sites.permissions import can_decide_erasure, require_supervisor


def can_decide(*, user, erasure_request: ErasureRequest) -> bool:
    """The request still waits, and the user may decide it (see `can_decide_erasure`)."""
    return erasure_request.status == ErasureRequest.Status.PENDING and can_decide_erasure(
        user, erasure_request
    )


def erasure_blockers(*, migrant: Migrant) -> list[str]:
    """Why an erasure cannot be requested now (empty when it can)."""
    if migrant.anonymised_at is not None:
        return [_("This case has already been anonymised.")]
    problems = []
    if migrant.status != CaseStatus.CLOSED:
        problems.append(_("Only a closed case can be anonymised. Close the case first."))
    if migrant.erasure_requests.filter(status=ErasureRequest.Status.PENDING).exists():
        problems.append(_("An erasure request for this case is already waiting for approval."))
    return [str(p) for p in problems]


@transaction.atomic
def request_erasure(*, migrant: Migrant, user, reason: str) -> ErasureRequest:
    migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
    if not reason.strip():
        raise RuleError(_("Please give a reason."))
    problems = erasure_blockers(migrant=migrant)
    if problems:
        raise RuleError(" ".join(problems))
    return ErasureRequest.objects.create(migrant=migrant, reason=reason.strip(), requested_by=user)


@transaction.atomic
def decide_erasure(
    *, erasure_request: ErasureRequest, user, approve: bool, note: str = ""
) -> ErasureRequest:
    """Approve (and carry out) or reject a pending request; the second pair of eyes."""
    locked = (
        ErasureRequest.objects.select_for_update()
        .select_related("migrant")
        .get(pk=erasure_request.pk)
    )
    if locked.status != ErasureRequest.Status.PENDING:
        raise RuleError(_("This request has already been decided."))
    if locked.requested_by_id == user.pk:
        raise RuleError(_("A request must be decided by someone other than the requester."))
    # A permission, not a rule of the request: the page asks first and answers 403; this
    # guards every other caller the same way.
    require_supervisor(
        user,
        locked.migrant.centre_id,
        _("Only a supervisor of the centre can decide on this request."),
    )
    if not approve and not note.strip():
        raise RuleError(_("Please say why the request is rejected."))
    locked.status = ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.REJECTED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        anonymise_migrant(migrant=locked.migrant, user=user)
    return locked


# --- anonymising -----------------------------------------------------------------------


ANONYMISED_REASON = "anonymised"
# Reasons typed by users may name the person; the one this module writes does not.
_KEEP_OWN_REASON = Case(
    When(history_change_reason=ANONYMISED_REASON, then=Value(ANONYMISED_REASON)),
    default=Value(None),
)


def _placeholder() -> str:
    return f"{PLACEHOLDER_PREFIX}{secrets.token_hex(8).upper()}"


def _kept_if_empty(name: str) -> Case:
    """Empty stays empty; anything written is replaced (keeps "oral needs a note" true)."""
    return Case(When(**{name: ""}, then=Value("")), default=Value(ANONYMISED))


def _person_scrub(migrant: Migrant, case_number: str) -> dict[str, Any]:
    born = migrant.date_of_birth
    return {
        "case_number": case_number,
        "first_name": "",
        "last_name": ANONYMISED,
        "name_latin": "",
        # The year is enough for age bands; day and month identify.
        "date_of_birth": datetime.date(born.year, 1, 1) if born else None,
        "country_of_birth": "",
        "languages": "",
        "german_level": "",
        "preferred_language": "",
        "interpreter_needed": False,
        "interpreter_language": "",
        "arrival_on": None,
        "residence_status": "",
        "residence_legal_basis": "",
        "residence_issued_on": None,
        "residence_valid_until": None,
        "foreigners_authority": None,
        "course_entitlement": CourseEntitlement.UNKNOWN,
        "schooling_years": None,
        "highest_degree": Degree.UNKNOWN,
        "schooling_country": "",
        "employment": "",
        "benefits": "",
        "phone": "",
        "email": "",
        "street": "",
        "postcode": "",
        "city": "",
        "referred_by": "",
        "closure_note": "",
    }


# Free texts that may name the person or describe their life, per model.
_TEXT_SCRUBS: dict[type[models.Model], dict[str, Any]] = {
    Consent: {
        "data_categories": ANONYMISED,
        "purpose": ANONYMISED,
        "file_note": _kept_if_empty("file_note"),
    },
    CounsellingSession: {
        "notes": "",
        "agreed_next_steps": "",
        "next_appointment": None,
        "interpreter_language": "",
    },
    Agreement: {
        "situation_language": "",
        "situation_schooling": "",
        "situation_residence": "",
        "situation_family": "",
        "situation_work": "",
        "strengths": "",
        "document_language": "",
        "interpreter_name": "",
        "signed_place": "",
        "amendment_reason": "",
        "closure_reason": "",
    },
    Goal: {"text": ANONYMISED, "text_own_words": ""},
    Step: {"description": ANONYMISED, "progress_note": ""},
    Review: {
        "successes": "",
        "hurdles": "",
        "changes": "",
        "client_most_helpful": "",
        "client_wish": "",
    },
    GoalOutcome: {"comment": ""},
    StepOutcome: {"comment": ""},
}


# Rows of these models are deleted with their history when a case is anonymised.
DELETED_MODELS = (Child, Qualification)


def scrubbed_fields(model: type[models.Model]) -> set[str]:
    """The fields anonymising overwrites (a test checks that no free text is forgotten)."""
    if model is Migrant:
        return set(_person_scrub(Migrant(), ""))
    if model is Agreement:
        return {*_TEXT_SCRUBS[Agreement], "number"}
    if model is SignedDocument:
        return {
            "pdf",
            "scan",
            "verification_code",
            "sha256",
            "content_fingerprint",
            "scan_sha256",
        }
    if model is AccessLog:
        return {"detail"}
    if model in DELETED_MODELS:
        return {f.name for f in model._meta.concrete_fields}
    return set(_TEXT_SCRUBS.get(model, {}))


@transaction.atomic
def anonymise_migrant(*, migrant: Migrant, user=None) -> Migrant:
    """Remove the personal data of a closed case from live rows, history rows and files.

    Idempotent: an anonymised case is returned unchanged. Uploaded files are deleted once
    the transaction has committed, so a rollback never leaves rows pointing at lost files.
    """
    migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
    if migrant.anonymised_at is not None:
        return migrant
    if migrant.status != CaseStatus.CLOSED:
        raise RuleError(_("Only a closed case can be anonymised."))
    # Closing ends the agreement today; a case closed before that rule may still hold an
    # open one. It ends first, so the blanking below also reaches its ending's texts.
    end_open_agreements(
        user=user,
        migrant=migrant,
        ended_on=migrant.closed_on or timezone.localdate(),
        reason=migrant.closure_reason,
        date_settled=True,
    )
    rows = PersonRows(migrant.pk)

    person = _person_scrub(migrant, _placeholder())
    for name, value in person.items():
        setattr(migrant, name, value)
    migrant.anonymised_at = timezone.now()
    # A form still open on the old revision must not write the old data back.
    migrant.revision += 1
    migrant._change_reason = ANONYMISED_REASON
    migrant.save()

    # Blanking the texts and numbers of signed versions is what the database guard over
    # their terms refuses (agreements/guard.py); erasure is the one purpose it yields to,
    # for these statements and within this transaction only.
    with terms_unlocked():
        new_numbers = {
            number: _placeholder()
            for number in rows.history(Agreement).values_list("number", flat=True).distinct()
        }
        for old, new in new_numbers.items():
            rows.live(Agreement).filter(number=old).update(
                number=new, revision=models.F("revision") + 1
            )
            rows.history(Agreement).filter(number=old).update(number=new)

        for model, scrub in _TEXT_SCRUBS.items():
            rows.live(model).update(**scrub)
            rows.history(model).update(**scrub, history_change_reason=None)

    # Children and qualifications are not needed for any statistic: gone, with history.
    for model in DELETED_MODELS:
        rows.live(model).delete()
        rows.history(model).delete()
    rows.history(Migrant).update(**person, history_change_reason=_KEEP_OWN_REASON)

    AccessLog.objects.filter(migrant=migrant).update(detail="")

    documents = SignedDocument.objects.filter(agreement__migrant=migrant)
    files = [name for pair in documents.values_list("pdf", "scan") for name in pair if name]
    for document in documents.only("pk"):
        # The paper copy (with the name) carries the verification code and the content
        # fingerprint, and its file or scan hashes to the stored SHA-256: each would link
        # it to this record. The PDF's hash column is unique and required, so it gets a
        # random value of the same shape, which matches no file.
        SignedDocument.objects.filter(pk=document.pk).update(
            pdf="",
            scan="",
            verification_code=secrets.token_hex(8).upper(),
            sha256=secrets.token_hex(32),
            content_fingerprint="",
            scan_sha256="",
        )
    transaction.on_commit(lambda: _delete_files(files))
    return migrant


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# --- retention -------------------------------------------------------------------------


def retention_cutoff(*, today: datetime.date | None = None, years: int | None = None):
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def expired_migrants(*, today: datetime.date | None = None, years: int | None = None):
    """Closed cases whose closing lies longer back than the retention period."""
    cutoff = retention_cutoff(today=today, years=years)
    return Migrant.objects.filter(
        status=CaseStatus.CLOSED, closed_on__lt=cutoff, anonymised_at__isnull=True
    ).order_by("closed_on", "pk")


@transaction.atomic
def anonymise_for_retention(*, migrant: Migrant) -> Migrant:
    """Anonymise one expired case; a pending request is settled by the expiry itself."""
    migrant = anonymise_migrant(migrant=migrant)
    migrant.erasure_requests.filter(status=ErasureRequest.Status.PENDING).update(
        status=ErasureRequest.Status.APPROVED,
        decided_at=timezone.now(),
        decision_note="retention period expired",
    )
    return migrant
