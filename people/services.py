"""Business rules for cases: every write goes through a function here, in a transaction."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from people.dates import check_dates
from people.duplicates import decision_note, refuse_unconfirmed_duplicates
from people.enums import CaseStatus, ConsentForm, Interpreter
from people.history import attached_changes_since
from people.models import (
    CaseNumberCounter,
    Child,
    Consent,
    CounsellingSession,
    Migrant,
    Qualification,
)
from people.signals import case_closed, case_handed_over
from sites.attribution import attributed
from sites.changes import changes_since
from sites.enums import Role
from sites.errors import ConflictError, RuleError
from sites.models import CounsellingCentre, Membership, User
from sites.permissions import require_supervisor


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


# What the duplicate check compares; a change of anything else needs no new check.
IDENTIFYING = ("first_name", "last_name", "name_latin", "date_of_birth")


def _check_counsellor(centre: CounsellingCentre, counsellor: User) -> None:
    if (
        not counsellor.is_active
        or not Membership.objects.filter(centre=centre, user=counsellor).exists()
    ):
        raise RuleError(_("The counsellor must belong to the client's counselling centre."))


def _today() -> datetime.date:
    return timezone.localdate()


def _check_person(values: Mapping[str, Any]) -> None:
    """The rules the person form checks, for every caller of the services."""
    check_dates(values)
    born, arrival = values.get("date_of_birth"), values.get("arrival_on")
    if born and arrival and arrival < born:
        raise RuleError(_("The arrival in Germany cannot be before the birth."))
    issued, valid_until = values.get("residence_issued_on"), values.get("residence_valid_until")
    if issued and valid_until and valid_until <= issued:
        raise RuleError(_("The residence title must expire after the day it was issued."))
    if values.get("interpreter_needed") and not values.get("interpreter_language"):
        raise RuleError(_("Please give the language an interpreter is needed for."))


def _check_attached(model, values: Mapping[str, Any]) -> None:
    year = values.get("year_of_birth")
    if model is Child and year is not None and not 1950 <= year <= _today().year:
        raise RuleError(_("Please give a year between 1950 and this year."))


def _save_attached(migrant: Migrant, model, rows: Sequence[Mapping[str, Any]]) -> None:
    """Children or qualifications as the person form's rows give them: a row with an `id`
    changes (or with `delete` removes) that record of this person, one without adds one."""
    ids = [row["id"] for row in rows if row.get("id")]
    existing = (
        {obj.pk: obj for obj in model.objects.filter(migrant=migrant, pk__in=ids)} if ids else {}
    )
    for row in rows:
        values = {name: value for name, value in row.items() if name not in ("id", "delete")}
        if row.get("id"):
            record = existing.get(row["id"])
            if record is None:  # removed in the meantime: nothing left to change
                continue
            if row.get("delete"):
                record.delete()
                continue
        else:
            record = model(migrant=migrant)
        _check_attached(model, values)
        for name, value in values.items():
            setattr(record, name, value)
        record.save()


@attributed
def create_migrant(
    *,
    user: User,
    centre: CounsellingCentre,
    values: Mapping[str, Any],
    children: Sequence[Mapping[str, Any]] = (),
    qualifications: Sequence[Mapping[str, Any]] = (),
    different_from: Collection[int] = (),
) -> Migrant:
    """Record a new person from the person form's values and its household and
    qualification rows.

    Refuses with `PossibleDuplicates` while the centre holds a record with the same date
    of birth and a similar name that the user has not called a different person
    (`different_from`); that decision goes into the new record's history."""
    _check_person(values)
    with transaction.atomic():
        set_aside = refuse_unconfirmed_duplicates(
            centre_id=centre.pk, values=values, different_from=different_from
        )
        migrant = Migrant(centre=centre, **values)
        if set_aside:
            migrant._change_reason = decision_note(set_aside)
        if migrant.counsellor_id is None:
            migrant.counsellor = user
        _check_counsellor(centre, migrant.counsellor)
        migrant.case_number = next_case_number(centre=centre, on=migrant.intake_on)
        migrant.save()
        _save_attached(migrant, Child, children)
        _save_attached(migrant, Qualification, qualifications)
        return migrant


def refuse_if_anonymised(migrant: Migrant) -> None:
    if migrant.anonymised_at is not None:
        raise RuleError(_("This case was anonymised; no personal data can be added to it."))


