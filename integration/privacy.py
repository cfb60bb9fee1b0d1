"""Data-protection rules: the Art. 15 export, erasure with four eyes, retention, consents.

Everything a person told us lives in the live rows AND in the history rows that
django-simple-history keeps of every change, so the export reads both and anonymising
scrubs both. What stays after anonymising is what the pseudonymised statistics need:
centre, counsellor, year of birth, sex, nationality, intake and closing dates, the
statuses, areas, outcomes and hurdle categories of agreements, goals and reviews.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from agreements.enums import AgreementStatus, HurdleCategory, StepStatus
from agreements.models import Agreement, Goal, GoalOutcome, Review, SignedDocument, Step
from integration.enums import CaseStatus, CourseEntitlement, Degree
from integration.models import (
    AccessLog,
    Child,
    Consent,
    CounsellingSession,
    ErasureRequest,
    Migrant,
    Qualification,
)
from sites.enums import Area
from sites.models import Offer

# Stored instead of required free texts (names, goal texts ...). Data, not UI text: it
# reads the same in every language the UI is shown in.
ANONYMISED = "anonymisiert"
PLACEHOLDER_PREFIX = "ANON-"

HISTORY_TYPES = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


# --- which rows belong to one person ---------------------------------------------------


def _history(model: type[models.Model]) -> type[models.Model]:
    return model.history.model


@dataclass(frozen=True)
class PersonRows:
    """Querysets over every live and history row that belongs to one person.

    History rows are found through the history tables themselves, so rows of a goal or a
    session that was deleted since are found too.
    """

    migrant_id: int

    def agreement_ids(self) -> QuerySet:
        return _history(Agreement).objects.filter(migrant_id=self.migrant_id).values("id")

    def goal_ids(self) -> QuerySet:
        return _history(Goal).objects.filter(agreement_id__in=self.agreement_ids()).values("id")

    def review_ids(self) -> QuerySet:
        return _history(Review).objects.filter(agreement_id__in=self.agreement_ids()).values("id")

    def live(self, model: type[models.Model]) -> QuerySet:
        return model.objects.filter(self._lookup(model, history=False))

    def history(self, model: type[models.Model]) -> QuerySet:
        return _history(model).objects.filter(self._lookup(model, history=True))

    def _lookup(self, model: type[models.Model], *, history: bool) -> Q:
        if model is Migrant:
            return Q(id=self.migrant_id) if history else Q(pk=self.migrant_id)
        if model in (Child, Qualification, Consent, CounsellingSession, Agreement):
            return Q(migrant_id=self.migrant_id)
        if model in (Goal, Review):
            return Q(agreement_id__in=self.agreement_ids())
        if model is Step:
            return Q(goal_id__in=self.goal_ids())
        if model is GoalOutcome:
            return Q(review_id__in=self.review_ids())
        raise ValueError(f"{model.__name__} does not belong to a person")  # pragma: no cover


# --- Art. 15: the export ---------------------------------------------------------------


@dataclass
class Cell:
    raw: Any
    display: Any = None

    @property
    def text(self) -> Any:
        return self.raw if self.display is None else self.display


@dataclass
class Section:
    key: str
    title: str
    labels: dict[str, str]  # field name -> verbose label
    rows: list[dict[str, Cell]] = field(default_factory=list)

    def as_json(self) -> list[dict[str, Any]]:
        out = []
        for row in self.rows:
            item: dict[str, Any] = {}
            for name, cell in row.items():
                item[name] = cell.raw
                if cell.display is not None and cell.display != cell.raw:
                    item[f"{name}_display"] = str(cell.display)
            out.append(item)
        return out

    def readable_rows(self) -> list[list[tuple[str, Any]]]:
        """For reading: empty fields left out; a history entry shows only what changed
        against the previous entry of the same record."""
        out = []
        previous: dict[Any, dict[str, Cell]] = {}
        for row in self.rows:
            before = previous.get(row["id"].raw) if "history_type" in row else None
            shown = []
            for name, cell in row.items():
                if cell.raw in (None, "", []):
                    continue
                unchanged = before is not None and before.get(name, Cell(None)).raw == cell.raw
                if unchanged and not name.startswith("history_") and name != "id":
                    continue
                shown.append((self.labels[name], cell.text))
            if "history_type" in row:
                previous[row["id"].raw] = row
            out.append(shown)
        return out


@dataclass
class PersonalDataExport:
    migrant: Migrant
    generated_at: datetime.datetime
    generated_by: str
    sections: list[Section]

    def as_json(self) -> dict[str, Any]:
        centre = self.migrant.centre
        return {
            "meta": {
                "legal_basis": "Art. 15 GDPR / DSGVO",
                "generated_at": self.generated_at.isoformat(),
                "generated_by": self.generated_by,
                "case_number": self.migrant.case_number,
                "controller": {
                    "centre": centre.name,
                    "provider": centre.provider,
                    "address": centre.address,
                    "email": centre.email,
                    "phone": centre.phone,
                },
            },
            **{section.key: section.as_json() for section in self.sections},
        }


# Lists of codes stored in JSON fields, shown by their labels.
_LIST_CHOICES = {"topics": dict(Area.choices), "hurdle_categories": dict(HurdleCategory.choices)}

# Derived or technical columns that tell the person nothing.
_SKIPPED_FIELDS = {"search_text", "revision", "position", "key", "history_relation"}


# Related objects whose str() reads a further relation.
_LABEL_QUERYSETS = {
    Consent: lambda: Consent.objects.select_related("recipient_partner"),
    Review: lambda: Review.objects.select_related("agreement"),
    Offer: lambda: Offer.objects.select_related("partner"),
}


class _ExportBuilder:
    """Collects the sections first, then fetches the labels of all related objects with
    one query per related model: the export's query count does not grow with the data."""

    def __init__(self) -> None:
        self._parts: list[tuple[str, str, list[models.Field], list[models.Model]]] = []

    def add(self, key: str, title: str, model: type[models.Model], queryset) -> None:
        fields = [f for f in model._meta.concrete_fields if f.name not in _SKIPPED_FIELDS]
        self._parts.append((key, str(title), fields, list(queryset)))

    def _related_labels(self) -> dict[type[models.Model], dict[Any, str]]:
        wanted: dict[type[models.Model], set] = {}
        for _key, _title, fields, rows in self._parts:
            for f in fields:
                if f.is_relation:
                    ids = {getattr(row, f.attname) for row in rows} - {None}
                    wanted.setdefault(f.related_model, set()).update(ids)
        labels: dict[type[models.Model], dict[Any, str]] = {}
        for model, ids in wanted.items():
            if ids:
                queryset = _LABEL_QUERYSETS.get(model, lambda m=model: m._base_manager)()
                labels[model] = {pk: str(obj) for pk, obj in queryset.in_bulk(ids).items()}
        return labels

    def sections(self) -> list[Section]:
        related = self._related_labels()
        out = []
        for key, title, fields, rows in self._parts:
            labels = {f.name: str(_HISTORY_LABELS.get(f.name, f.verbose_name)) for f in fields}
            section = Section(key=key, title=title, labels=labels)
            for row in rows:
                section.rows.append({f.name: _cell(f, row, related) for f in fields})
            out.append(section)
        return out


