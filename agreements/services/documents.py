"""Documents of a version: its frozen PDF, the scan of the signed paper, verification."""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from agreements.enums import AgreementStatus
from agreements.fingerprint import content_fingerprint
from agreements.models import Agreement, SignedDocument
from agreements.pdf import render_agreement_pdf
from agreements.services.common import lock
from agreements.services.verification import new_verification_code, verification_url
from people.access import log_access
from people.enums import AccessAction
from sites.errors import RuleError
from sites.models import User

SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


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


def sniff_scan_type(head: bytes) -> str | None:
    """The type of an upload from its first bytes; the file name and browser are not trusted."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


# What the parsers raise on a broken file (measured on 60,000 randomly damaged PDFs, PNGs and
# JPEGs): pypdf its own errors and, from inside its reader, TypeError and AttributeError;
# Pillow OSError (UnidentifiedImageError is one), SyntaxError, ValueError, IndexError and
# DecompressionBombError. Anything else (a missing library, a bug) must surface, not be
# reported to the counsellor as a wrong file type.
BROKEN_PDF_ERRORS = (PyPdfError, ValueError, TypeError, AttributeError, LookupError)
BROKEN_IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    LookupError,
    Image.DecompressionBombError,
)


def _check_opens(content: bytes, content_type: str) -> bool:
    if content_type == "application/pdf":
        try:
            return len(PdfReader(io.BytesIO(content)).pages) > 0
        except BROKEN_PDF_ERRORS:
            return False
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except BROKEN_IMAGE_ERRORS:
        return False
    return True


def attach_scan(*, agreement: Agreement, user: User, upload) -> SignedDocument:
    """Store the scan of the signed paper privately, after checking what it really is."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise RuleError(
            _("The file is too large (at most %(mb)s MB).")
            % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    content = upload.read()
    content_type = sniff_scan_type(content[:16])
    if content_type is None or not _check_opens(content, content_type):
        raise RuleError(_("Only PDF, JPEG or PNG files can be uploaded as the scan."))
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
