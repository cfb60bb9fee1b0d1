"""Writing, signing and amending agreements; every function is one transaction.

A signed version is never edited: amending copies it into the next version, a draft with
the same number whose goals and steps keep their keys, so any two versions can be compared.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus, Responsible, StepStatus
from agreements.models import Agreement, Goal, GoalTemplate, Step
from agreements.services.verification import check_fingerprint
from people.enums import CaseStatus, ChildCare
from people.models import Consent, Migrant
from people.services import changes_since
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


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _lock(agreement: Agreement) -> Agreement:
    """The agreement's row, locked until the transaction ends."""
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _draft_refusal(agreement: Agreement) -> RuleError | None:
    if agreement.status != AgreementStatus.DRAFT:
        return RuleError(
            _("A signed agreement cannot be changed. Amend it to create a new version.")
        )
    return None


def _require_draft(agreement: Agreement) -> None:
    if refusal := _draft_refusal(agreement):
        raise refusal


def _touch(agreement: Agreement, user: User, reason: str = "") -> Agreement:
    """Every change of an agreement, its goals or steps bumps the agreement's revision."""
    agreement.revision += 1
    agreement._history_user = user
    if reason:
        agreement._change_reason = reason
    agreement.save()
    return agreement


def _revision_conflict(agreement: Agreement, expected_revision: int | None):
    if expected_revision is not None and agreement.revision != expected_revision:
        return ConflictError(changes_since(agreement, expected_revision))
    return None


def check_revision(agreement: Agreement, expected_revision: int | None) -> None:
    if conflict := _revision_conflict(agreement, expected_revision):
        raise conflict


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


def create_agreement(*, user: User, migrant: Migrant) -> Agreement:
    with transaction.atomic():
        migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
        if migrant.status != CaseStatus.ACTIVE:
            raise RuleError(_("An agreement can only be written for an active case."))
        if migrant.agreements.filter(status=AgreementStatus.DRAFT).exists():
            raise RuleError(_("There is already a draft agreement for this person."))
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
        agreement._history_user = user
        agreement.save()
        return agreement


def update_agreement(*, user: User, form, expected_revision: int) -> Agreement:
    # The edit form saves the draft on every change, so this is the most frequent write:
    # one UPDATE that is its own check (still a draft, still at the revision the writer
    # read) and the history row; no row lock read first, no savepoint. Only when the UPDATE
    # matches no row does a read find out why: after the block, where nothing has been
    # written, so the request's transaction stays usable.
    agreement = form.save(commit=False)
    agreement.revision = expected_revision + 1
    agreement._history_user = user
    with transaction.atomic(savepoint=False):
        saved = _save_draft_if_unchanged(agreement, expected_revision)
    if saved:
        return agreement
    stored = Agreement.objects.only("status", "revision").filter(pk=agreement.pk).first()
    if stored is None:
        raise RuleError(_("This draft has been discarded in the meantime."))
    agreement.revision = stored.revision  # what the page shown with the refusal builds on
    raise _draft_refusal(stored) or _revision_conflict(stored, expected_revision)


# Every column `save()` writes on an update.
_COLUMNS = [field for field in Agreement._meta.concrete_fields if not field.primary_key]


def _save_draft_if_unchanged(agreement: Agreement, expected_revision: int) -> bool:
    """What `save()` writes, with the optimistic check in the UPDATE's WHERE: every
    column as `save()` would write it (`updated_at` stamped), then the history row
    simple-history writes for a save. The `post_save` receivers are not called: they only
    forget evaluation figures, and a draft counts in none."""
    columns = {field.attname: field.pre_save(agreement, False) for field in _COLUMNS}
    matched = Agreement.objects.filter(
        pk=agreement.pk, status=AgreementStatus.DRAFT, revision=expected_revision
    ).update(**columns)
    if matched:
        Agreement.history.bulk_history_create([agreement], update=True)
    return bool(matched)


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


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
    with transaction.atomic():
        agreement = _lock(agreement)
        _require_draft(agreement)
        goal = Goal(
            agreement=agreement,
            area=area,
            text=text,
            text_own_words=text_own_words,
            priority=priority,
            target_date=target_date,
            position=_next_position(agreement.goals.all()),
        )
        goal._history_user = user
        goal.save()
        _touch(agreement, user)
        return goal


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
            step._history_user = user
            step.save()
        return goal


def update_goal(*, user: User, form, expected_token: int | None) -> Goal:
    with transaction.atomic():
        goal = form.instance
        agreement = _lock(goal.agreement)
        _require_draft(agreement)
        check_history_token(goal, expected_token)
        goal = form.save(commit=False)
        goal._history_user = user
        goal.save()
        _touch(agreement, user)
        return goal