_HISTORY_LABELS = {
    "history_id": _("history entry"),
    "history_date": _("changed at"),
    "history_type": _("kind of change"),
    "history_user": _("changed by"),
    "history_change_reason": _("reason for the change"),
}


def _cell(f: models.Field, row: models.Model, related: dict) -> Cell:
    value = getattr(row, f.attname)
    if f.is_relation:
        return Cell(value, related.get(f.related_model, {}).get(value))
    if f.name == "history_type":
        return Cell(value, str(HISTORY_TYPES.get(value, value)))
    if isinstance(f, models.FileField):
        return Cell(value.name or "")
    if isinstance(value, Country):
        return Cell(value.code, str(value.name) if value.code else None)
    if isinstance(value, list):
        choices = _LIST_CHOICES.get(f.name, {})
        return Cell(value, ", ".join(str(choices.get(v, v)) for v in value))
    if f.choices and value not in (None, ""):
        return Cell(value, str(dict(f.flatchoices).get(value, value)))
    return Cell(value)


def build_personal_data_export(*, migrant: Migrant, user) -> PersonalDataExport:
    """Everything stored about one person, live and in the history (Art. 15 GDPR)."""
    rows = PersonRows(migrant.pk)
    builder = _ExportBuilder()
    builder.add("person", _("Personal record"), Migrant, rows.live(Migrant))
    builder.add("children", _("Children"), Child, rows.live(Child))
    builder.add(
        "qualifications", _("Vocational qualifications"), Qualification, rows.live(Qualification)
    )
    builder.add("consents", _("Consents"), Consent, rows.live(Consent))
    builder.add(
        "sessions",
        _("Counselling sessions"),
        CounsellingSession,
        rows.live(CounsellingSession).order_by("held_on", "pk"),
    )
    builder.add(
        "agreements",
        _("Integration agreements (every version)"),
        Agreement,
        rows.live(Agreement).order_by("number", "version"),
    )
    builder.add("goals", _("Goals"), Goal, rows.live(Goal).order_by("agreement_id", "pk"))
    builder.add("steps", _("Steps"), Step, rows.live(Step).order_by("goal_id", "pk"))
    builder.add("reviews", _("Reviews"), Review, rows.live(Review).order_by("held_on", "pk"))
    builder.add("goal_outcomes", _("Outcomes per goal"), GoalOutcome, rows.live(GoalOutcome))
    builder.add(
        "signed_documents",
        _("Signed documents"),
        SignedDocument,
        SignedDocument.objects.filter(agreement__migrant_id=migrant.pk).order_by("pk"),
    )
    builder.add(
        "erasure_requests",
        _("Erasure requests"),
        ErasureRequest,
        ErasureRequest.objects.filter(migrant_id=migrant.pk).order_by("requested_at"),
    )
    for model, key, title in [
        (Migrant, "history_person", _("Change history: personal record")),
        (Child, "history_children", _("Change history: children")),
        (Qualification, "history_qualifications", _("Change history: qualifications")),
        (Consent, "history_consents", _("Change history: consents")),
        (CounsellingSession, "history_sessions", _("Change history: counselling sessions")),
        (Agreement, "history_agreements", _("Change history: agreements")),
        (Goal, "history_goals", _("Change history: goals")),
        (Step, "history_steps", _("Change history: steps")),
        (Review, "history_reviews", _("Change history: reviews")),
        (GoalOutcome, "history_goal_outcomes", _("Change history: outcomes per goal")),
    ]:
        queryset = rows.history(model).order_by("history_date", "history_id")
        builder.add(key, title, _history(model), queryset)
    builder.add(
        "access_log",
        _("Access log"),
        AccessLog,
        AccessLog.objects.filter(migrant_id=migrant.pk).order_by("at", "pk"),
    )
    return PersonalDataExport(
        migrant=migrant,
        generated_at=timezone.now(),
        generated_by=str(user),
        sections=builder.sections(),
    )


