"""The access log (who read or took away which personal data, and when) and the
password-reset throttle (who may be sent a reset mail now)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from people.enums import AccessAction
from people.models import AccessLog, Migrant, PasswordResetRequest

logger = logging.getLogger(__name__)


def log_access(*, user, action: AccessAction, migrant: Migrant, detail: str = "") -> AccessLog:
    return AccessLog.objects.create(
        user=user, centre_id=migrant.centre_id, migrant=migrant, action=action, detail=detail[:300]
    )


def _keyed(purpose: str, value: str) -> str:
    # Keyed with SECRET_KEY: countable, but not reversible by trying every address.
    return salted_hmac(f"people.password_reset.{purpose}", value, algorithm="sha256").hexdigest()


def allow_password_reset(*, address: str, email: str) -> bool:
    """Count one request for a reset mail to `email` from `address`; False once either has
    had its share within PASSWORD_RESET_WINDOW_MINUTES (the caller then sends nothing but
    answers as if it had). Refused requests count too: who keeps trying stays refused.

    Counted in the database, the one store every app server shares (the cache is each
    process's own memory)."""
    address_hash = _keyed("address", address)
    account_hash = _keyed("account", email.strip().casefold())
    now = timezone.now()
    since = now - datetime.timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two app servers counting the same account at once must not both see room.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [account_hash])
        recent = PasswordResetRequest.objects.filter(at__gte=since)
        allowed = (
            recent.filter(address_hash=address_hash).count()
            < settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
            and recent.filter(account_hash=account_hash).count()
            < settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT
        )
        PasswordResetRequest.objects.create(
            at=now, address_hash=address_hash, account_hash=account_hash, sent=allowed
        )
        # Nothing older than a day is needed to count: the table stays small.
        PasswordResetRequest.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()
    if not allowed:
        logger.warning("password reset mail throttled for address %s", address_hash[:12])
    return allowed
