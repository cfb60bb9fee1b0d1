"""A case carries its agreement: handing over, closing and anonymising a case reach its open
agreements (the draft, prepared or not, and the active version) in the same transaction.

Superseded, completed and ended versions are history and keep their counsellor and status.
The people app announces handover and closing by signals (see agreements.receivers); data
protection calls `end_open_agreements` directly before it blanks the case.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus
from agreements.models import OPEN_STATUSES, Agreement
from agreements.services.common import touch
from agreements.services.lifecycle import (
    complete_agreement,
    end_agreement_early,
    end_unsigned_draft,
)
from people.enums import ClosureReason
from people.models import Migrant
from sites.attribution import attributed
from sites.errors import RuleError
from sites.models import User


@attributed
def hand_over_agreements(
    *, user: User | None, migrants: Iterable[Migrant], to_counsellor: User, reason: str
) -> int:
    """Give the open agreements of the cases to `to_counsellor`; returns how many moved.

    Reviews, reminders, the start page and the due lists all read the agreement's
    counsellor, so they follow with the move.
    """
    with transaction.atomic():
        moved = 0
        for agreement in (
            Agreement.objects.select_for_update()
            .filter(migrant__in=[migrant.pk for migrant in migrants], status__in=OPEN_STATUSES)
            .exclude(counsellor=to_counsellor)
            .order_by("pk")
        ):
            agreement.counsellor = to_counsellor
            touch(agreement, reason=reason)
            moved += 1
        return moved


def closure_text(reason: str, note: str = "") -> str:
    """What an agreement ended with its case says: the closing reason's label and the note."""
    label = ClosureReason(reason).label if reason in ClosureReason.values else reason
    text = _("case closed: %(reason)s") % {"reason": label}
    return f"{text} – {note.strip()}" if note.strip() else text


@attributed
def end_open_agreements(
    *,
    user: User | None,
    migrant: Migrant,
    ended_on: datetime.date,
    reason: str,
    note: str = "",
    date_settled: bool = False,
) -> int:
    """End the case's open agreements on `ended_on`, the day the case was closed.

    The active version is completed when the goals were reached, else ended early; a
    draft (prepared or not) is ended early and kept with its history, never deleted, and
    a reopened case starts a new agreement. `reason` is the ClosureReason of the case.

    A closing dated before the active version's signature is refused, as the counsellor
    can correct the date; where the date is settled (`date_settled`: anonymising a case
    closed long ago) the version ends on its signing day instead. Returns how many ended.
    """
    text = closure_text(reason, note)
    with transaction.atomic():
        agreements = list(
            Agreement.objects.select_for_update()
            .filter(migrant=migrant, status__in=OPEN_STATUSES)
            .order_by("pk")
        )
        for agreement in agreements:
            if agreement.status == AgreementStatus.DRAFT:
                end_unsigned_draft(agreement=agreement, ended_on=ended_on, reason=text)
                continue
            day = ended_on
            if day < agreement.signed_on:
                if not date_settled:
                    raise RuleError(
                        _(
                            "The agreement %(number)s was signed on %(day)s: "
                            "the case cannot be closed before that day."
                        )
                        % {
                            "number": agreement.number,
                            "day": agreement.signed_on.strftime("%d.%m.%Y"),
                        }
                    )
                day = agreement.signed_on
            if reason == ClosureReason.GOALS_REACHED:
                complete_agreement(user=user, agreement=agreement, completed_on=day, reason=text)
            else:
                end_agreement_early(user=user, agreement=agreement, ended_on=day, reason=text)
        return len(agreements)