# --- erasure: four eyes ----------------------------------------------------------------


def can_decide(*, user, erasure_request: ErasureRequest) -> bool:
    """A supervisor of the person's centre who did not ask for the erasure themselves."""
    return (
        erasure_request.status == ErasureRequest.Status.PENDING
        and erasure_request.requested_by_id != user.pk
        and erasure_request.migrant.centre_id in user.supervised_centre_ids()
    )


def erasure_blockers(*, migrant: Migrant) -> list[str]:
    """Why an erasure cannot be requested now (empty when it can)."""
    if migrant.anonymised_at is not None:
        return [_("This case has already been anonymised.")]
    problems = []
    if migrant.status != CaseStatus.CLOSED:
        problems.append(_("Only a closed case can be anonymised. Close the case first."))
    if migrant.erasure_requests.filter(status=ErasureRequest.Status.PENDING).exists():
        problems.append(_("An erasure request for this case is already waiting for approval."))
    return [str(p) for p in problems]


@transaction.atomic
def request_erasure(*, migrant: Migrant, user, reason: str) -> ErasureRequest:
    migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    problems = erasure_blockers(migrant=migrant)
    if problems:
        raise ValidationError(problems)
    return ErasureRequest.objects.create(migrant=migrant, reason=reason.strip(), requested_by=user)