def refuse_if_merged(migrant: Migrant) -> None:
    if migrant.merged_into_id is not None:
        raise RuleError(
            _("This record was merged into another record of the same person; work there.")
        )


def _lock_open_person(migrant_id: int) -> None:
    """Lock the person while a record is attached, so an anonymisation or a merge running
    at the same moment cannot be followed by new data on the record it leaves behind."""
    locked = (
        Migrant.objects.select_for_update()
        .only("pk", "anonymised_at", "merged_into_id")
        .get(pk=migrant_id)
    )
    refuse_if_anonymised(locked)
    refuse_if_merged(locked)


@attributed
def update_migrant(
    *,
    user: User,
    migrant: Migrant,
    values: Mapping[str, Any],
    children: Sequence[Mapping[str, Any]] = (),
    qualifications: Sequence[Mapping[str, Any]] = (),
    expected_revision: int,
    different_from: Collection[int] = (),
) -> Migrant:
    """Save an edited person unless someone else saved since the form was loaded.

    A changed name or date of birth is checked for duplicates as at intake."""
    _check_person(values)
    with transaction.atomic():
        stored = Migrant.objects.select_for_update().get(pk=migrant.pk)
        refuse_if_anonymised(stored)
        refuse_if_merged(stored)
        if stored.revision != expected_revision:
            raise ConflictError(
                changes_since(stored, expected_revision)
                + attached_changes_since(stored, expected_revision)
            )
        if any(name in values and values[name] != getattr(stored, name) for name in IDENTIFYING):
            identity = {name: values.get(name, getattr(stored, name)) for name in IDENTIFYING}
            set_aside = refuse_unconfirmed_duplicates(
                centre_id=stored.centre_id,
                values=identity,
                different_from=different_from,
                exclude_pk=stored.pk,
            )
            if set_aside:
                stored._change_reason = decision_note(set_aside)
        counsellor = values.get("counsellor")
        if counsellor is not None and counsellor.pk != stored.counsellor_id:
            _check_counsellor(stored.centre, counsellor)
        for name, value in values.items():
            setattr(stored, name, value)
        stored.revision += 1
        stored.save()
        _save_attached(stored, Child, children)
        _save_attached(stored, Qualification, qualifications)
        return stored


def _bump(migrant: Migrant, **changes) -> Migrant:
    for name, value in changes.items():
        setattr(migrant, name, value)
    migrant.revision += 1
    migrant.save()
    return migrant


@attributed
def close_case(
    *, user: User, migrant: Migrant, closed_on: datetime.date, reason: str, note: str = ""
) -> Migrant:
    check_dates({"closed_on": closed_on})
    with transaction.atomic():
        migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
        if migrant.status == CaseStatus.CLOSED:
            raise RuleError(_("The case is already closed."))
        if closed_on < migrant.intake_on:
            raise RuleError(_("A case cannot be closed before its intake date."))
        migrant = _bump(
            migrant,
            status=CaseStatus.CLOSED,
            closed_on=closed_on,
            closure_reason=reason,
            closure_note=note,
        )
        # The case's open agreement ends with it (see agreements.receivers).
        case_closed.send(
            sender=Migrant,
            migrant=migrant,
            user=user,
            closed_on=closed_on,
            reason=reason,
            note=note,
        )
        return migrant


@attributed
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
            status=CaseStatus.ACTIVE,
            closed_on=None,
            closure_reason="",
            closure_note=note,
        )


def _hand_over(migrants: list[Migrant], to_counsellor: User, user: User) -> None:
    """Give the (locked) cases to `to_counsellor`; their open agreements follow in the same
    transaction (see agreements.receivers), in history with the same reason."""
    reason = _("case handed over to %(name)s") % {"name": to_counsellor}
    for migrant in migrants:
        migrant._change_reason = reason
        _bump(migrant, counsellor=to_counsellor)
    if migrants:
        case_handed_over.send(
            sender=Migrant,
            migrants=migrants,
            to_counsellor=to_counsellor,
            user=user,
            reason=reason,
        )


