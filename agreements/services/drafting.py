"""Writing a draft agreement: its own fields, goals, steps and their order.

Every function is one transaction and takes cleaned values (keyword arguments or a mapping
of field names to values), never a form. A goal or step is only changed while its
agreement is an editable draft (not yet prepared for signing: the frozen PDF locks it);
each change moves the agreement's revision on.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus, Responsible, StepStatus
from agreements.models import Agreement, Goal, GoalTemplate, Step
from agreements.services.common import (
    check_revision,
    editing_refusal,
    lock,
    locked_rows,
    require_editable,
    require_token,
    revision_conflict,
    touch,
)
from agreements.terms import AGREEMENT_TERMS, GOAL_TERMS, STEP_TERMS
from people.enums import CaseStatus, ChildCare
from people.models import Consent, Migrant
from sites.attribution import attributed
from sites.errors import ConflictError, RuleError
from sites.models import Partner, User

__all__ = ["ConflictError", "RuleError"]


class ConsentMissing(RuleError):
    """A referral to a partner needs a valid consent for that recipient."""

    def __init__(self, partner: Partner):
        self.partner = partner
        super().__init__(
            _(
                "There is no valid consent to pass data to %(partner)s. Record the person's "
                "consent first, then add the referral."
            )
            % {"partner": partner}
        )


def situation_summary(migrant: Migrant) -> dict[str, str]:
    """The starting situation as text, from the person's record at the time of writing.

    Always German: it becomes part of the binding German text of the agreement.
    """
    with translation.override("de"):
        return _situation_summary(migrant)


def _situation_summary(migrant: Migrant) -> dict[str, str]:
    language = _("German: %(level)s") % {"level": migrant.get_german_level_display()}
    if migrant.languages:
        language += "; " + _("also speaks: %(languages)s") % {"languages": migrant.languages}
    language += "; " + _("integration course: %(state)s") % {
        "state": migrant.get_course_entitlement_display()
    }
    schooling = [migrant.get_highest_degree_display()]
    if migrant.schooling_years:
        schooling.append(_("%(years)s years of school") % {"years": migrant.schooling_years})
    for qualification in migrant.qualifications.all():
        schooling.append(
            _("%(title)s (recognition: %(status)s)")
            % {
                "title": qualification.title,
                "status": qualification.get_recognition_status_display(),
            }
        )
    residence = migrant.get_residence_status_display() or _("not recorded")
    if migrant.residence_legal_basis:
        residence += f", {migrant.residence_legal_basis}"
    if migrant.residence_valid_until:
        residence += ", " + _("valid until %(day)s") % {
            "day": migrant.residence_valid_until.strftime("%d.%m.%Y")
        }
    children = [
        _("child born %(year)s: %(care)s")
        % {"year": child.year_of_birth, "care": child.get_care_display()}
        for child in migrant.children.all()
    ]
    waiting = [c for c in migrant.children.all() if c.care == ChildCare.WAITING]
    family = "; ".join(children) if children else _("no children in the household")
    if waiting:
        family += " – " + _("childcare place needed")
    work = "; ".join(
        part for part in [migrant.get_employment_display(), migrant.get_benefits_display()] if part
    )
    return {
        "situation_language": language,
        "situation_schooling": "; ".join(schooling),
        "situation_residence": residence,
        "situation_family": family,
        "situation_work": work or _("not recorded"),
    }


def _open_agreement_refusal(migrant: Migrant) -> RuleError | None:
    """A second agreement beside an open one could never be signed (one active agreement
    per person): the way on is the open draft, or an amendment of the active one."""
    draft = migrant.agreements.filter(status=AgreementStatus.DRAFT).order_by("-pk").first()
    if draft is not None:
        return RuleError(
            _(
                "There is already an open draft for this person (%(number)s, version "
                "%(version)s). Continue it, or discard it first."
            )
            % {"number": draft.number, "version": draft.version}
        )
    active = migrant.agreements.filter(status=AgreementStatus.ACTIVE).first()
    if active is not None:
        return RuleError(
            _(
                "This person already has an active agreement (%(number)s). To change it, "
                "use “Amend”: the next version is signed again and replaces it."
            )
            % {"number": active.number}
        )
    return None


@attributed
def create_agreement(*, user: User, migrant: Migrant) -> Agreement:
    with transaction.atomic():
        migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
        if migrant.status != CaseStatus.ACTIVE:
            raise RuleError(_("An agreement can only be written for an active case."))
        if refusal := _open_agreement_refusal(migrant):
            raise refusal
        series = migrant.agreements.values("number").distinct().count()
        language = migrant.preferred_language
        agreement = Agreement(
            migrant=migrant,
            centre=migrant.centre,
            counsellor=migrant.counsellor,
            number=f"{migrant.case_number}-IV{series + 1}",
            version=1,
            document_language=language if language in settings.DOCUMENT_LANGUAGES else "",
            interpreter_present=migrant.interpreter_needed,
            valid_from=timezone.localdate(),
            **situation_summary(migrant),
        )
        agreement.save()
        return agreement


# The draft's own fields the edit form may change, and the rules its form checks.
AGREEMENT_FIELDS = frozenset(AGREEMENT_TERMS)


def _check_agreement_values(values: Mapping[str, Any]) -> None:
    if unknown := set(values) - AGREEMENT_FIELDS:
        raise ValueError(f"not fields of the draft form: {sorted(unknown)}")
    months = values.get("review_interval_months")
    if months is not None and not 1 <= months <= 6:
        raise RuleError(_("Reviews take place every 1 to 6 months."))
    start, end = values.get("valid_from"), values.get("valid_until")
    if start and end and end <= start:
        raise RuleError(_("The end must be after the start."))
    if values.get("interpreter_present") and not values.get("interpreter_name"):
        raise RuleError(_("Please name the interpreter who took part."))


@attributed
def update_agreement(
    *, user: User, agreement: Agreement, values: Mapping[str, Any], expected_revision: int
) -> Agreement:
    """Save the draft's own fields unless it was signed or saved by someone else since the
    writer read it at `expected_revision`. Returns the saved row (a new object)."""
    _check_agreement_values(values)
    # Only reads happen before a refusal, so it is raised after the block: the request's
    # transaction stays usable for the page that shows it, and no savepoint is needed.
    with transaction.atomic(savepoint=False):
        stored = locked_rows().filter(pk=agreement.pk).first()
        refusal = None
        if stored is None:
            refusal = RuleError(_("This draft has been discarded in the meantime."))
        else:
            refusal = editing_refusal(stored) or revision_conflict(stored, expected_revision)
        if refusal is None:
            for name, value in values.items():
                setattr(stored, name, value)
            stored.revision += 1
            stored.save()
    if refusal is not None:
        raise refusal
    return stored


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def _check_date(value: datetime.date | None, years: int = 10) -> None:
    """The range the goal and step forms accept for a target or due date."""
    if value is None:
        return
    latest = timezone.localdate() + datetime.timedelta(days=365 * years)
    if value > latest or value < datetime.date(2000, 1, 1):
        raise RuleError(_("Please check the date."))


@attributed
def add_goal(
    *,
    user: User,
    agreement: Agreement,
    area: str,
    text: str,
    text_own_words: str = "",
    priority: int = 2,
    target_date: datetime.date | None = None,
) -> Goal:
    _check_date(target_date)
    with transaction.atomic():
        agreement = lock(agreement)
        require_editable(agreement)
        goal = Goal(
            agreement=agreement,
            area=area,
            text=text,
            text_own_words=text_own_words,
            priority=priority,
            target_date=target_date,
            position=_next_position(agreement.goals.all()),
        )
        goal.save()
        touch(agreement)
        return goal


@attributed
def add_goal_from_catalogue(*, user: User, agreement: Agreement, template: GoalTemplate) -> Goal:
    """Insert a catalogue goal with its typical steps, for the counsellor to adapt."""
    with transaction.atomic():
        goal = add_goal(user=user, agreement=agreement, area=template.area, text=template.text)
        municipality_id = agreement.centre.municipality_id
        for position, step_template in enumerate(template.steps.all(), start=1):
            partner = None
            responsible = step_template.responsible
            if step_template.partner_kind:
                partner = Partner.objects.filter(
                    municipality_id=municipality_id, kind=step_template.partner_kind
                ).first()
            if responsible == Responsible.PARTNER and partner is None:
                responsible = Responsible.COUNSELLOR
            step = Step(
                goal=goal,
                description=step_template.description,
                responsible=responsible,
                partner=partner if responsible == Responsible.PARTNER else None,
                position=position,
            )
            if step.partner is not None:
                step.consent = valid_consent(agreement.migrant, step.partner)
                if step.consent is None:
                    # The catalogue proposes the partner; without consent the step stays
                    # with the counsellor until consent is recorded.
                    step.responsible, step.partner = Responsible.COUNSELLOR, None
            step.save()
        return goal


GOAL_FIELDS = frozenset(GOAL_TERMS)
# On a draft the counsellor may also set a step's status (e.g. a step already done).
STEP_FIELDS = frozenset((*STEP_TERMS, "status"))


def _apply(instance, values: Mapping[str, Any], allowed: frozenset[str]) -> None:
    if unknown := set(values) - allowed:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    for name, value in values.items():
        setattr(instance, name, value)


@attributed
def update_goal(
    *, user: User, goal: Goal, values: Mapping[str, Any], expected_revision: int | None
) -> Goal:
    """Change a draft's goal unless it changed since the writer read `expected_revision`.
    The goal is read afresh under the agreement's lock: only the given fields change."""
    require_token(expected_revision)
    _check_date(values.get("target_date"))
    with transaction.atomic():
        agreement = lock(goal.agreement)
        require_editable(agreement)
        stored = Goal.objects.get(pk=goal.pk)
        check_revision(stored, expected_revision)
        _apply(stored, values, GOAL_FIELDS)
        stored.revision += 1
        stored.save()
        touch(agreement)
        return stored


