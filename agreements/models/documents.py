"""What was signed: the frozen PDF and scan of a version, and the lookups of its
verification code on the public page (also what that page's rate limit counts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models.agreements import Agreement


class SignedDocument(models.Model):
    """The frozen PDF of one agreement version, and the scan of the paper once signed."""

    agreement = models.OneToOneField(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="signed_document",
    )
    pdf = models.FileField(_("PDF"), upload_to="agreements/pdf/%Y/%m/")
    sha256 = models.CharField(_("SHA-256 of the PDF file"), max_length=64, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scan = models.FileField(
        _("scan of the signed paper"), upload_to="agreements/scans/%Y/%m/", blank=True
    )
    # What the paper prints (a PDF cannot carry the hash of its own bytes); signing compares it.
    content_fingerprint = models.CharField(_("content fingerprint"), max_length=64, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    scan_content_type = models.CharField(max_length=40, blank=True)
    scan_uploaded_at = models.DateTimeField(null=True, blank=True)
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")

    def __str__(self) -> str:
        return f"{self.agreement} {self.sha256[:12]}"


class VerificationLookup(models.Model):
    """One lookup of a verification code. The client's address is stored only as an HMAC
    (keyed with SECRET_KEY): enough to count lookups per address, useless to identify anyone;
    rows are deleted after VERIFY_LOG_DAYS by the nightly retention command."""

    at = models.DateTimeField(_("looked up at"), default=timezone.now)
    address_hash = models.CharField(_("client address (HMAC)"), max_length=64)
    found = models.BooleanField(_("document found"), default=False)
    refused = models.BooleanField(_("refused by the rate limit"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        app_label = "agreements"
        verbose_name = _("verification lookup")
        verbose_name_plural = _("verification lookups")
        indexes = [
            # The rate limit counts one address's lookups in the last minutes.
            models.Index(fields=["address_hash", "at"], name="verification_lookup_addr_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.address_hash[:12]}"