@transaction.atomic
def decide_erasure(
    *, erasure_request: ErasureRequest, user, approve: bool, note: str = ""
) -> ErasureRequest:
    """Approve (and carry out) or reject a pending request; the second pair of eyes."""
    locked = (
        ErasureRequest.objects.select_for_update()
        .select_related("migrant")
        .get(pk=erasure_request.pk)
    )
    if locked.status != ErasureRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if locked.requested_by_id == user.pk:
        raise ValidationError(_("A request must be decided by someone other than the requester."))
    if locked.migrant.centre_id not in user.supervised_centre_ids():
        raise ValidationError(_("Only a supervisor of the centre can decide on this request."))
    if not approve and not note.strip():
        raise ValidationError({"decision_note": _("Please say why the request is rejected.")})
    locked.status = ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.REJECTED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        anonymise_migrant(migrant=locked.migrant)
    return locked


# --- anonymising -----------------------------------------------------------------------


ANONYMISED_REASON = "anonymised"
# Reasons typed by users may name the person; the one this module writes does not.
_KEEP_OWN_REASON = Case(
    When(history_change_reason=ANONYMISED_REASON, then=Value(ANONYMISED_REASON)),
    default=Value(None),
)


def _placeholder() -> str:
    return f"{PLACEHOLDER_PREFIX}{secrets.token_hex(8).upper()}"


def _kept_if_empty(name: str) -> Case:
    """Empty stays empty; anything written is replaced (keeps "oral needs a note" true)."""
    return Case(When(**{name: ""}, then=Value("")), default=Value(ANONYMISED))


def _person_scrub(migrant: Migrant, case_number: str) -> dict[str, Any]:
    born = migrant.date_of_birth
    return {
        "case_number": case_number,
        "first_name": "",
        "last_name": ANONYMISED,
        "name_latin": "",
        # The year is enough for age bands; day and month identify.
        "date_of_birth": datetime.date(born.year, 1, 1) if born else None,
        "country_of_birth": "",
        "languages": "",
        "german_level": "",
        "preferred_language": "",
        "interpreter_needed": False,
        "interpreter_language": "",
        "arrival_on": None,
        "residence_status": "",
        "residence_legal_basis": "",
        "residence_issued_on": None,
        "residence_valid_until": None,
        "foreigners_authority": None,
        "course_entitlement": CourseEntitlement.UNKNOWN,
        "schooling_years": None,
        "highest_degree": Degree.UNKNOWN,
        "schooling_country": "",
        "employment": "",
        "benefits": "",
        "phone": "",
        "email": "",
        "street": "",
        "postcode": "",
        "city": "",
        "referred_by": "",
        "closure_note": "",
    }


# Free texts that may name the person or describe their life, per model.
_TEXT_SCRUBS: dict[type[models.Model], dict[str, Any]] = {
    Consent: {
        "data_categories": ANONYMISED,
        "purpose": ANONYMISED,
        "file_note": _kept_if_empty("file_note"),
    },
    CounsellingSession: {
        "notes": "",
        "agreed_next_steps": "",
        "next_appointment": None,
        "interpreter_language": "",
    },
    Agreement: {
        "situation_language": "",
        "situation_schooling": "",
        "situation_residence": "",
        "situation_family": "",
        "situation_work": "",
        "strengths": "",
        "document_language": "",
        "interpreter_name": "",
        "signed_place": "",
        "amendment_reason": "",
        "closure_reason": "",
    },
    Goal: {"text": ANONYMISED, "text_own_words": ""},
    Step: {"description": ANONYMISED},
    Review: {"successes": "", "hurdles": "", "changes": ""},
    GoalOutcome: {"comment": ""},
}


