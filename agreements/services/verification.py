"""Verification of a printed agreement: its code, its content fingerprint, its status.

The paper carries the CONTENT fingerprint (`agreements.fingerprint.content_fingerprint`): a PDF
cannot print the hash of its own bytes. The file's SHA-256 is kept beside the frozen PDF and
is shown only to the centre's own users.

The public page answers who is holding a paper whether it is genuine and still in force,
and nothing about the person. It cannot be used to enumerate codes: 31^10 codes, a limit
per client address counted in the database (so across app servers), and a wrong code and a
malformed one get the same answer.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus
from agreements.fingerprint import content_fingerprint
from agreements.models import Agreement, SignedDocument, VerificationLookup
from sites.errors import RuleError

logger = logging.getLogger(__name__)

# No 0/O or 1/I/L: the code is typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else ""


def verification_path(code: str) -> str:
    return reverse("agreements:verify") + f"?code={code}"


def verification_url(code: str) -> str:
    """The address printed on the paper and in its QR code. From SITE_URL, never from a
    request's host: the paper keeps it for years, and a Host header is the client's to set."""
    return settings.SITE_URL + verification_path(code)


def find_by_code(code: str) -> SignedDocument | None:
    normalised = normalise_code(code)
    if not normalised:
        return None
    return (
        SignedDocument.objects.select_related("agreement__centre", "agreement__migrant")
        .filter(verification_code=normalised)
        .first()
    )


def check_fingerprint(agreement: Agreement) -> None:
    """Refuse to sign a record whose content is no longer what its frozen PDF prints."""
    document = getattr(agreement, "signed_document", None)
    if document is None:
        return  # not prepared: sign_agreement refuses that with its own message
    current = Agreement.objects.prefetch_related("goals__steps").get(pk=agreement.pk)
    if content_fingerprint(current) != document.content_fingerprint:
        raise RuleError(
            _(
                "The content was changed after the PDF was printed: it no longer matches the "
                "content fingerprint on the paper. Take back the preparation and print the "
                "agreement again."
            )
        )


# --- what the page tells -----------------------------------------------------------------

IN_FORCE = "in_force"
SUPERSEDED = "superseded"
NEVER_SIGNED = "never_signed"
COMPLETED = "completed"
ENDED_EARLY = "ended_early"
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Verification:
    status: str
    document: SignedDocument | None = None
    # The version that replaced this one, and since when (superseded only).
    successor_version: int | None = None
    superseded_on: datetime.date | None = None
    # Whether the user may see the person and the link (a user of the agreement's centre).
    visible: bool = False

    @property
    def agreement(self) -> Agreement | None:
        return self.document.agreement if self.document else None


def verification_of(document: SignedDocument | None, user) -> Verification:
    if document is None:
        return Verification(NOT_FOUND)
    agreement = document.agreement
    visible = Agreement.objects.visible_to(user).filter(pk=agreement.pk).exists()
    if agreement.signed_on is None:
        # A prepared draft, or a frozen version that was closed without ever being signed.
        return Verification(NEVER_SIGNED, document, visible=visible)
    if agreement.status == AgreementStatus.SUPERSEDED:
        successor = (
            Agreement.objects.filter(predecessor=agreement).only("version", "signed_on").first()
        )
        return Verification(
            SUPERSEDED,
            document,
            successor_version=successor.version if successor else None,
            superseded_on=successor.signed_on if successor else None,
            visible=visible,
        )
    status = {
        AgreementStatus.ACTIVE: IN_FORCE,
        AgreementStatus.COMPLETED: COMPLETED,
        AgreementStatus.ENDED_EARLY: ENDED_EARLY,
    }.get(agreement.status, NEVER_SIGNED)
    return Verification(status, document, visible=visible)


# --- rate limit and log ------------------------------------------------------------------


class TooManyLookups(Exception):
    """More than VERIFY_RATE_LIMIT lookups from one address within the window."""


def hash_address(address: str) -> str:
    # Keyed with SECRET_KEY: the log can count per address but not be reversed by trying
    # all 2^32 IPv4 addresses, as a plain hash could.
    return salted_hmac("agreements.verification", address, algorithm="sha256").hexdigest()


def _serialise(address_hash: str) -> None:
    # Two app servers counting the same address at once must not both see room for one more.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [address_hash])


def look_up(*, code: str, address: str, user) -> Verification:
    """Count, log and answer one lookup; TooManyLookups once the address used its share."""
    address_hash = hash_address(address)
    logged_in = user if user.is_authenticated else None
    since = timezone.now() - datetime.timedelta(minutes=settings.VERIFY_RATE_WINDOW_MINUTES)
    with transaction.atomic():
        _serialise(address_hash)
        recent = VerificationLookup.objects.filter(address_hash=address_hash, at__gte=since)
        refused = recent.count() >= settings.VERIFY_RATE_LIMIT
        # Refused lookups are logged and counted too: who keeps trying stays refused.
        document = None if refused else find_by_code(code)
        VerificationLookup.objects.create(
            address_hash=address_hash,
            found=document is not None,
            refused=refused,
            user=logged_in,
        )
    if refused:
        logger.warning("verification lookups refused for address %s", address_hash[:12])
        raise TooManyLookups
    return verification_of(document, user)


def delete_old_lookups(*, days: int | None = None) -> int:
    """The log is for abuse and the rate limit, not an archive: drop rows after VERIFY_LOG_DAYS."""
    days = settings.VERIFY_LOG_DAYS if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _counts = VerificationLookup.objects.filter(at__lt=cutoff).delete()
    return deleted