@attributed
def reassign_case(*, user: User, migrant: Migrant, counsellor: User) -> Migrant:
    with transaction.atomic():
        migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
        # A permission (PermissionDenied, a 403 on the page), not a rule of the case.
        require_supervisor(
            user, migrant.centre_id, _("Only a supervisor of the centre can reassign cases.")
        )
        refuse_if_anonymised(migrant)
        _check_counsellor(migrant.centre, counsellor)
        if migrant.counsellor_id == counsellor.pk:
            raise RuleError(_("The case is already assigned to this counsellor."))
        _hand_over([migrant], counsellor, user)
        return migrant


@attributed
def reassign_caseload(
    *, user: User, centre: CounsellingCentre, from_counsellor: User, to_counsellor: User
) -> int:
    """Hand every active case of one counsellor to another (e.g. when a colleague leaves)."""
    with transaction.atomic():
        require_supervisor(user, centre, _("Only a supervisor of the centre can reassign cases."))
        _check_counsellor(centre, to_counsellor)
        if from_counsellor == to_counsellor:
            raise RuleError(_("Choose two different counsellors."))
        cases = list(
            Migrant.objects.select_for_update().filter(
                centre=centre, counsellor=from_counsellor, status=CaseStatus.ACTIVE
            )
        )
        _hand_over(cases, to_counsellor, user)
        return len(cases)


def _session_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The session form's rules; returns a copy with the interpreter fields made coherent
    (no interpreter: no language, not a minor)."""
    values = dict(values)
    check_dates(values)
    held_on = values.get("held_on")
    duration = values.get("duration_minutes")
    if duration is not None and not 1 <= duration <= 720:
        raise RuleError(_("A session lasts between 1 and 720 minutes."))
    interpreter = values.get("interpreter")
    if interpreter == Interpreter.NONE:
        values["interpreter_language"] = ""
        values["interpreter_is_minor"] = False
    elif interpreter and not values.get("interpreter_language"):
        raise RuleError(_("Please give the interpreter's language."))
    appointment = values.get("next_appointment")
    if appointment and held_on and appointment.date() < held_on:
        raise RuleError(_("The next appointment must be after the session."))
    return values


@attributed
def record_session(
    *, user: User, migrant: Migrant, values: Mapping[str, Any]
) -> CounsellingSession:
    values = _session_values(values)
    with transaction.atomic():
        _lock_open_person(migrant.pk)
        session = CounsellingSession(migrant=migrant, **values)
        if session.counsellor_id is None:
            session.counsellor = user
        session.save()
        return session


@attributed
def update_session(
    *,
    user: User,
    session: CounsellingSession,
    values: Mapping[str, Any],
    expected_revision: int | None,
) -> CounsellingSession:
    """Save an edited session unless someone else saved it since the form was loaded at
    `expected_revision` (None, a form without its revision, counts as stale)."""
    values = _session_values(values)
    with transaction.atomic():
        _lock_open_person(session.migrant_id)
        stored = (
            CounsellingSession.objects.select_for_update(of=("self",))
            .select_related("migrant__centre", "counsellor")
            .get(pk=session.pk)
        )
        if stored.revision != expected_revision:
            raise ConflictError(changes_since(stored, expected_revision or 0))
        for name, value in values.items():
            setattr(stored, name, value)
        stored.revision += 1
        stored.save()
        return stored


def _check_consent(values: Mapping[str, Any]) -> None:
    check_dates(values)
    if not values.get("recipient_partner") and not values.get("recipient_kind"):
        raise RuleError(_("Choose a partner or a kind of partner as recipient."))
    if values.get("form") == ConsentForm.ORAL and not (values.get("file_note") or "").strip():
        raise RuleError(_("An oral consent needs a file note."))


@attributed
def record_consent(*, user: User, migrant: Migrant, values: Mapping[str, Any]) -> Consent:
    _check_consent(values)
    with transaction.atomic():
        _lock_open_person(migrant.pk)
        consent = Consent(migrant=migrant, **values)
        consent.save()
        return consent


@attributed
def withdraw_consent(*, user: User, consent: Consent, withdrawn_on: datetime.date) -> Consent:
    """From the day of withdrawal, no referral may rely on this consent."""
    check_dates({"withdrawn_on": withdrawn_on})
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_on is not None:
            raise RuleError(_("This consent has already been withdrawn."))
        if withdrawn_on < consent.given_on:
            raise RuleError(_("A consent cannot be withdrawn before it was given."))
        consent.withdrawn_on = withdrawn_on
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
