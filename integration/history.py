"""Who changed what and when: a person's record and everything attached to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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


def _value(model, name: str, value) -> str:
    model_field = model._meta.get_field(name)
    if value in (None, ""):
        return "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("yes") if value else gettext("no")
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _entries_for(model, records) -> list[HistoryEntry]:
    by_object: dict[int, object] = {}
    entries = []
    names = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.name != "id" and not f.is_relation
    ] + [
        f.attname
        for f in model._meta.concrete_fields
        if f.is_relation and f.name not in HIDDEN_FIELDS
    ]
    for record in records:  # oldest first
        previous = by_object.get(record.id)
        changes = []
        for name in names:
            new = getattr(record, name, None)
            old = getattr(previous, name, None) if previous is not None else None
            if previous is None and new in (None, "", [], False):
                continue
            if previous is not None and old == new:
                continue
            field_name = name[:-3] if name.endswith("_id") else name
            label = str(model._meta.get_field(field_name).verbose_name)
            if name.endswith("_id"):
                changes.append((label, "–" if old is None else f"#{old}", f"#{new}"))
            else:
                changes.append(
                    (
                        label,
                        "" if previous is None else _value(model, name, old),
                        _value(model, name, new),
                    )
                )
        by_object[record.id] = record
        if previous is not None and not changes and record.history_type == "~":
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                user=record.history_user,
                kind=str(model._meta.verbose_name),
                action=record.history_type,
                object_label=LABELS.get(model, lambda r: "")(record),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def person_history(migrant: Migrant) -> list[HistoryEntry]:
    """All changes to the person and their attached records, newest first.

    One query per kind of record, whatever the number of changes.
    """
    sources = [
        (Migrant, Migrant.history.filter(id=migrant.pk)),
        (Child, Child.history.filter(migrant_id=migrant.pk)),
        (Qualification, Qualification.history.filter(migrant_id=migrant.pk)),
        (Consent, Consent.history.filter(migrant_id=migrant.pk)),
        (CounsellingSession, CounsellingSession.history.filter(migrant_id=migrant.pk)),
    ]
    entries: list[HistoryEntry] = []
    for model, records in sources:
        entries.extend(
            _entries_for(model, records.select_related("history_user").order_by("history_id"))
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:MAX_ENTRIES]