@attributed
def delete_goal(*, user: User, goal: Goal) -> None:
    with transaction.atomic():
        agreement = lock(goal.agreement)
        require_editable(agreement)
        for step in goal.steps.all():
            step.delete()
        goal.delete()
        touch(agreement)


def _swap(items: list, item, direction: str) -> None:
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, entry in enumerate(items, start=1):
        if entry.position != position:
            entry.position = position
            entry.save(update_fields=["position"])


@attributed
def move_goal(*, user: User, goal: Goal, direction: str) -> None:
    with transaction.atomic():
        agreement = lock(goal.agreement)
        require_editable(agreement)
        _swap(list(agreement.goals.all()), goal, direction)
        touch(agreement)


def valid_consent(migrant: Migrant, partner: Partner, on: datetime.date | None = None):
    return (
        Consent.objects.filter(migrant=migrant)
        .valid_on(on or timezone.localdate())
        .covering(partner)
        .order_by("-given_on")
        .first()
    )


def _prepare_step(step: Step, migrant: Migrant) -> Step:
    _check_date(step.due_on)
    if step.offer_id and not step.partner_id:
        step.partner = step.offer.partner
    if step.partner_id and step.offer_id and step.offer.partner_id != step.partner_id:
        raise RuleError(_("The offer belongs to another partner."))
    if step.responsible != Responsible.PARTNER and not step.offer_id:
        step.partner = None
    if step.responsible == Responsible.PARTNER and step.partner is None:
        raise RuleError(_("Choose the partner who takes this step."))
    if step.partner is not None:
        if step.partner.municipality_id != migrant.centre.municipality_id:
            raise RuleError(_("The partner must work in the centre's municipality."))
        consent = valid_consent(migrant, step.partner)
        if consent is None:
            raise ConsentMissing(step.partner)
        step.consent = consent
    else:
        step.consent = None
    if step.status == StepStatus.DONE and step.status_on is None:
        step.status_on = timezone.localdate()
    if step.status != StepStatus.DONE:
        step.status_on = None
    return step


