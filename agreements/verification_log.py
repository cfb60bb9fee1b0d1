"""The log of lookups on the public verification page; also what its rate limit counts.

Kept apart from models.py (registered there by import) so that module stays under 500 lines.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
