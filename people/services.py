"""Business rules for cases: every write goes through a function here, in a transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from people.enums import CaseStatus
from people.models import (
    CaseNumberCounter,
    Child,
    Consent,
    CounsellingSession,
    Migrant,
    Qualification,
)
from sites.enums import Role
from sites.errors import ConflictError, RuleError
from sites.models import CounsellingCentre, Membership, User


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


def _attached_label(model, record) -> str:
    if record is None:
        return "–"
    if model is Child:
        return f"{record.year_of_birth} – {record.get_care_display()}"
    return f"{record.title} – {record.get_recognition_status_display()}"


def attached_changes_since(migrant: Migrant, revision: int) -> list[tuple[str, str, str]]:
    """Children and qualifications added, changed or removed since the person's version
    with this revision: they are saved with the person, so a stale form would undo them."""
    # The person is saved before its children and qualifications, so the first save after
    # the form's version marks where the form's view of them ends.
    since = (
        migrant.history.filter(revision__gt=revision)
        .order_by("history_id")
        .values_list("history_date", flat=True)
        .first()
    )
    if since is None:
        return []
    result = []
    for model in (Child, Qualification):
        records = model.history.filter(migrant_id=migrant.pk).order_by("history_id")
        before: dict[int, object] = {}
        after: dict[int, object] = {}
        for record in records:
            target = before if record.history_date < since else after
            target[record.id] = None if record.history_type == "-" else record
        for object_id, new in after.items():
            old = before.get(object_id)
            old_label, new_label = _attached_label(model, old), _attached_label(model, new)
            if old_label != new_label:
                result.append((str(model._meta.verbose_name), old_label, new_label))
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
    """Who can take on a case of the centre: its active members."""
    return User.objects.filter(memberships__centre=centre, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def case_holders(centres, *, members: bool = True, holding: bool = True, also=()):
    """Who holds cases in these centres (ids or centres), ordered by name: the one answer
    for the caseload and due-list filters, the dashboard's rows and the hand-over form.

    Whoever has an active case there, also a colleague who left (membership removed or
    account closed): the cases they still hold must stay findable, to be filtered for and
    handed over. With `members`, the centres' counsellors who hold none yet; `also` adds
    users the caller has figures for, and `holding=False` leaves the active cases to it
    (the dashboard has counted them already).
    """
    who = Q(pk__in=also)
    if holding:
        active = Migrant.objects.filter(centre__in=centres, status=CaseStatus.ACTIVE)
        who |= Q(pk__in=active.values("counsellor_id"))
    if members:
        counsellors = Membership.objects.filter(centre__in=centres, role=Role.COUNSELLOR)
        who |= Q(pk__in=counsellors.values("user_id"))
    return User.objects.filter(who).order_by("last_name", "first_name", "username")


def _check_counsellor(centre: CounsellingCentre, counsellor: User) -> None:
    if (
        not counsellor.is_active
        or not Membership.objects.filter(centre=centre, user=counsellor).exists()
    ):
        raise RuleError(_("The counsellor must belong to the client's counselling centre."))


def _save_formset(formset, user: User) -> None:
    """Save an inline formset so that each history row names the acting user."""
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj._history_user = user
        obj.delete()
    for obj in instances:
        obj._history_user = user
        obj.save()


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
            _save_formset(formset, user)
        return migrant


def refuse_if_anonymised(migrant: Migrant) -> None:
    if migrant.anonymised_at is not None:
        raise RuleError(_("This case was anonymised; no personal data can be added to it."))


def _lock_open_person(migrant_id: int) -> None:
    """Lock the person while a record is attached, so an anonymisation running at the same
    moment cannot be followed by new personal data."""
    refuse_if_anonymised(
        Migrant.objects.select_for_update().only("pk", "anonymised_at").get(pk=migrant_id)
    )


def update_migrant(*, user: User, form, formsets=(), expected_revision: int) -> Migrant:
    """Save an edited person unless someone else saved since the form was loaded."""
    with transaction.atomic():
        migrant = form.instance
        stored = Migrant.objects.select_for_update().get(pk=migrant.pk)
        refuse_if_anonymised(stored)
        if stored.revision != expected_revision:
            raise ConflictError(
                changes_since(stored, expected_revision)
                + attached_changes_since(stored, expected_revision)
            )
        if migrant.counsellor_id != stored.counsellor_id:
            _check_counsellor(stored.centre, migrant.counsellor)
        migrant = form.save(commit=False)
        migrant.revision = stored.revision + 1
        migrant._history_user = user
        migrant.save()
        for formset in formsets:
            _save_formset(formset, user)
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
        refuse_if_anonymised(migrant)
        _check_counsellor(migrant.centre, counsellor)
        if migrant.counsellor_id == counsellor.pk:
            raise RuleError(_("The case is already assigned to this counsellor."))
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
        _lock_open_person(migrant.pk)
        session = form.save(commit=False)
        session.migrant = migrant
        if session.counsellor_id is None:
            session.counsellor = user
        session._history_user = user
        session.save()
        return session


def update_session(*, user: User, form) -> CounsellingSession:
    with transaction.atomic():
        _lock_open_person(form.instance.migrant_id)
        session = form.save(commit=False)
        session._history_user = user
        session.save()
        return session


def record_consent(*, user: User, migrant: Migrant, form) -> Consent:
    with transaction.atomic():
        _lock_open_person(migrant.pk)
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


RESIDENCE_EXPIRY_NOTICE_DAYS = 90


def person_warnings(migrant: Migrant, today: datetime.date | None = None) -> list[str]:
    """Hints for the person page: programme fit and a residence title running out.

    Warnings only: the counsellor decides what follows from them.
    """
    today = today or timezone.localdate()
    warnings = [str(warning) for warning in migrant.programme_warnings()]
    valid_until = migrant.residence_valid_until
    if valid_until and migrant.status == CaseStatus.ACTIVE:
        if valid_until < today:
            warnings.append(
                _("The residence title expired on %(day)s.")
                % {"day": valid_until.strftime("%d.%m.%Y")}
            )
        elif valid_until <= today + datetime.timedelta(days=RESIDENCE_EXPIRY_NOTICE_DAYS):
            warnings.append(
                _("The residence title expires on %(day)s: time to apply for an extension.")
                % {"day": valid_until.strftime("%d.%m.%Y")}
            )
    return warnings


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
