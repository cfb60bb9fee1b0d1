"""Demo agreements in every state, at the model project's scale (deterministic, bulk)."""

from __future__ import annotations

import datetime
import random
import uuid

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from agreements.enums import AgreementStatus, GoalStatus, Responsible, StepStatus
from agreements.models import Agreement, Goal, GoalTemplate, Step
from agreements.services.drafting import situation_summary
from agreements.services.lifecycle import add_months
from people.enums import CaseStatus
from people.models import Consent, Migrant
from sites.models import Partner

SHARE_WITH_AGREEMENT = 0.92


def _state(rng: random.Random, migrant: Migrant) -> str:
    if migrant.status == CaseStatus.CLOSED:
        return rng.choice([AgreementStatus.COMPLETED] * 3 + [AgreementStatus.ENDED_EARLY])
    return rng.choices(
        [AgreementStatus.DRAFT, AgreementStatus.ACTIVE, "amended", AgreementStatus.COMPLETED],
        weights=[10, 55, 20, 15],
    )[0]


@transaction.atomic
def seed_agreements(*, seed: int, today: datetime.date | None = None) -> None:
    """Idempotent: people who already have an agreement are left alone."""
    rng = random.Random(seed + 4)
    today = today or datetime.date.today()
    migrants = list(
        Migrant.objects.filter(agreements__isnull=True)
        .select_related("centre", "counsellor")
        .prefetch_related("children", "qualifications")
        .order_by("pk")
    )
    if not migrants:
        return
    templates = list(GoalTemplate.objects.prefetch_related("steps"))
    partners: dict[tuple[int, str], Partner] = {
        (p.municipality_id, p.kind): p for p in Partner.objects.all()
    }
    agreements: list[Agreement] = []
    plans: list[tuple[Agreement, list[GoalTemplate], str]] = []
    for migrant in migrants:
        if rng.random() > SHARE_WITH_AGREEMENT:
            continue
        state = _state(rng, migrant)
        start = migrant.intake_on + datetime.timedelta(days=rng.randint(7, 60))
        if start > today:
            start = today
        interval = rng.choice([3, 3, 3, 4, 6])
        chosen = rng.sample(templates, k=rng.randint(2, 5))
        base = {
            "migrant": migrant,
            "centre": migrant.centre,
            "counsellor": migrant.counsellor,
            "number": f"{migrant.case_number}-IV1",
            "review_interval_months": interval,
            "document_language": migrant.preferred_language
            if migrant.preferred_language in ("en", "ar", "tr", "ru", "uk", "fa")
            else "",
            "interpreter_present": migrant.interpreter_needed,
            "valid_from": start,
            "strengths": rng.choice(
                [
                    "Hohe Motivation, gute Englischkenntnisse.",
                    "Unterstützung durch die Familie, Berufserfahrung.",
                    "Ehrenamtliche Patin, sehr zuverlässig.",
                    "",
                ]
            ),
            **situation_summary(migrant),
        }
        if state == AgreementStatus.DRAFT:
            agreements.append(Agreement(**base, version=1, status=AgreementStatus.DRAFT))
            plans.append((agreements[-1], chosen, "draft"))
            continue
        signed_on = start
        versions = 1 if state != "amended" else rng.randint(2, 3)
        for version in range(1, versions + 1):
            last = version == versions
            status = (
                AgreementStatus.SUPERSEDED
                if not last
                else (AgreementStatus.ACTIVE if state == "amended" else state)
            )
            agreement = Agreement(
                **base,
                version=version,
                status=status,
                signed_on=signed_on,
                signed_place=migrant.centre.city,
                signed_by_migrant=True,
                signed_by_counsellor=True,
                amendment_reason=""
                if version == 1
                else rng.choice(
                    ["Ziel ergänzt", "Kursbeginn verschoben", "Neues Handlungsfeld Kita"]
                ),
                next_review_on=add_months(signed_on, interval)
                if status == AgreementStatus.ACTIVE
                else None,
            )
            if status in (AgreementStatus.COMPLETED, AgreementStatus.ENDED_EARLY):
                agreement.ended_on = min(today, migrant.closed_on or today)
                agreement.ended_on = max(agreement.ended_on, signed_on)
                agreement.closure_reason = (
                    "Ziele erreicht"
                    if status == AgreementStatus.COMPLETED
                    else "Umzug in eine andere Stadt"
                )
            agreements.append(agreement)
            plans.append((agreement, chosen, status))
            signed_on = min(today, signed_on + datetime.timedelta(days=rng.randint(60, 150)))
    bulk_create_with_history(agreements, Agreement, batch_size=500, default_user=None)
    created = {
        (a.number, a.version): a
        for a in Agreement.objects.filter(migrant__in=migrants).select_related("centre")
    }
    previous: dict[str, Agreement] = {}
    predecessor_updates = []
    for agreement in sorted(created.values(), key=lambda a: (a.number, a.version)):
        if agreement.version > 1:
            agreement.predecessor = previous[agreement.number]
            predecessor_updates.append(agreement)
        previous[agreement.number] = agreement
    Agreement.objects.bulk_update(predecessor_updates, ["predecessor"], batch_size=500)

    goals: list[Goal] = []
    step_plans: list[tuple[Goal, object]] = []
    keys: dict[tuple[str, int], uuid.UUID] = {}
    for agreement, chosen, status in plans:
        saved = created[(agreement.number, agreement.version)]
        for position, template in enumerate(chosen, start=1):
            key = keys.setdefault((agreement.number, template.pk), uuid.uuid4())
            if status in (AgreementStatus.COMPLETED,):
                goal_status = rng.choices(
                    [GoalStatus.ACHIEVED, GoalStatus.PARTLY_ACHIEVED, GoalStatus.NOT_ACHIEVED],
                    weights=[70, 20, 10],
                )[0]
            elif status == AgreementStatus.ENDED_EARLY:
                goal_status = rng.choice([GoalStatus.DROPPED, GoalStatus.PARTLY_ACHIEVED])
            elif status == "draft":
                goal_status = GoalStatus.OPEN
            else:
                goal_status = rng.choice(
                    [
                        GoalStatus.OPEN,
                        GoalStatus.IN_PROGRESS,
                        GoalStatus.IN_PROGRESS,
                        GoalStatus.ACHIEVED,
                    ]
                )
            goal = Goal(
                agreement=saved,
                key=key,
                area=template.area,
                text=template.text,
                status=goal_status,
                position=position,
                target_date=(saved.valid_from or today)
                + datetime.timedelta(days=rng.randint(90, 400)),
            )
            goals.append(goal)
            for step_template in template.steps.all():
                step_plans.append((goal, step_template))
    bulk_create_with_history(goals, Goal, batch_size=1000, default_user=None)
    consents: dict[tuple[int, int], Consent] = {}
    kind_consents: dict[tuple[int, str], Consent] = {}
    for consent in Consent.objects.filter(migrant__in=migrants, withdrawn_on__isnull=True):
        if consent.recipient_partner_id:
            consents[(consent.migrant_id, consent.recipient_partner_id)] = consent
        else:
            kind_consents[(consent.migrant_id, consent.recipient_kind)] = consent
    steps: list[Step] = []
    step_keys: dict[tuple[uuid.UUID, int], uuid.UUID] = {}
    for goal, step_template in step_plans:
        municipality_id = goal.agreement.centre.municipality_id
        partner = partners.get((municipality_id, step_template.partner_kind))
        responsible = step_template.responsible
        consent = None
        if partner is not None:
            migrant_id = goal.agreement.migrant_id
            consent = consents.get((migrant_id, partner.pk)) or kind_consents.get(
                (migrant_id, partner.kind)
            )
        if responsible == Responsible.PARTNER and consent is None:
            # No referral without consent: the centre takes the step instead.
            responsible = Responsible.COUNSELLOR
        due = (goal.agreement.valid_from or today) + datetime.timedelta(days=rng.randint(14, 200))
        done = goal.status == GoalStatus.ACHIEVED or (due < today and rng.random() < 0.7)
        steps.append(
            Step(
                goal=goal,
                key=step_keys.setdefault((goal.key, step_template.pk), uuid.uuid4()),
                description=step_template.description,
                responsible=responsible,
                partner=partner if responsible == Responsible.PARTNER else None,
                consent=consent if responsible == Responsible.PARTNER else None,
                due_on=due,
                status=StepStatus.DONE if done else StepStatus.OPEN,
                done_on=min(due, today) if done else None,
                position=step_template.position,
            )
        )
    bulk_create_with_history(steps, Step, batch_size=1000, default_user=None)