def delete_goal(*, user: User, goal: Goal) -> None:
    with transaction.atomic():
        agreement = _lock(goal.agreement)
        _require_draft(agreement)
        for step in goal.steps.all():
            step._history_user = user
            step.delete()
        goal._history_user = user
        goal.delete()
        _touch(agreement, user)


def _swap(items: list, item, direction: str, user: User) -> None:
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, entry in enumerate(items, start=1):
        if entry.position != position:
            entry.position = position
            entry._history_user = user
            entry.save(update_fields=["position"])


def move_goal(*, user: User, goal: Goal, direction: str) -> None:
    with transaction.atomic():
        agreement = _lock(goal.agreement)
        _require_draft(agreement)
        _swap(list(agreement.goals.all()), goal, direction, user)
        _touch(agreement, user)


def valid_consent(migrant: Migrant, partner: Partner, on: datetime.date | None = None):
    return (
        Consent.objects.filter(migrant=migrant)
        .valid_on(on or timezone.localdate())
        .covering(partner)
        .order_by("-given_on")
        .first()
    )


def _prepare_step(step: Step, migrant: Migrant) -> Step:
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
    if step.status == StepStatus.DONE and step.done_on is None:
        step.done_on = timezone.localdate()
    if step.status != StepStatus.DONE:
        step.done_on = None
    return step


def add_step(*, user: User, goal: Goal, form) -> Step:
    with transaction.atomic():
        agreement = _lock(goal.agreement)
        _require_draft(agreement)
        step = form.save(commit=False)
        step.goal = goal
        step.position = _next_position(goal.steps.all())
        _prepare_step(step, agreement.migrant)
        step._history_user = user
        step.save()
        _touch(agreement, user)
        return step


def update_step(*, user: User, form, expected_token: int | None) -> Step:
    with transaction.atomic():
        step = form.instance
        agreement = _lock(step.goal.agreement)
        _require_draft(agreement)
        check_history_token(Step.objects.get(pk=step.pk), expected_token)
        step = form.save(commit=False)
        _prepare_step(step, agreement.migrant)
        step._history_user = user
        step.save()
        _touch(agreement, user)
        return step


def delete_step(*, user: User, step: Step) -> None:
    with transaction.atomic():
        agreement = _lock(step.goal.agreement)
        _require_draft(agreement)
        step._history_user = user
        step.delete()
        _touch(agreement, user)


def move_step(*, user: User, step: Step, direction: str) -> None:
    with transaction.atomic():
        agreement = _lock(step.goal.agreement)
        _require_draft(agreement)
        _swap(list(step.goal.steps.all()), step, direction, user)
        _touch(agreement, user)


def history_token(instance) -> int:
    """The id of the newest history row: a version stamp for models without a revision."""
    return (
        instance.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
    )


def check_history_token(instance, expected_token: int | None) -> None:
    if expected_token is None:
        return
    current = history_token(instance)
    if current != expected_token:
        older = instance.history.filter(history_id=expected_token).first()
        newest = instance.history.filter(history_id=current).first()
        changes = []
        if older is not None and newest is not None:
            fields = {f.name: f for f in instance._meta.concrete_fields}
            for change in newest.diff_against(older).changes:
                model_field = fields.get(change.field)
                if model_field is not None and change.field != "position":
                    changes.append(
                        (
                            str(model_field.verbose_name),
                            str(change.old or "–"),
                            str(change.new or "–"),
                        )
                    )
        raise ConflictError(changes)


@dataclass
class Commitments:
    """What each side does, derived from the steps (never typed twice)."""

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
        if step.status == StepStatus.CANCELLED:
            continue
        {
            Responsible.MIGRANT: result.migrant,
            Responsible.COUNSELLOR: result.centre,
            Responsible.PARTNER: result.partners,
        }[step.responsible].append(step)
    return result


