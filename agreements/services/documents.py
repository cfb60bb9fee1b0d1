"""Documents of a version: its frozen PDF, the scan of the signed paper, verification."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus
from agreements.fingerprint import content_fingerprint
from agreements.models import Agreement, SignedDocument
from agreements.pdf import render_agreement_pdf
from agreements.services.common import lock
from agreements.services.scans import SCAN_TYPES, check_scan
from agreements.services.verification import new_verification_code, verification_url
from people.access import log_access
from people.enums import AccessAction
from sites.errors import RuleError
from sites.models import User


def freeze_pdf(*, agreement: Agreement, user: User) -> SignedDocument:
    """Render this version's PDF once and keep it unchanged with its SHA-256 and a new
    verification code. The lifecycle's `prepare_for_signing` decides when (and locks)."""
    code = new_verification_code()
    pdf = render_agreement_pdf(
        agreement,
        verification_code=code,
        verification_url=verification_url(code),
    )
    document = SignedDocument(
        agreement=agreement,
        sha256=hashlib.sha256(pdf).hexdigest(),
        content_fingerprint=content_fingerprint(agreement),
        verification_code=code,
        prepared_by=user,
    )
    document.pdf.save(f"{agreement.number}-v{agreement.version}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def ensure_signed_document(*, agreement: Agreement) -> SignedDocument:
    """The frozen PDF of a signed version, made from the version's content if it has none.

    Versions loaded by the generator (the demo, benchmarks) or recorded before PDFs were
    frozen were signed without a stored document; this stores one the first time it is
    asked for, so every signed version opens as its PDF. A draft is never frozen here:
    `lifecycle.prepare_for_signing` does that and locks it. Idempotent under concurrency:
    the second caller waits on the agreement's row lock and gets the first one's document
    (and the one-to-one column refuses a second row for any writer that skips the lock).
    """
    with transaction.atomic():
        agreement = lock(agreement)
        existing = SignedDocument.objects.filter(agreement=agreement).first()
        if existing is not None:
            return existing
        # A draft, or a draft ended unsigned with its case: nothing was signed, nothing to keep.
        if agreement.status == AgreementStatus.DRAFT or agreement.signed_on is None:
            raise RuleError(
                _("Prepare the agreement for signing first: the printed PDF is what is signed.")
            )
        # Signed before this document existed: the version's counsellor prepared the paper,
        # before the signature (its last draft state in history, else the signing day).
        document = freeze_pdf(agreement=agreement, user=agreement.counsellor)
        last_draft = (
            agreement.history.filter(status=AgreementStatus.DRAFT)
            .order_by("-history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        if last_draft is not None:
            SignedDocument.objects.filter(pk=document.pk).update(prepared_at=last_draft)
            document.prepared_at = last_draft
        return document


def discard_frozen_pdf(*, agreement: Agreement, user: User, why: str) -> None:
    """Delete a draft's frozen PDF: the row now, the file once the transaction commits (a
    rollback keeps both). The access log keeps who discarded which PDF and why. The
    lifecycle decides when (taking back a preparation, discarding a draft)."""
    document = SignedDocument.objects.filter(agreement=agreement).first()
    if document is None:
        return
    names = [name for name in (document.pdf.name, document.scan.name) if name]
    storage = document.pdf.storage
    # First the row: the database guard locks the draft's terms while it exists.
    document.delete()
    log_access(
        user=user,
        action=AccessAction.DISCARD_PDF,
        migrant=agreement.migrant,
        detail=f"{agreement} ({document.sha256[:12]}): {why}",
    )
    transaction.on_commit(lambda: _delete_files(storage, names))


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def attach_scan(*, agreement: Agreement, user: User, upload) -> SignedDocument:
    """Store the scan of the signed paper privately, after checking what it really is."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise RuleError(
            _("The file is too large (at most %(mb)s MB).")
            % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    content = upload.read()
    content_type = check_scan(content)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        document = SignedDocument.objects.filter(agreement=agreement).first()
        # Not signed: a draft, or a draft ended unsigned with its case.
        if document is None or agreement.signed_on is None:
            raise RuleError(_("A scan can be added once the signature has been recorded."))
        old_name = document.scan.name if document.scan else ""
        document.scan.save(
            f"{agreement.number}-v{agreement.version}-scan.{SCAN_TYPES[content_type]}",
            ContentFile(content),
            save=False,
        )
        document.scan_sha256 = hashlib.sha256(content).hexdigest()
        document.scan_content_type = content_type
        document.scan_uploaded_at = timezone.now()
        document.scan_uploaded_by = user
        document.save()
        if old_name and old_name != document.scan.name:
            transaction.on_commit(lambda: document.scan.storage.delete(old_name))
        return document