@transaction.atomic
def anonymise_migrant(*, migrant: Migrant) -> Migrant:
    """Remove the personal data of a closed case from live rows, history rows and files.

    Idempotent: an anonymised case is returned unchanged. Uploaded files are deleted once
    the transaction has committed, so a rollback never leaves rows pointing at lost files.
    """
    migrant = Migrant.objects.select_for_update().get(pk=migrant.pk)
    if migrant.anonymised_at is not None:
        return migrant
    if migrant.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be anonymised."))
    rows = PersonRows(migrant.pk)

    person = _person_scrub(migrant, _placeholder())
    for name, value in person.items():
        setattr(migrant, name, value)
    migrant.anonymised_at = timezone.now()
    # A form still open on the old revision must not write the old data back.
    migrant.revision += 1
    migrant._change_reason = ANONYMISED_REASON
    migrant.save()

    new_numbers = {
        number: _placeholder()
        for number in rows.history(Agreement).values_list("number", flat=True).distinct()
    }
    for old, new in new_numbers.items():
        rows.live(Agreement).filter(number=old).update(
            number=new, revision=models.F("revision") + 1
        )
        rows.history(Agreement).filter(number=old).update(number=new)

    # Children and qualifications are not needed for any statistic: gone, with history.
    rows.live(Child).delete()
    rows.history(Child).delete()
    rows.live(Qualification).delete()
    rows.history(Qualification).delete()

    for model, scrub in _TEXT_SCRUBS.items():
        rows.live(model).update(**scrub)
        rows.history(model).update(**scrub, history_change_reason=None)
    rows.history(Migrant).update(**person, history_change_reason=_KEEP_OWN_REASON)

    AccessLog.objects.filter(migrant=migrant).update(detail="")

    documents = SignedDocument.objects.filter(agreement__migrant=migrant)
    files = [name for pair in documents.values_list("pdf", "scan") for name in pair if name]
    for document in documents.only("pk"):
        # The verification code links the paper copy (with the name) to this record.
        SignedDocument.objects.filter(pk=document.pk).update(
            pdf="", scan="", verification_code=secrets.token_hex(8).upper()
        )
    transaction.on_commit(lambda: _delete_files(files))
    return migrant


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# --- retention -------------------------------------------------------------------------


def retention_cutoff(*, today: datetime.date | None = None, years: int | None = None):
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def expired_migrants(*, today: datetime.date | None = None, years: int | None = None):
    """Closed cases whose closing lies longer back than the retention period."""
    cutoff = retention_cutoff(today=today, years=years)
    return Migrant.objects.filter(
        status=CaseStatus.CLOSED, closed_on__lt=cutoff, anonymised_at__isnull=True
    ).order_by("closed_on", "pk")


@transaction.atomic
def anonymise_for_retention(*, migrant: Migrant) -> Migrant:
    """Anonymise one expired case; a pending request is settled by the expiry itself."""
    migrant = anonymise_migrant(migrant=migrant)
    migrant.erasure_requests.filter(status=ErasureRequest.Status.PENDING).update(
        status=ErasureRequest.Status.APPROVED,
        decided_at=timezone.now(),
        decision_note="retention period expired",
    )
    return migrant


# --- consents --------------------------------------------------------------------------


def steps_with_withdrawn_consent(*, day: datetime.date | None = None) -> QuerySet:
    """Open referral steps that rely on a consent withdrawn on or before `day`.

    From the day of the withdrawal the referral must not go on: the counsellor has to
    cancel the step or record a new consent. Superseded versions are history and skipped.
    """
    day = day or timezone.localdate()
    return (
        Step.objects.filter(consent__withdrawn_on__lte=day)
        .filter(status__in=[StepStatus.OPEN, StepStatus.IN_PROGRESS])
        .exclude(goal__agreement__status=AgreementStatus.SUPERSEDED)
        .select_related("goal__agreement__migrant", "consent", "partner", "offer")
        .order_by("consent__withdrawn_on", "pk")
    )


def steps_with_withdrawn_consent_visible_to(user, *, day: datetime.date | None = None):
    return steps_with_withdrawn_consent(day=day).filter(
        goal__agreement__in=Agreement.objects.visible_to(user)
    )


def consent_usable_for_referral(*, consent: Consent, day: datetime.date | None = None) -> bool:
    """Whether a new step may rely on this consent on `day` (given, and not withdrawn)."""
    return consent.is_valid_on(day)
