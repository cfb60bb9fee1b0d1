"""The access log: who read or took away which personal data, and when."""

from __future__ import annotations

from people.enums import AccessAction
from people.models import AccessLog, Migrant


def log_access(*, user, action: AccessAction, migrant: Migrant, detail: str = "") -> AccessLog:
    return AccessLog.objects.create(
        user=user, centre_id=migrant.centre_id, migrant=migrant, action=action, detail=detail[:300]
    )