@attributed
def add_step(*, user: User, goal: Goal, values: Mapping[str, Any]) -> Step:
    with transaction.atomic():
        agreement = lock(goal.agreement)
        require_editable(agreement)
        step = Step(goal=goal, position=_next_position(goal.steps.all()))
        _apply(step, values, STEP_FIELDS)
        _prepare_step(step, agreement.migrant)
        step.save()
        touch(agreement)
        return step


@attributed
def update_step(
    *, user: User, step: Step, values: Mapping[str, Any], expected_revision: int | None
) -> Step:
    """Change a draft's step unless it changed since the writer read `expected_revision`."""
    require_token(expected_revision)
    with transaction.atomic():
        agreement = lock(step.goal.agreement)
        require_editable(agreement)
        stored = Step.objects.get(pk=step.pk)
        # The goal and its draft at hand: the evaluation figures' signal then costs no query.
        stored.goal = step.goal
        check_revision(stored, expected_revision)
        _apply(stored, values, STEP_FIELDS)
        _prepare_step(stored, agreement.migrant)
        stored.revision += 1
        stored.save()
        touch(agreement)
        return stored


@attributed
def delete_step(*, user: User, step: Step) -> None:
    with transaction.atomic():
        agreement = lock(step.goal.agreement)
        require_editable(agreement)
        step.delete()
        touch(agreement)


@attributed
def move_step(*, user: User, step: Step, direction: str) -> None:
    with transaction.atomic():
        agreement = lock(step.goal.agreement)
        require_editable(agreement)
        _swap(list(step.goal.steps.all()), step, direction)
        touch(agreement)
