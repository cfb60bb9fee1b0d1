"""The case's agreements follow what the people app does to the case.

people sits below agreements and announces a handover or a closing by a signal sent inside
its transaction (people.signals); these receivers run in that transaction, so the case and
its agreements change together or not at all. A RuleError raised here refuses the case's
change as well.
"""

from __future__ import annotations

from django.dispatch import receiver

from agreements.services.cases import end_open_agreements, hand_over_agreements
from people.models import Migrant
from people.signals import case_closed, case_handed_over


@receiver(case_handed_over, sender=Migrant)
def move_agreements(sender, *, migrants, to_counsellor, user, reason, **kwargs) -> None:
    hand_over_agreements(user=user, migrants=migrants, to_counsellor=to_counsellor, reason=reason)


@receiver(case_closed, sender=Migrant)
def end_agreements(sender, *, migrant, user, closed_on, reason, note, **kwargs) -> None:
    end_open_agreements(user=user, migrant=migrant, ended_on=closed_on, reason=reason, note=note)
