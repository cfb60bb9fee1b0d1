"""Business rules for cases: every write goes through a function here, in a transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from integration.enums import CaseStatus
from integration.models import (
    CaseNumberCounter,
    Consent,
    CounsellingSession,
    Migrant,
)
from sites.enums import Role
from sites.models import CounsellingCentre, Membership, User


class ConflictError(Exception):
    """Someone saved the same record after this form was loaded; nothing was written."""

    def __init__(self, changes: list[tuple[str, str, str]]):
        self.changes = changes  # (field label, value in the form's version, value now)
        super().__init__(_("This record was changed by someone else in the meantime."))


class RuleError(Exception):
    """A business rule refused the change; the message is for the user."""


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


def _display(instance: Model, field) -> str:
    value = getattr(instance, field.attname)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or "–"))
    if value in (None, ""):
        return "–"
    if field.is_relation:
        related = getattr(instance, field.name)
        return str(related) if related is not None else "–"
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def changes_since(instance: Model, revision: int) -> list[tuple[str, str, str]]:
    """What changed in `instance` since the history version with this revision."""
    record = instance.history.filter(revision=revision).order_by("-history_id").first()
    current = instance.history.order_by("-history_id").first()
    if record is None or current is None:
        return []
    delta = current.diff_against(record)
    fields = {f.name: f for f in instance._meta.concrete_fields}
    result = []
    for change in delta.changes:
        field = fields.get(change.field)
        if field is None or change.field == "revision":
            continue
        old = record.instance
        new = current.instance
        result.append((str(field.verbose_name), _display(old, field), _display(new, field)))
    return result


def next_case_number(*, centre: CounsellingCentre, on: datetime.date) -> str:
    """Draw the next case number of the centre for the year, e.g. LU-2026-0042.

    The counter row is locked, so two counsellors saving at once get different numbers.
    """
    with transaction.atomic():
        counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(
            centre=centre, year=on.year
        )
        counter.last_number = F("last_number") + 1
        counter.save(update_fields=["last_number"])
        counter.refresh_from_db(fields=["last_number"])
        return f"{centre.code}-{on.year}-{counter.last_number:04d}"


def centre_counsellors(centre: CounsellingCentre):
    return User.objects.filter(memberships__centre=centre, is_active=True).order_by(
        "last_name", "first_name"
    )


def _check_counsellor(centre: CounsellingCentre, counsellor: User) -> None:
    if not Membership.objects.filter(centre=centre, user=counsellor).exists():
        raise RuleError(_("The counsellor must belong to the client's counselling centre."))


def create_migrant(*, user: User, centre: CounsellingCentre, form, formsets=()) -> Migrant:
    """Save a new person from a valid MigrantForm with household/qualification formsets."""
    with transaction.atomic():
        migrant = form.save(commit=False)
        migrant.centre = centre
        if migrant.counsellor_id is None:
            migrant.counsellor = user
        _check_counsellor(centre, migrant.counsellor)
        migrant.case_number = next_case_number(centre=centre, on=migrant.intake_on)
        migrant._history_user = user
        migrant.save()
        for formset in formsets:
            formset.instance = migrant
            formset.save()
        return migrant


def update_migrant(*, user: User, form, formsets=(), expected_revision: int) -> Migrant:
    """Save an edited person unless someone else saved since the form was loaded."""
    with transaction.atomic():
        migrant = form.instance
        stored = Migrant.objects.select_for_update().get(pk=migrant.pk)
        if stored.revision != expected_revision:
            raise ConflictError(changes_since(stored, expected_revision))
        _check_counsellor(stored.centre, migrant.counsellor)
        migrant = form.save(commit=False)
        migrant.revision = stored.revision + 1
        migrant._history_user = user
        migrant.save()
        for formset in formsets:
            formset.save()
        return migrant


def _bump(migrant: Migrant, user: User, **changes) -> Migrant:
    for name, value in changes.items():
        setattr(migrant, name, value)
    migrant.revision += 1
    migrant._history_user = user
    migrant.save()
    return migrant


def close_case(
    *, user: User, migrant: Migrant, closed_on: datetime.date, reason: str, note: str = ""
) -> Migrant:
    with transaction.atomic():
        migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
        if migrant.status == CaseStatus.CLOSED:
            raise RuleError(_("The case is already closed."))
        if closed_on < migrant.intake_on:
            raise RuleError(_("A case cannot be closed before its intake date."))
        return _bump(
            migrant,
            user,
            status=CaseStatus.CLOSED,
            closed_on=closed_on,
            closure_reason=reason,
            closure_note=note,
        )


def reopen_case(*, user: User, migrant: Migrant, note: str) -> Migrant:
    with transaction.atomic():
        migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
        if migrant.status != CaseStatus.CLOSED:
            raise RuleError(_("Only a closed case can be reopened."))
        if migrant.anonymised_at:
            raise RuleError(_("An anonymised case cannot be reopened."))
        migrant._change_reason = note
        return _bump(
            migrant,
            user,
            status=CaseStatus.ACTIVE,
            closed_on=None,
            closure_reason="",
            closure_note=note,
        )


def _require_supervisor(user: User, centre_id: int) -> None:
    if centre_id not in user.supervised_centre_ids():
        raise RuleError(_("Only a supervisor of the centre can reassign cases."))


def reassign_case(*, user: User, migrant: Migrant, counsellor: User) -> Migrant:
    with transaction.atomic():
        migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
        _require_supervisor(user, migrant.centre_id)
        _check_counsellor(migrant.centre, counsellor)
        return _bump(migrant, user, counsellor=counsellor)


def reassign_caseload(
    *, user: User, centre: CounsellingCentre, from_counsellor: User, to_counsellor: User
) -> int:
    """Hand every active case of one counsellor to another (e.g. when a colleague leaves)."""
    with transaction.atomic():
        _require_supervisor(user, centre.pk)
        _check_counsellor(centre, to_counsellor)
        if from_counsellor == to_counsellor:
            raise RuleError(_("Choose two different counsellors."))
        cases = list(
            Migrant.objects.select_for_update().filter(
                centre=centre, counsellor=from_counsellor, status=CaseStatus.ACTIVE
            )
        )
        for migrant in cases:
            _bump(migrant, user, counsellor=to_counsellor)
        return len(cases)


def record_session(*, user: User, migrant: Migrant, form) -> CounsellingSession:
    with transaction.atomic():
        session = form.save(commit=False)
        session.migrant = migrant
        if session.counsellor_id is None:
            session.counsellor = user
        session._history_user = user
        session.save()
        return session


def update_session(*, user: User, form) -> CounsellingSession:
    with transaction.atomic():
        session = form.save(commit=False)
        session._history_user = user
        session.save()
        return session


def record_consent(*, user: User, migrant: Migrant, form) -> Consent:
    with transaction.atomic():
        consent = form.save(commit=False)
        consent.migrant = migrant
        consent._history_user = user
        consent.save()
        return consent


def withdraw_consent(*, user: User, consent: Consent, withdrawn_on: datetime.date) -> Consent:
    """From the day of withdrawal, no referral may rely on this consent."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_on is not None:
            raise RuleError(_("This consent has already been withdrawn."))
        if withdrawn_on < consent.given_on:
            raise RuleError(_("A consent cannot be withdrawn before it was given."))
        consent.withdrawn_on = withdrawn_on
        consent._history_user = user
        consent.save()
        return consent


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
    return {
        "own_active_count": own_active.count(),
        "appointments": appointments,
        "is_counsellor": any(m.role == Role.COUNSELLOR for m in user.memberships_cached()),
    }
