"""Art. 15 GDPR: everything stored about one person, as data and as readable sections."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from agreements.enums import HurdleCategory
from agreements.models import (
    Agreement,
    Goal,
    GoalOutcome,
    Review,
    SignedDocument,
    Step,
    StepOutcome,
)

# Stored instead of required free texts (names, goal texts ...). Data, not UI text: it
# reads the same in every language the UI is shown in.
from integration.privacy.rows import HISTORY_TYPES, PersonRows
from people.history import historical_model
from people.models import (
    AccessLog,
    Child,
    Consent,
    CounsellingSession,
    ErasureRequest,
    Migrant,
    Qualification,
)
from sites.changes import display_value
from sites.enums import Area
from sites.models import Offer

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
    relations: set[str] = field(default_factory=set)  # fields that point to another row

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
                if cell.raw in (None, "", []) or name in _NOT_FOR_READING:
                    continue
                if name in self.relations and cell.display is None:
                    continue  # a bare database id of something no longer there
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

# Database ids, in the readable PDF: numbers that tell the person nothing (the JSON keeps
# them, to relate its rows).
_NOT_FOR_READING = {"id", "history_id"}

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
            relations = {f.name for f in fields if f.is_relation}
            section = Section(key=key, title=title, labels=labels, relations=relations)
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
        # The file itself comes with the export (`export_files`), under this name; where it
        # is stored is nobody's business outside the system.
        return Cell(attachment_name(value.name) if value.name else "")
    if isinstance(value, Country):
        return Cell(value.code, str(value.name) if value.code else None)
    if isinstance(value, list):
        choices = _LIST_CHOICES.get(f.name, {})
        return Cell(value, ", ".join(str(choices.get(v, v)) for v in value))
    if f.choices and value not in (None, ""):
        return Cell(value, display_value(value, choices=dict(f.flatchoices)))
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
    builder.add("step_outcomes", _("Outcomes per step"), StepOutcome, rows.live(StepOutcome))
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
        (StepOutcome, "history_step_outcomes", _("Change history: outcomes per step")),
    ]:
        queryset = rows.history(model).order_by("history_date", "history_id")
        builder.add(key, title, historical_model(model), queryset)
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


def attachment_name(storage_name: str) -> str:
    return storage_name.rsplit("/", 1)[-1]


def export_files(*, migrant: Migrant) -> list[tuple[str, bytes, str]]:
    """The signed PDFs and scans of one person, each as (file name, content, description):
    part of what is stored about them, handed over themselves, not named by where they lie."""
    files = []
    documents = SignedDocument.objects.filter(agreement__migrant_id=migrant.pk).select_related(
        "agreement"
    )
    for document in documents.order_by("agreement__number", "agreement__version"):
        for stored, description in (
            (document.pdf, _("Signed agreement %(number)s, version %(version)s")),
            (document.scan, _("Scan of the signed agreement %(number)s, version %(version)s")),
        ):
            if not stored:
                continue
            with stored.open("rb") as handle:
                content = handle.read()
            values = {"number": document.agreement.number, "version": document.agreement.version}
            files.append((attachment_name(stored.name), content, str(description) % values))
    return files
