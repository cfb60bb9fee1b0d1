"""Who changed what and when: a person's record and everything attached to it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import get_language, gettext

from integration.models import Child, Consent, CounsellingSession, Migrant, Qualification

HIDDEN_FIELDS = {"revision", "search_text", "updated_at", "created_at", "migrant"}
MAX_ENTRIES = 300
# Labels from the history row's own columns: str() of the instance would query relations.
LABELS = {
    Child: lambda r: str(r.year_of_birth),
    Qualification: lambda r: r.title,
    Consent: lambda r: r.purpose[:60],
    CounsellingSession: lambda r: r.held_on.strftime("%d.%m.%Y"),
}


@dataclass
class HistoryEntry:
    when: datetime
    user: object
    kind: str  # verbose name of the model
    action: str  # "+", "~", "-"
    object_label: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Column:
    """A compared column of a history table, with what it takes to show its values."""

    attname: str
    verbose_name: object  # lazy: translated when shown
    choices: dict | None
    is_relation: bool


@functools.cache
def _columns(model, language: str) -> tuple[_Column, ...]:
    """Computed once per model and language (country names are translated when the choices
    are built): the person page compares every column of every history row and had been
    looking up fields and flattening choices for each value (a sixth of its CPU time)."""
    fields = [
        f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS and f.name != "id"
    ]
    ordered = [f for f in fields if not f.is_relation] + [f for f in fields if f.is_relation]
    return tuple(
        _Column(
            attname=f.attname,
            verbose_name=f.verbose_name,
            choices=dict(f.flatchoices) if f.choices else None,
            is_relation=f.is_relation,
        )
        for f in ordered
    )


def _value(column: _Column, value) -> str:
    if value in (None, ""):
        return "–"
    if column.choices is not None:
        return str(column.choices.get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _entries_for(model, records) -> list[HistoryEntry]:
    by_object: dict[int, object] = {}
    entries = []
    columns = _columns(model, get_language())
    kind = str(model._meta.verbose_name)
    label_of = LABELS.get(model, lambda r: "")
    for record in records:  # oldest first
        previous = by_object.get(record.id)
        changes = []
        for column in columns:
            new = getattr(record, column.attname, None)
            old = getattr(previous, column.attname, None) if previous is not None else None
            if previous is None and new in (None, "", [], False):
                continue
            if previous is not None and old == new:
                continue
            label = str(column.verbose_name)
            if column.is_relation:
                changes.append((label, "–" if old is None else f"#{old}", f"#{new}"))
            else:
                changes.append(
                    (
                        label,
                        "" if previous is None else _value(column, old),
                        _value(column, new),
                    )
                )
        by_object[record.id] = record
        if previous is not None and not changes and record.history_type == "~":
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=record.history_user,
                kind=kind,
                action=record.history_type,
                object_label=label_of(record),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


@functools.cache
def historical_model(model):
    """The model's history table. Looked up once: `Model.history` builds a new manager
    class on every access, even on the class."""
    return model.history.model


def person_history(migrant: Migrant) -> list[HistoryEntry]:
    """All changes to the person and their attached records, newest first.

    One query per kind of record, whatever the number of changes.
    """
    by_person = {"migrant_id": migrant.pk}
    sources = [
        (Migrant, {"id": migrant.pk}),
        (Child, by_person),
        (Qualification, by_person),
        (Consent, by_person),
        (CounsellingSession, by_person),
    ]
    entries: list[HistoryEntry] = []
    for model, lookup in sources:
        records = historical_model(model).objects.filter(**lookup)
        entries.extend(
            _entries_for(model, records.select_related("history_user").order_by("history_id"))
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:MAX_ENTRIES]