def sign_agreement(
    *,
    agreement: Agreement,
    user: User,
    signed_on: datetime.date,
    place: str,
    signed_by_migrant: bool,
    signed_by_counsellor: bool,
    interpreter_present: bool,
    expected_revision: int | None = None,
) -> Agreement:
    """Record the signatures on the frozen PDF of this version; the version becomes active."""
    with transaction.atomic():
        agreement = _lock(agreement)
        if agreement.status != AgreementStatus.DRAFT:
            raise RuleError(_("Only a draft can be signed."))
        check_revision(agreement, expected_revision)
        if not (signed_by_migrant and signed_by_counsellor):
            raise RuleError(_("Both the person and the counsellor must have signed."))
        if not agreement.goals.exists():
            raise RuleError(_("An agreement needs at least one goal before it is signed."))
        if signed_on > timezone.localdate():
            raise RuleError(_("The signature cannot be dated in the future."))
        withdrawn = Step.objects.filter(
            goal__agreement=agreement,
            consent__withdrawn_on__lte=signed_on,
            status__in=[StepStatus.OPEN, StepStatus.IN_PROGRESS],
        )
        if withdrawn.exists():
            raise RuleError(
                _(
                    "A referral in this version relies on a consent that was withdrawn. "
                    "Cancel that step or record a new consent before signing."
                )
            )
        if not hasattr(agreement, "signed_document"):
            raise RuleError(
                _("Prepare the agreement for signing first: the printed PDF is what is signed.")
            )
        check_fingerprint(agreement)
        predecessor = agreement.predecessor
        if predecessor is not None:
            predecessor = _lock(predecessor)
            predecessor.status = AgreementStatus.SUPERSEDED
            _touch(
                predecessor,
                user,
                reason=_("replaced by version %(version)s") % {"version": agreement.version},
            )
        agreement.status = AgreementStatus.ACTIVE
        agreement.signed_on = signed_on
        agreement.signed_place = place
        agreement.signed_by_migrant = signed_by_migrant
        agreement.signed_by_counsellor = signed_by_counsellor
        agreement.interpreter_present = interpreter_present
        agreement.valid_from = agreement.valid_from or signed_on
        agreement.next_review_on = add_months(signed_on, agreement.review_interval_months)
        try:
            with transaction.atomic():
                _touch(agreement, user, reason=_("signed"))
        except IntegrityError as error:
            raise RuleError(
                _("This person already has an active agreement. Amend that one instead.")
            ) from error
        return agreement


def amend_agreement(*, user: User, agreement: Agreement, reason: str) -> Agreement:
    """Start the next version: a draft copy with the same goals and steps (and keys)."""
    with transaction.atomic():
        agreement = _lock(agreement)
        if agreement.status != AgreementStatus.ACTIVE:
            raise RuleError(_("Only an active (signed) agreement can be amended."))
        if Agreement.objects.filter(predecessor=agreement).exists():
            raise RuleError(_("An amendment of this version is already being written."))
        if not reason.strip():
            raise RuleError(_("Please give the reason for the amendment."))
        goals = list(agreement.goals.prefetch_related("steps"))
        copy = Agreement.objects.get(pk=agreement.pk)
        copy.pk = None
        copy.id = None
        copy._state.adding = True
        copy.predecessor = agreement
        copy.version = agreement.version + 1
        copy.status = AgreementStatus.DRAFT
        copy.signed_on = None
        copy.signed_place = ""
        copy.signed_by_migrant = copy.signed_by_counsellor = False
        copy.amendment_reason = reason
        copy.revision = 1
        copy._history_user = user
        copy._change_reason = reason
        copy.save()
        for goal in goals:
            steps = list(goal.steps.all())
            goal.pk = goal.id = None
            goal._state.adding = True
            goal.agreement = copy
            goal._history_user = user
            goal.save()
            for step in steps:
                step.pk = step.id = None
                step._state.adding = True
                step.goal = goal
                step._history_user = user
                step.save()
        return copy


def _close(agreement: Agreement, user: User, status: str, ended_on, reason: str) -> Agreement:
    if agreement.status != AgreementStatus.ACTIVE:
        raise RuleError(_("Only an active agreement can be completed or ended."))
    if ended_on < agreement.signed_on:
        raise RuleError(_("An agreement cannot end before it was signed."))
    agreement.status = status
    agreement.ended_on = ended_on
    agreement.closure_reason = reason
    agreement.next_review_on = None
    return _touch(agreement, user, reason=reason)


def complete_agreement(
    *, user: User, agreement: Agreement, completed_on: datetime.date, reason: str = ""
) -> Agreement:
    with transaction.atomic():
        return _close(_lock(agreement), user, AgreementStatus.COMPLETED, completed_on, reason)


def end_agreement_early(
    *, user: User, agreement: Agreement, ended_on: datetime.date, reason: str
) -> Agreement:
    if not reason.strip():
        raise RuleError(_("Please give the reason for ending the agreement early."))
    with transaction.atomic():
        return _close(_lock(agreement), user, AgreementStatus.ENDED_EARLY, ended_on, reason)


def discard_draft(*, user: User, agreement: Agreement) -> None:
    """A draft that was never signed may be thrown away; signed versions stay forever."""
    with transaction.atomic():
        agreement = _lock(agreement)
        _require_draft(agreement)
        if hasattr(agreement, "signed_document"):
            raise RuleError(_("This draft was already printed for signing and is kept."))
        for goal in agreement.goals.all():
            for step in goal.steps.all():
                step._history_user = user
                step.delete()
            goal._history_user = user
            goal.delete()
        agreement._history_user = user
        agreement.delete()
