"""Reading what an agreement says, for its page and its PDF alike (no writes).

Below both the services and `agreements.pdf`, so that neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agreements.enums import STEP_STATUSES_CLOSED, Responsible
from agreements.models import Agreement, Step


@dataclass
class Commitments:
    """What each side still has to do, derived from the steps (never typed twice).

    A step done or cancelled is owed by nobody any more: it stays in the goals with its
    status, but is no open commitment (the printed agreement must not claim it is).
    """

    migrant: list[Step] = field(default_factory=list)
    centre: list[Step] = field(default_factory=list)
    partners: list[Step] = field(default_factory=list)


def commitments(agreement: Agreement, steps=None) -> Commitments:
    result = Commitments()
    if steps is None:
        steps = (
            Step.objects.filter(goal__agreement=agreement)
            .select_related("partner", "offer", "goal")
            .order_by("goal__position", "position")
        )
    for step in steps:
        if step.status in STEP_STATUSES_CLOSED:
            continue
        {
            Responsible.MIGRANT: result.migrant,
            Responsible.COUNSELLOR: result.centre,
            Responsible.PARTNER: result.partners,
        }[step.responsible].append(step)
    return result
