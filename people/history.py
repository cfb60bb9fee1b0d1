"""Who changed what and when: a person's record and everything attached to it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import F
from django.utils.translation import get_language

from people.models import Child, Consent, CounsellingSession, Migrant, Qualification
from sites.changes import DASH, display_value
from sites.models import User

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
                changes.append((label, DASH if old is None else f"#{old}", f"#{new}"))
            else:
                changes.append(
                    (
                        label,
                        "" if previous is None else display_value(old, choices=column.choices),
                        display_value(new, choices=column.choices),
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


# The name of whoever made a change comes with the history row: the page shows it for
# every entry, and joining the user here costs less than looking users up afterwards.
_USER_NAME_FIELDS = ("first_name", "last_name", "username")
_ANY_ID = 0


@functools.cache
def _statement(model, vendor: str) -> str:
    """The query for one kind of record, compiled by the ORM once per model and database.

    Building and compiling the five querysets cost more than running them (2.6 of the 7 ms
    the person page spent on its history); only the person's id differs between calls,
    and it stays a query parameter."""
    lookup = "id" if model is Migrant else "migrant_id"
    rows = (
        historical_model(model)
        .objects.filter(**{lookup: _ANY_ID})
        .annotate(**{f"by_{name}": F(f"history_user__{name}") for name in _USER_NAME_FIELDS})
        .order_by("history_id")
    )
    sql, params = rows.query.sql_with_params()
    if params != (_ANY_ID,):
        raise ImproperlyConfigured(f"the history query of {model.__name__} has {params!r}")
    return sql


def _records(model, migrant: Migrant):
    history = historical_model(model)
    statement = _statement(model, connections[history.objects.db].vendor)
    for record in history.objects.raw(statement, [migrant.pk]):
        if record.history_user_id is not None:
            record.history_user = User(
                pk=record.history_user_id,
                **{name: getattr(record, f"by_{name}") for name in _USER_NAME_FIELDS},
            )
        yield record


def person_history(migrant: Migrant) -> list[HistoryEntry]:
    """All changes to the person and their attached records, newest first.

    One query per kind of record, whatever the number of changes.
    """
    entries: list[HistoryEntry] = []
    for model in (Migrant, Child, Qualification, Consent, CounsellingSession):
        entries.extend(_entries_for(model, _records(model, migrant)))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:MAX_ENTRIES]


def _attached_label(model, record) -> str:
    if record is None:
        return DASH
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
