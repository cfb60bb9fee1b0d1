"""Business rules for cases: every write goes through a function here, in a transaction."""

from __future__ import annotations

from django.utils import timezone

from integration.enums import CaseStatus
from integration.models import CounsellingSession, Migrant


def start_page_items(*, user) -> dict:
    """What a counsellor sees first: own caseload size and the next appointments."""
    today = timezone.localdate()
    own_active = Migrant.objects.visible_to(user).filter(counsellor=user, status=CaseStatus.ACTIVE)
    appointments = (
        CounsellingSession.objects.visible_to(user)
        .filter(counsellor=user, next_appointment__date__gte=today)
        .select_related("migrant")
        .order_by("next_appointment")[:10]
    )
    return {"own_active_count": own_active.count(), "appointments": appointments}
